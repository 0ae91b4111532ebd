#include "compiler/cli/import_command.h"

#include <filesystem>
#include <fstream>
#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "compiler/cli/compile_command.h"
#include "compiler/common/aggregation.h"
#include "compiler/common/input_file.h"
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
  absl::StatusOr<std::string> text = ReadInputFile(
      resolve(options.file).string(), options.file, kYamlInputLimit);
  if (!text.ok()) {
    err << text.status().message() << "\n";
    return kExitError;
  }
  absl::StatusOr<RbacObjects> objects = ReadRbacYaml(*text, options.file);
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

ImportCommand::ImportCommand()
    : Command({"import",
               "RBAC YAML to a feature textproto (--name, --out)",
               "import FILE.yaml [flags]",
               "Reads Kubernetes RBAC YAML (Roles, ClusterRoles, bindings, "
               "ServiceAccounts) and prints a feature that grants the same.\n\n"
               "Exit codes: 0 imported; 2 invalid input or flags.",
               {"bazel run //compiler -- import "
                "tests/testdata/create-sky-sa.yaml",
                "bazel run //compiler -- import role.yaml --name=my-app "
                "--out=policies/skypilot/my-app.textproto"}}) {}

void ImportCommand::DeclareFlags(FlagSet* flags) const {
  flags->AddString("name", "NAME",
                   "The feature's name. Default: from the file name.");
  flags->AddString("out", "FILE",
                   "Write the feature to this file instead of stdout.");
}

int ImportCommand::Execute(const Invocation& call) const {
  if (call.positional.size() != 1) {
    call.err << "rbacc import: takes one YAML file: rbacc import FILE.yaml; "
                "see rbacc import --help\n";
    return kExitUsage;
  }
  ImportCommandOptions options;
  options.workspace_root = call.env.workspace_root;
  options.file = call.positional[0];
  options.feature_name = call.flags.String("name");
  options.out = call.flags.String("out");
  return RunImport(options, call.out, call.err);
}

}  // namespace rbacc
