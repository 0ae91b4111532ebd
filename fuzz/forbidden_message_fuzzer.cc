// libFuzzer target for why-forbidden's input: a 403 message, bare, in a JSON
// Status body (nested as deep as it likes) or in a log line. A message that
// parses is written back the API server's way and parsed again. Any crash,
// sanitizer report or hang (JSON nesting must cost linear time) is a bug; an
// error status is an expected outcome.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "compiler/review/forbidden_message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  const absl::StatusOr<rbacc::ForbiddenMessage> message =
      rbacc::ParseForbiddenMessage(text);
  if (!message.ok()) return 0;
  rbacc::ParseForbiddenMessage(rbacc::FormatForbiddenMessage(*message))
      .status()
      .IgnoreError();
  return 0;
}
