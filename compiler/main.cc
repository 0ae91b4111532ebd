// rbacc: compiles Kubernetes RBAC policies declared as data into manifests,
// Helm values and application config. Flags live here only; the work is done
// by the libraries in compiler/.
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "compiler/cli/compile_command.h"
#include "compiler/cli/lint_command.h"
#include "compiler/cli/list_command.h"
#include "compiler/cli/version_command.h"
#include "compiler/common/names.h"

ABSL_FLAG(std::string, bundle, "",
          "Bundle: a folder name under policies/ or a path to a bundle folder. "
          "Default: skypilot when --profile or --features is given, else "
          "every bundle.");
ABSL_FLAG(std::string, profile, "",
          "One committed profile (policies/<bundle>/profiles/<NAME>.textproto)."
          " Default: every profile.");
ABSL_FLAG(std::string, features, "",
          "Comma-separated features to merge instead of a profile's, e.g. "
          "base,show-gpus. Features they require are added.");
ABSL_FLAG(std::string, namespace, "",
          "Namespace(s), comma-separated, of the service account and the "
          "namespaced Role. Default: the profile's or the bundle's (default).");
ABSL_FLAG(std::string, service_account, "",
          "Service account the roles are bound to. Default: the profile's or "
          "the bundle's (sky-sa).");
ABSL_FLAG(std::string, remote_identity, "",
          "How the application authenticates in-cluster: a custom service "
          "account's name, or one of the bundle's identity modes (SkyPilot: "
          "SERVICE_ACCOUNT, LOCAL_CREDENTIALS, NO_UPLOAD).");
ABSL_FLAG(bool, create_service_account, true,
          "Whether rbac.yaml creates the service account; false when it "
          "already exists.");
ABSL_FLAG(std::string, subjects, "",
          "Comma-separated extra subjects bound to every role: User:NAME, "
          "Group:NAME, ServiceAccount:NAMESPACE/NAME.");
ABSL_FLAG(std::string, out_dir, "",
          "Output folder, relative to the workspace; - prints rbac.yaml to "
          "stdout. Default: outputs/<bundle>/<profile>, or "
          "outputs/<bundle>/custom with --features.");
ABSL_FLAG(std::string, lint, "warn",
          "compile: report least-privilege findings that no rule acknowledges "
          "as warnings (warn), as errors that stop the run (error), or not at "
          "all (off).");
ABSL_FLAG(std::string, format, "text",
          "lint: print findings as text, json, or sarif (for GitHub code "
          "scanning).");
ABSL_FLAG(bool, version, false,
          "Print the version and the digest of every bundle.");

namespace {

constexpr char kUsage[] =
    "rbacc [compile|lint|list] [flags]\n"
    "  compile (the default) writes rbac.yaml, values.yaml, config.yaml,\n"
    "  kustomization.yaml and PERMISSIONS.md; lint reports least-privilege\n"
    "  findings; list prints the bundles, features and profiles.\n"
    "\n"
    "Examples:\n"
    "  bazel run //compiler                    # every committed profile\n"
    "  bazel run //compiler -- --profile=full  # one profile of skypilot\n"
    "  bazel run //compiler -- --features=base,show-gpus \\\n"
    "      --namespace=team-a --service_account=robot --out_dir=/tmp/x\n"
    "  bazel run //compiler -- --features=base --out_dir=-  # to stdout\n"
    "  bazel run //compiler -- lint --format=sarif > rbacc.sarif\n"
    "\n"
    "Exit codes: 0 written (lint: nothing open); 1 lint: open findings;\n"
    "2 invalid input, flags or output folder (nothing written).";

// The commands this version runs.
const std::vector<std::string>& Commands() {
  static const auto* const kCommands =
      new std::vector<std::string>{"compile", "lint", "list"};
  return *kCommands;
}

// The commands DESIGN.md names that this version does not have yet.
const std::vector<std::string>& PlannedCommands() {
  static const auto* const kCommands = new std::vector<std::string>{
      "check", "diff", "explain", "can-i", "import", "fmt", "graph"};
  return *kCommands;
}

bool Contains(const std::vector<std::string>& values,
              const std::string& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

// True when the command line sets flag `name` (as --name, --name=VALUE, -name
// or -name=VALUE before a "--"), even to an empty value, which then gets
// validated rather than silently meaning "default".
bool Given(int argc, char** argv, absl::string_view name) {
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == "--") break;
    if (!absl::ConsumePrefix(&arg, "--") && !absl::ConsumePrefix(&arg, "-")) {
      continue;
    }
    if (arg == name || absl::StartsWith(arg, absl::StrCat(name, "="))) {
      return true;
    }
  }
  return false;
}

std::vector<std::string> SplitList(const std::string& value) {
  return absl::StrSplit(value, ',', absl::SkipWhitespace());
}

