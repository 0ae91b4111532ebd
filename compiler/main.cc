// rbacc: compiles Kubernetes RBAC policies declared as data into manifests,
// Helm values and application config. Flags live here only; the work is done by
// the libraries in compiler/.
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/internal/parse.h"
#include "absl/flags/internal/usage.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "compiler/cli/can_i_command.h"
#include "compiler/cli/compile_command.h"
#include "compiler/cli/diff_command.h"
#include "compiler/cli/explain_command.h"
#include "compiler/cli/graph_command.h"
#include "compiler/cli/import_command.h"
#include "compiler/cli/lint_command.h"
#include "compiler/cli/list_command.h"
#include "compiler/cli/review_input.h"
#include "compiler/cli/version_command.h"
#include "compiler/cli/why_forbidden_command.h"
#include "compiler/common/names.h"
#include "compiler/emit/graph.h"
#include "compiler/review/diff.h"
#include "compiler/review/policy_input.h"
#include "compiler/validate/bootstrap.h"

ABSL_FLAG(std::string, bundle, "",
          "Bundle: a folder name under policies/ or a path to a bundle folder. "
          "Default: "
          "skypilot when --profile or --features is given, else every bundle.");
ABSL_FLAG(std::string, profile, "",
          "One committed profile to compile "
          "(policies/<bundle>/profiles/<NAME>.textproto). "
          "Default: every profile.");
ABSL_FLAG(std::string, features, "",
          "Comma-separated features to merge instead of a profile's, e.g. "
          "base,show-gpus. "
          "Features they require are added.");
ABSL_FLAG(std::string, namespace, "",
          "compile: namespace(s), comma-separated, of the service account and "
          "the namespaced Role; default the profile's or the bundle's. "
          "explain, can-i: the request's namespace, as in kubectl.");
ABSL_FLAG(std::string, service_account, "",
          "Service account the roles are bound to. Default: the profile's or "
          "the bundle's "
          "(sky-sa).");
ABSL_FLAG(std::string, remote_identity, "",
          "How the application authenticates in-cluster: a custom service "
          "account's name, or one of the bundle's identity modes (SkyPilot: "
          "SERVICE_ACCOUNT, LOCAL_CREDENTIALS, NO_UPLOAD).");
ABSL_FLAG(bool, create_service_account, true,
          "Whether rbac.yaml creates the service account; false when it "
          "already exists.");
ABSL_FLAG(std::string, cluster_scope, "",
          "full (default): rbac.yaml holds the ClusterRole, Roles in fixed "
          "namespaces and Namespaces the features need; none: only the "
          "target namespaces' objects, for tenants without cluster rights "
          "(what that drops is listed in rbac.yaml and PERMISSIONS.md).");
ABSL_FLAG(std::string, bootstrap, "",
          "For an identity mode whose application creates its own account "
          "(SkyPilot: SERVICE_ACCOUNT, LOCAL_CREDENTIALS, NO_UPLOAD): "
          "precreate (default): rbac.yaml creates its objects exactly as the "
          "application writes them and the launcher may only read them; "
          "grant: the launcher (--subjects) may create and patch them.");
ABSL_FLAG(std::string, subjects, "",
          "Comma-separated extra subjects bound to every role: User:NAME, "
          "Group:NAME, "
          "ServiceAccount:NAMESPACE/NAME.");
ABSL_FLAG(std::string, contexts, "",
          "Comma-separated kubeconfig contexts, each CONTEXT=IDENTITY (a "
          "service account or an identity mode) or CONTEXT (the profile's "
          "settings for it): one output folder per context and one "
          "config.yaml mapping each to its identity.");
ABSL_FLAG(std::string, chart_release, "",
          "The Helm release values.yaml is written for (the chart names its "
          "objects after it). Default: the profile's or the bundle's "
          "(skypilot).");
ABSL_FLAG(
    std::string, out_dir, "",
    "Output folder, relative to the workspace; - prints rbac.yaml to stdout. "
    "Default: "
    "outputs/<bundle>/<profile>, or outputs/<bundle>/custom with --features.");
ABSL_FLAG(bool, check, false,
          "compile: write nothing; exit 1 and print a unified diff of each "
          "stale output with the command that regenerates it.");
ABSL_FLAG(std::string, format, "",
          "lint: text (default), json or sarif. diff: text (default), "
          "markdown or json. graph: mermaid (default) or dot. why-forbidden: "
          "text (default) or json.");
