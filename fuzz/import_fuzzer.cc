// libFuzzer target for `rbacc import`'s path: RBAC YAML (anchors and aliases
// included) read with ReadRbacYaml, then written as a feature. Any crash,
// leak, sanitizer report, hang or memory use beyond fuzz/run.sh's ceiling is a
// bug (an alias bomb must be refused by the YAML limits, not expanded); an
// error status is an expected outcome.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "compiler/common/rbac_objects.h"
#include "compiler/review/importer.h"
#include "compiler/review/rbac_yaml_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  const absl::StatusOr<rbacc::RbacObjects> objects =
      rbacc::ReadRbacYaml(text, "fuzz.yaml");
  if (!objects.ok()) return 0;
  rbacc::ImportOptions options;
  options.feature_name = "fuzz";
  options.source_name = "fuzz.yaml";
  rbacc::ImportFeature(*objects, options).status().IgnoreError();
  return 0;
}
