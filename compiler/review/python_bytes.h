// Python's bytes literals in logs: SkyPilot logs a Kubernetes ApiException's
// body as Python prints bytes (`HTTP response body: b'{"kind":"Status",...}'`),
// with the JSON's backslashes doubled, so the JSON inside reads only once the
// literal is decoded.
#ifndef RBACC_COMPILER_REVIEW_PYTHON_BYTES_H_
#define RBACC_COMPILER_REVIEW_PYTHON_BYTES_H_

#include <string>

#include "absl/strings/string_view.h"

namespace rbacc {

// Returns `text` with each Python bytes literal holding a JSON object
// (`b'{...}'`, closing on its line) replaced by the bytes it stands for
// (escapes \\, \', \", \n, \r, \t and \xHH decoded); the rest, and a
// literal that does not close or holds a broken escape, unchanged. Never
// fails.
std::string DecodePythonBytesLiterals(absl::string_view text);

}  // namespace rbacc

#endif  // RBACC_COMPILER_REVIEW_PYTHON_BYTES_H_