ABSL_FLAG(std::string, lint, "warn",
          "compile: report least-privilege findings that no rule acknowledges "
          "as warnings (warn), as errors that stop the run (error), or not at "
          "all (off).");
ABSL_FLAG(bool, exit_code, false, "diff: exit 1 when anything changed.");
ABSL_FLAG(std::string, rbac, "",
          "explain, can-i, graph, why-forbidden: read this RBAC YAML file or "
          "output folder instead of compiling a selection.");
ABSL_FLAG(std::string, target_namespace, "",
          "explain, can-i: the selection's target namespace (--namespace is "
          "the request's there, as in kubectl).");
ABSL_FLAG(bool, list, false,
          "can-i: list what the subject may do in the namespace.");
ABSL_FLAG(bool, all_namespaces, false,
          "can-i: ask cluster-wide rather than in one namespace.");
ABSL_FLAG(std::string, as, "",
          "explain, can-i: the identity asking: a user name or "
          "system:serviceaccount:NAMESPACE:NAME. Default: the compiled "
          "service account.");
ABSL_FLAG(std::string, as_group, "",
          "explain, can-i: comma-separated groups of the --as identity.");
ABSL_FLAG(std::string, name, "",
          "import: the feature's name. Default: from the file name.");
ABSL_FLAG(std::string, out, "",
          "import: write the feature to this file instead of stdout.");

namespace {

constexpr char kUsage[] =
    "rbacc [compile] [flags]: compiles Kubernetes RBAC policies into "
    "rbac.yaml, values.yaml,\n"
    "config.yaml, kustomization.yaml and PERMISSIONS.md.\n"
    "\n"
    "Examples:\n"
    "  bazel run //compiler                      # regenerate every committed "
    "profile\n"
    "  bazel run //compiler -- --profile=full    # one profile of the skypilot "
    "bundle\n"
    "  bazel run //compiler -- --features=base,show-gpus --namespace=team-a "
    "\\\n"
    "      --service_account=robot --out_dir=/tmp/x\n"
    "  bazel run //compiler -- --features=base --out_dir=-   # rbac.yaml to "
    "stdout\n"
    "  bazel run //compiler -- --features=base --out_dir=/tmp/x \\\n"
    "      --contexts=kind-a=sky-sa,kind-b=SERVICE_ACCOUNT   # a folder per "
    "context\n"
    "  bazel run //compiler -- --version         # rbacc's version and each "
    "bundle's digest\n"
    "\n"
    "Exit codes: 0 written; 1 check: stale outputs, lint: open findings,\n"
    "diff --exit-code: changes; 2 invalid input, flags or output folder\n"
    "(nothing written). can-i exits as kubectl auth can-i: 0 yes, 1 no or\n"
    "invalid input (stderr says which).\n"
    "\n"
    "Other commands (rbacc COMMAND [args] [flags]):\n"
    "  check                          like compile --check: exit 1 and print "
    "a diff when outputs/ are stale\n"
    "  diff A B                       semantic permission diff; A and B are a "
    "profile (full),\n"
    "                                 features (base,show-gpus), "
    "BUNDLE:PROFILE, "
    "PROFILE@CONTEXT,\n"
    "                                 BUNDLE: or an rbac.yaml/folder\n"
    "  explain [VERB RESOURCE [NAME]] why each permission is granted, or why "
    "one request is (not)\n"
    "  can-i VERB RESOURCE[/SUB] [NAME]  yes/no like kubectl auth can-i "
    "(--namespace, --list, --as)\n"
    "  import FILE.yaml               RBAC YAML to a feature textproto "
    "(--name, --out)\n"
    "  graph                          subjects -> bindings -> roles -> "
    "resources (--format=mermaid|dot)\n"
    "  lint                           least-privilege findings "
    "(--format=text|json|sarif)\n"
    "  list                           bundles, features, profiles and "
    "identity modes\n"
    "  why-forbidden [MESSAGE]        what grants a Forbidden message's "
    "request (the message, a JSON\n"
    "                                 Status body or a log line; from "
    "stdin without MESSAGE)\n"
    "\n"
    "  bazel run //compiler -- diff minimal full --format=markdown\n"
    "  bazel run //compiler -- can-i create pods/exec --profile=full\n"
    "  bazel run //compiler -- explain list pods --profile=full "
    "--namespace=kube-system";

// The commands DESIGN.md names that this version does not have.
const std::vector<std::string>& PlannedCommands() {
  static const auto* const kCommands = new std::vector<std::string>{"fmt"};
  return *kCommands;
}

// True when the command line sets flag `name` (as --name, --name=VALUE, -name
// or -name=VALUE before a "--"), even to an empty value, which then gets
// validated rather than silently meaning "default".
bool Given(int argc, char** argv, absl::string_view name) {
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == "--") break;
    if (!absl::ConsumePrefix(&arg, "--")) {
      if (!absl::ConsumePrefix(&arg, "-")) continue;
    }
    if (arg == name || absl::StartsWith(arg, absl::StrCat(name, "=")))
      return true;
  }
  return false;
}

