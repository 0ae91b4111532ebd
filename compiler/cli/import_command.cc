#include "compiler/cli/import_command.h"

#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>
#include <string>

#include "absl/status/statusor.h"
#include "compiler/cli/compile_command.h"
#include "compiler/common/aggregation.h"
#include "compiler/common/issue.h"
#include "compiler/review/importer.h"
#include "compiler/review/policy_input.h"
#include "compiler/review/rbac_yaml_reader.h"

namespace rbacc {

int RunImport(const ImportCommandOptions& options, std::ostream& out,
              std::ostream& err) {
  namespace fs = std::filesystem;
  const auto resolve = [&](const std::string& path) {
    return fs::path(path).is_absolute()
               ? fs::path(path)
               : fs::path(options.workspace_root) / path;
  };
  if (options.file.empty()) {
    err << "rbacc import: name the YAML file: rbacc import FILE.yaml\n";
    return kExitError;
  }
  std::ifstream stream(resolve(options.file), std::ios::binary);
  if (!stream) {
    err << options.file << ": cannot read the file\n";
    return kExitError;
  }
  std::ostringstream text;
  text << stream.rdbuf();
  absl::StatusOr<RbacObjects> objects = ReadRbacYaml(text.str(), options.file);
  if (!objects.ok()) {
    err << objects.status().message() << "\n";
    return kExitError;
  }
  ResolveAggregation(&*objects);
  IssueList issues;
  WarnAboutUnboundRoles(*objects, options.file, &issues);
  if (!issues.issues().empty()) err << issues.Render({});
  ImportOptions import;
  import.feature_name = options.feature_name.empty()
                            ? FeatureNameFromFile(options.file)
                            : options.feature_name;
  import.source_name = fs::path(options.file).filename().string();
  absl::StatusOr<std::string> feature = ImportFeature(*objects, import);
  if (!feature.ok()) {
    err << "rbacc import: " << feature.status().message() << "\n";
    return kExitError;
  }
  if (options.out.empty()) {
    out << *feature;
    return kExitOk;
  }
  std::ofstream file(resolve(options.out), std::ios::binary | std::ios::trunc);
  file << *feature;
  file.close();
  if (!file) {
    err << options.out << ": cannot write the file\n";
    return kExitError;
  }
  err << "wrote " << options.out << ": feature " << import.feature_name << "\n";
  return kExitOk;
}

}  // namespace rbacc
