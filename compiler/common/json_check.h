// A strict JSON syntax check for tests: do a renderer's bytes parse?
#ifndef RBACC_COMPILER_COMMON_JSON_CHECK_H_
#define RBACC_COMPILER_COMMON_JSON_CHECK_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace rbacc {

// Returns OK when `text` is exactly one JSON value (RFC 8259) with optional
// whitespace around it, every string of which is well-formed UTF-8 with no
// raw control characters and only valid escapes. Otherwise returns
// InvalidArgument naming the byte offset and what was expected there.
absl::Status CheckJson(absl::string_view text);

}  // namespace rbacc

#endif  // RBACC_COMPILER_COMMON_JSON_CHECK_H_
