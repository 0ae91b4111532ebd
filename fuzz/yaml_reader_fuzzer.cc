// libFuzzer target for every reader of YAML: the input is given to each reader
// in kReaders. Add a reader (import, diff) as one line there. Any crash, leak,
// sanitizer report or hang is a bug; an error status is the expected outcome.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "compiler/review/forbidden_message.h"
#include "compiler/review/rbac_yaml_reader.h"

namespace {

// A YAML reader under test: reads `text` and returns its status.
using Reader = absl::Status (*)(absl::string_view text);

constexpr Reader kReaders[] = {
    // RBAC YAML, as rbac.yaml and the documentation's examples hold it.
    [](absl::string_view text) {
      return rbacc::ReadRbacYaml(text, "fuzz.yaml").status();
    },
    // A Forbidden message, which may hold a JSON Status body.
    [](absl::string_view text) {
      return rbacc::ParseForbiddenMessage(text).status();
    },
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  for (const Reader reader : kReaders) reader(text).IgnoreError();
  return 0;
}