// Parses --lint. Returns false for a value that is not warn, error or off.
bool ParseLintMode(const std::string& text, rbacc::LintMode* mode) {
  if (text == "warn") {
    *mode = rbacc::LintMode::kWarn;
  } else if (text == "error") {
    *mode = rbacc::LintMode::kError;
  } else if (text == "off") {
    *mode = rbacc::LintMode::kOff;
  } else {
    return false;
  }
  return true;
}

}  // namespace

// --help lists the flags of this file (Abseil would look for a file named after
// the binary).
bool IsRbaccFlagFile(absl::string_view path) {
  return absl::EndsWith(path, "compiler/main.cc");
}

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(kUsage);
  absl::FlagsUsageConfig usage_config;
  usage_config.contains_help_flags = IsRbaccFlagFile;
  usage_config.contains_helpshort_flags = IsRbaccFlagFile;
  absl::SetFlagsUsageConfig(usage_config);
  const std::vector<char*> positional = absl::ParseCommandLine(argc, argv);

  const char* workspace = std::getenv("BUILD_WORKSPACE_DIRECTORY");
  const std::string workspace_root = workspace != nullptr ? workspace : ".";
  if (absl::GetFlag(FLAGS_version)) {
    return rbacc::RunVersion(workspace_root, std::cout, std::cerr);
  }

  const std::string command = positional.size() > 1 ? positional[1] : "compile";
  if (!Contains(Commands(), command)) {
    std::vector<std::string> known = Commands();
    known.insert(known.end(), PlannedCommands().begin(),
                 PlannedCommands().end());
    std::cerr << "rbacc: "
              << (Contains(PlannedCommands(), command)
                      ? absl::StrCat("the `", command,
                                     "` command is not available in this "
                                     "version")
                      : absl::StrCat("unknown command \"", command, "\"",
                                     rbacc::DidYouMean(command, known)))
              << "; available: " << absl::StrJoin(Commands(), ", ")
              << " (see --help)\n";
    return rbacc::kExitError;
  }
  if (positional.size() > 2) {
    std::cerr << "rbacc " << command << ": unexpected argument \""
              << positional[2]
              << "\"; flags are written --name=value (see --help)\n";
    return rbacc::kExitError;
  }

  if (command == "list") {
    return rbacc::RunList(workspace_root, absl::GetFlag(FLAGS_bundle),
                          std::cout, std::cerr);
  }

  rbacc::CompileOptions options;
  options.workspace_root = workspace_root;
  options.bundle = absl::GetFlag(FLAGS_bundle);
  options.profile = absl::GetFlag(FLAGS_profile);
  rbacc::SelectionOverrides& overrides = options.overrides;
  if (Given(argc, argv, "features")) {
    overrides.features = {SplitList(absl::GetFlag(FLAGS_features)),
                          {"--features"}};
  }
  if (Given(argc, argv, "namespace")) {
    overrides.namespaces = {SplitList(absl::GetFlag(FLAGS_namespace)),
                            {"--namespace"}};
  }
  if (Given(argc, argv, "create_service_account") ||
      Given(argc, argv, "nocreate_service_account")) {
    overrides.create_service_account = {
        absl::GetFlag(FLAGS_create_service_account),
        {"--create_service_account"}};
  }
  if (Given(argc, argv, "service_account")) {
    overrides.service_account = {absl::GetFlag(FLAGS_service_account),
                                 {"--service_account"}};
  }
  if (Given(argc, argv, "remote_identity")) {
    overrides.remote_identity = {absl::GetFlag(FLAGS_remote_identity),
                                 {"--remote_identity"}};
  }
  if (Given(argc, argv, "subjects")) {
    overrides.subjects = {SplitList(absl::GetFlag(FLAGS_subjects)),
                          {"--subjects"}};
  }
  if (Given(argc, argv, "out_dir")) {
    options.out_dir = absl::GetFlag(FLAGS_out_dir);
  }
  if (!ParseLintMode(absl::GetFlag(FLAGS_lint), &options.lint)) {
    std::cerr << "--lint: error: \"" << absl::GetFlag(FLAGS_lint)
              << "\" is not warn, error or off\n";
    return rbacc::kExitError;
  }

  if (command == "lint") {
    rbacc::LintFormat format;
    if (!rbacc::ParseLintFormat(absl::GetFlag(FLAGS_format), &format)) {
      std::cerr << "--format: error: \"" << absl::GetFlag(FLAGS_format)
                << "\" is not text, json or sarif\n";
      return rbacc::kExitError;
    }
    return rbacc::RunLint(options, format, std::cout, std::cerr);
  }
  return rbacc::RunCompile(options, std::cout, std::cerr);
}