std::vector<std::string> SplitList(const std::string& value) {
  return absl::StrSplit(value, ',', absl::SkipWhitespace());
}

// What every command gets: the command line and the workspace.
struct CommandLine {
  int argc;
  char** argv;
  // Positional arguments after the command name.
  std::vector<std::string> arguments;
  std::string workspace_root;
};

// The parameter flags as overrides of a selection. `namespace_flag` names the
// flag that sets the selection's namespace ("namespace" for compile,
// "target_namespace" where --namespace is the request's).
rbacc::SelectionOverrides Overrides(const CommandLine& line,
                                    absl::string_view namespace_flag) {
  rbacc::SelectionOverrides overrides;
  if (Given(line.argc, line.argv, "features")) {
    overrides.features = {SplitList(absl::GetFlag(FLAGS_features)),
                          {"--features"}};
  }
  if (Given(line.argc, line.argv, namespace_flag)) {
    overrides.namespaces = {
        SplitList(namespace_flag == "namespace"
                      ? absl::GetFlag(FLAGS_namespace)
                      : absl::GetFlag(FLAGS_target_namespace)),
        {absl::StrCat("--", namespace_flag)}};
  }
  if (Given(line.argc, line.argv, "create_service_account") ||
      Given(line.argc, line.argv, "nocreate_service_account")) {
    overrides.create_service_account = {
        absl::GetFlag(FLAGS_create_service_account),
        {"--create_service_account"}};
  }
  if (Given(line.argc, line.argv, "service_account")) {
    overrides.service_account = {absl::GetFlag(FLAGS_service_account),
                                 {"--service_account"}};
  }
  if (Given(line.argc, line.argv, "remote_identity")) {
    overrides.remote_identity = {absl::GetFlag(FLAGS_remote_identity),
                                 {"--remote_identity"}};
  }
  if (Given(line.argc, line.argv, "subjects")) {
    overrides.subjects = {SplitList(absl::GetFlag(FLAGS_subjects)),
                          {"--subjects"}};
  }
  if (Given(line.argc, line.argv, "cluster_scope")) {
    // main() has rejected other values.
    rbacc::v1::ClusterScope scope = rbacc::v1::CLUSTER_SCOPE_UNSPECIFIED;
    rbacc::ParseClusterScope(absl::GetFlag(FLAGS_cluster_scope), &scope);
    overrides.cluster_scope = {scope, {"--cluster_scope"}, {}};
  }
  if (Given(line.argc, line.argv, "bootstrap")) {
    // main() has rejected other values.
    rbacc::v1::BootstrapMode bootstrap = rbacc::v1::BOOTSTRAP_MODE_UNSPECIFIED;
    rbacc::ParseBootstrapMode(absl::GetFlag(FLAGS_bootstrap), &bootstrap);
    overrides.bootstrap = {bootstrap, {"--bootstrap"}, {}};
  }
  if (Given(line.argc, line.argv, "contexts")) {
    overrides.contexts = {SplitList(absl::GetFlag(FLAGS_contexts)),
                          {"--contexts"}};
  }
  if (Given(line.argc, line.argv, "chart_release")) {
    overrides.chart_release = {absl::GetFlag(FLAGS_chart_release),
                               {"--chart_release"}};
  }
  return overrides;
}

