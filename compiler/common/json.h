// Writing JSON strings: the one piece of JSON syntax that needs care.
#ifndef RBACC_COMPILER_COMMON_JSON_H_
#define RBACC_COMPILER_COMMON_JSON_H_

#include <string>

#include "absl/strings/string_view.h"

namespace rbacc {

// Returns `text` as a JSON string literal, quotes included: `"`, `\` and
// control characters escaped (\n, \t, ... or \u00XX); other bytes, UTF-8
// included, as they are.
std::string JsonString(absl::string_view text);

}  // namespace rbacc

#endif  // RBACC_COMPILER_COMMON_JSON_H_