// The policy explain, can-i and graph look at: --rbac, or the selection
// flags. Prints why and returns false when there is no selection.
bool Policy(const CommandLine& line, absl::string_view namespace_flag,
            const char* command, rbacc::PolicySpec* spec) {
  const rbacc::SelectionOverrides overrides = Overrides(line, namespace_flag);
  const std::string rbac = absl::GetFlag(FLAGS_rbac);
  const std::string profile = absl::GetFlag(FLAGS_profile);
  if (rbac.empty() && profile.empty() && !overrides.features) {
    std::cerr << "rbacc " << command
              << ": name what to look at: --profile=NAME, --features=... or "
                 "--rbac=FILE_OR_FOLDER\n";
    return false;
  }
  *spec = rbacc::SelectionSpec(rbac, absl::GetFlag(FLAGS_bundle), profile,
                               overrides);
  return true;
}

// Rejects positional arguments for commands that take none.
bool NoArguments(const CommandLine& line, const char* command) {
  if (line.arguments.empty()) return true;
  std::cerr << "rbacc " << command << ": unexpected argument \""
            << line.arguments[0]
            << "\"; flags are written --name=value (see --help)\n";
  return false;
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

// The compile options the flags give. Prints why and returns false for a bad
// --lint.
bool CompileOptionsFromFlags(const CommandLine& line,
                             rbacc::CompileOptions* options) {
  options->workspace_root = line.workspace_root;
  options->bundle = absl::GetFlag(FLAGS_bundle);
  options->profile = absl::GetFlag(FLAGS_profile);
  options->overrides = Overrides(line, "namespace");
  if (Given(line.argc, line.argv, "out_dir")) {
    options->out_dir = absl::GetFlag(FLAGS_out_dir);
  }
  if (!ParseLintMode(absl::GetFlag(FLAGS_lint), &options->lint)) {
    std::cerr << "--lint: error: \"" << absl::GetFlag(FLAGS_lint)
              << "\" is not warn, error or off\n";
    return false;
  }
  return true;
}

int Compile(const CommandLine& line, bool check) {
  if (!NoArguments(line, check ? "check" : "compile")) return rbacc::kExitError;
  rbacc::CompileOptions options;
  if (!CompileOptionsFromFlags(line, &options)) return rbacc::kExitError;
  options.check = check || absl::GetFlag(FLAGS_check);
  // The process exits right after.
  options.keep_until_exit = true;
  return rbacc::RunCompile(options, std::cout, std::cerr);
}

int RunCompileCommand(const CommandLine& line) { return Compile(line, false); }

int RunCheckCommand(const CommandLine& line) { return Compile(line, true); }

int RunLintCommand(const CommandLine& line) {
  if (!NoArguments(line, "lint")) return rbacc::kExitError;
  rbacc::CompileOptions options;
  if (!CompileOptionsFromFlags(line, &options)) return rbacc::kExitError;
  const std::string format_flag = absl::GetFlag(FLAGS_format);
  rbacc::LintFormat format = rbacc::LintFormat::kText;
  if (!format_flag.empty() && !rbacc::ParseLintFormat(format_flag, &format)) {
    std::cerr << "--format: error: \"" << format_flag
              << "\" is not text, json or sarif\n";
    return rbacc::kExitError;
  }
  return rbacc::RunLint(options, format, std::cout, std::cerr);
}

int RunListCommand(const CommandLine& line) {
  if (!NoArguments(line, "list")) return rbacc::kExitError;
  return rbacc::RunList(line.workspace_root, absl::GetFlag(FLAGS_bundle),
                        std::cout, std::cerr);
}

int RunDiffCommand(const CommandLine& line) {
  if (line.arguments.size() != 2) {
    std::cerr << "rbacc diff: takes two policies: rbacc diff A B (a profile, "
                 "features a,b, BUNDLE:PROFILE, BUNDLE: or an rbac.yaml or "
                 "output folder)\n";
    return rbacc::kExitError;
  }
  rbacc::DiffOptions options;
  options.workspace_root = line.workspace_root;
  options.before = line.arguments[0];
  options.after = line.arguments[1];
  const std::string format = absl::GetFlag(FLAGS_format);
  if (format == "markdown") {
    options.format = rbacc::DiffFormat::kMarkdown;
  } else if (format == "json") {
    options.format = rbacc::DiffFormat::kJson;
  } else if (!format.empty() && format != "text") {
    std::cerr << "--format: error: unknown diff format \"" << format
              << "\"; use text, markdown or json\n";
    return rbacc::kExitError;
  }
  options.exit_code = absl::GetFlag(FLAGS_exit_code);
  return rbacc::RunDiff(options, std::cout, std::cerr);
}

// --namespace as a request's namespace, unset when not given.
std::optional<std::string> RequestNamespace(const CommandLine& line) {
  if (!Given(line.argc, line.argv, "namespace")) return std::nullopt;
  return absl::GetFlag(FLAGS_namespace);
}

int RunExplainCommand(const CommandLine& line) {
  rbacc::ExplainOptions options;
  options.workspace_root = line.workspace_root;
  if (!Policy(line, "target_namespace", "explain", &options.policy)) {
    return rbacc::kExitError;
  }
  options.request = line.arguments;
  options.request_namespace = RequestNamespace(line);
  options.as = absl::GetFlag(FLAGS_as);
  options.as_groups = SplitList(absl::GetFlag(FLAGS_as_group));
  return rbacc::RunExplain(options, std::cout, std::cerr);
}

int RunCanICommand(const CommandLine& line) {
  rbacc::CanIOptions options;
  options.workspace_root = line.workspace_root;
  if (!Policy(line, "target_namespace", "can-i", &options.policy)) {
    return rbacc::kExitCanIError;
  }
  options.request = line.arguments;
  options.request_namespace = RequestNamespace(line);
  options.all_namespaces = absl::GetFlag(FLAGS_all_namespaces);
  options.list = absl::GetFlag(FLAGS_list);
  options.as = absl::GetFlag(FLAGS_as);
  options.as_groups = SplitList(absl::GetFlag(FLAGS_as_group));
  return rbacc::RunCanI(options, std::cout, std::cerr);
}

int RunImportCommand(const CommandLine& line) {
  if (line.arguments.size() != 1) {
    std::cerr << "rbacc import: takes one YAML file: rbacc import FILE.yaml\n";
    return rbacc::kExitError;
  }
  rbacc::ImportCommandOptions options;
  options.workspace_root = line.workspace_root;
  options.file = line.arguments[0];
  options.feature_name = absl::GetFlag(FLAGS_name);
  options.out = absl::GetFlag(FLAGS_out);
  return rbacc::RunImport(options, std::cout, std::cerr);
}

int RunGraphCommand(const CommandLine& line) {
  if (!NoArguments(line, "graph")) return rbacc::kExitError;
  rbacc::GraphOptions options;
  options.workspace_root = line.workspace_root;
  if (!Policy(line, "namespace", "graph", &options.policy)) {
    return rbacc::kExitError;
  }
  const std::string format = absl::GetFlag(FLAGS_format);
  if (format == "dot") {
    options.format = rbacc::GraphFormat::kDot;
  } else if (!format.empty() && format != "mermaid") {
    std::cerr << "--format: error: unknown graph format \"" << format
              << "\"; use mermaid or dot\n";
    return rbacc::kExitError;
  }
  return rbacc::RunGraph(options, std::cout, std::cerr);
}

int RunWhyForbiddenCommand(const CommandLine& line) {
  rbacc::WhyForbiddenOptions options;
  options.workspace_root = line.workspace_root;
  options.bundle = absl::GetFlag(FLAGS_bundle);
  options.profile = absl::GetFlag(FLAGS_profile);
  options.overrides = Overrides(line, "namespace");
  options.rbac = absl::GetFlag(FLAGS_rbac);
  const std::string format = absl::GetFlag(FLAGS_format);
  if (format == "json") {
    options.format = rbacc::WhyForbiddenFormat::kJson;
  } else if (!format.empty() && format != "text") {
    std::cerr << "--format: error: unknown why-forbidden format \"" << format
              << "\"; use text or json\n";
    return rbacc::kExitError;
  }
  if (line.arguments.empty() ||
      (line.arguments.size() == 1 && line.arguments[0] == "-")) {
    options.input.assign(std::istreambuf_iterator<char>(std::cin),
                         std::istreambuf_iterator<char>());
  } else {
    options.input = absl::StrJoin(line.arguments, " ");
  }
  return rbacc::RunWhyForbidden(options, std::cout, std::cerr);
}

// Every command of this version, by name.
struct Command {
  const char* name;
  int (*run)(const CommandLine& line);
};
constexpr Command kCommands[] = {
    {"compile", RunCompileCommand}, {"check", RunCheckCommand},
    {"diff", RunDiffCommand},       {"explain", RunExplainCommand},
    {"can-i", RunCanICommand},      {"import", RunImportCommand},
    {"graph", RunGraphCommand},     {"lint", RunLintCommand},
    {"list", RunListCommand},       {"why-forbidden", RunWhyForbiddenCommand},
};

// --help lists the flags of this file (Abseil would look for a file named after
// the binary).
bool IsRbaccFlagFile(absl::string_view path) {
  return absl::EndsWith(path, "compiler/main.cc");
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(kUsage);
  absl::FlagsUsageConfig usage_config;
  usage_config.contains_help_flags = IsRbaccFlagFile;
  usage_config.contains_helpshort_flags = IsRbaccFlagFile;
  absl::SetFlagsUsageConfig(usage_config);
  // Flags may be spelled with dashes, as kubectl and git spell them
  // (--exit-code, --all-namespaces): their names become --exit_code, ...
  std::vector<std::string> spelled(argv, argv + argc);
  for (std::string& arg : spelled) {
    if (arg == "--") break;
    if (!absl::StartsWith(arg, "--")) continue;
    const size_t end = std::min(arg.find('='), arg.size());
    std::replace(arg.begin() + 2, arg.begin() + end, '-', '_');
  }
  std::vector<char*> normalized;
  for (std::string& arg : spelled) normalized.push_back(arg.data());
  argv = normalized.data();
  // As absl::ParseCommandLine does, but --version prints rbacc's version and
  // the bundles' digests (and its exit code), not Abseil's text. Abseil owns
  // the name: it reserves FLAGS_version, so that a statically linked binary
  // cannot define the flag again.
  namespace flags_internal = absl::flags_internal;
  const std::vector<char*> positional = flags_internal::ParseCommandLineImpl(
      argc, argv, flags_internal::ArgvListAction::kRemoveParsedArgs,
      flags_internal::UsageFlagsAction::kIgnoreUsage,
      flags_internal::OnUndefinedFlag::kAbortIfUndefined);

  const char* workspace = std::getenv("BUILD_WORKSPACE_DIRECTORY");
  CommandLine line{argc, argv, {}, workspace != nullptr ? workspace : "."};
  rbacc::v1::ClusterScope scope;
  if (Given(argc, argv, "cluster_scope") &&
      !rbacc::ParseClusterScope(absl::GetFlag(FLAGS_cluster_scope), &scope)) {
    std::cerr << "--cluster_scope: error: \""
              << absl::GetFlag(FLAGS_cluster_scope)
              << "\" is not full or none\n";
    return rbacc::kExitError;
  }
  rbacc::v1::BootstrapMode bootstrap;
  if (Given(argc, argv, "bootstrap") &&
      !rbacc::ParseBootstrapMode(absl::GetFlag(FLAGS_bootstrap), &bootstrap)) {
    std::cerr << "--bootstrap: error: \"" << absl::GetFlag(FLAGS_bootstrap)
              << "\" is not precreate or grant\n";
    return rbacc::kExitError;
  }
  if (flags_internal::GetFlagsHelpMode() ==
      flags_internal::HelpMode::kVersion) {
    return rbacc::RunVersion(line.workspace_root, std::cout, std::cerr);
  }
  const int usage_exit_code =
      flags_internal::HandleUsageFlags(std::cout, absl::ProgramUsageMessage());
  if (usage_exit_code != -1) return usage_exit_code;

  const std::string command = positional.size() > 1 ? positional[1] : "compile";
  line.arguments.assign(
      positional.begin() + std::min<size_t>(2, positional.size()),
      positional.end());
  std::vector<std::string> available;
  for (const Command& entry : kCommands) {
    if (command == entry.name) return entry.run(line);
    available.push_back(entry.name);
  }
  std::vector<std::string> known = PlannedCommands();
  known.insert(known.end(), available.begin(), available.end());
  const bool planned =
      std::find(PlannedCommands().begin(), PlannedCommands().end(), command) !=
      PlannedCommands().end();
  std::cerr << "rbacc: "
            << (planned
                    ? absl::StrCat("the `", command,
                                   "` command is not available in this version")
                    : absl::StrCat("unknown command \"", command, "\"",
                                   rbacc::DidYouMean(command, known)))
            << "; available: " << absl::StrJoin(available, ", ")
            << " (see --help)\n";
  return rbacc::kExitError;
}
