#include "compiler/cli/commands.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "compiler/cli/can_i_command.h"
#include "compiler/cli/compile_command.h"
#include "compiler/cli/coverage_command.h"
#include "compiler/cli/diff_command.h"
#include "compiler/cli/explain_command.h"
#include "compiler/cli/fmt_command.h"
#include "compiler/cli/graph_command.h"
#include "compiler/cli/import_command.h"
#include "compiler/cli/lint_command.h"
#include "compiler/cli/list_command.h"
#include "compiler/cli/review_command.h"
#include "compiler/cli/version_command.h"
#include "compiler/cli/why_forbidden_command.h"
#include "compiler/common/names.h"

namespace rbacc {
namespace {

// The command named `name`, or null.
const Command* FindCommand(const std::string& name) {
  for (const auto& command : Commands()) {
    if (command->info().name == name) return command.get();
  }
  return nullptr;
}

// Prints that `name` is not a command, with a did-you-mean, and returns
// kExitUsage.
int UnknownCommand(const std::string& name, std::ostream& err) {
  std::vector<std::string> available;
  for (const auto& command : Commands()) {
    available.push_back(command->info().name);
  }
  err << "rbacc: unknown command \"" << name << "\""
      << DidYouMean(name, available)
      << "; available: " << absl::StrJoin(available, ", ") << " (see --help)\n";
  return kExitUsage;
}

// `rbacc help [COMMAND]`.
int Help(const std::vector<std::string>& args, std::ostream& out,
         std::ostream& err) {
  if (args.size() < 2) {
    out << TopLevelUsage();
    return 0;
  }
  const Command* command = FindCommand(args[1]);
  if (command == nullptr) return UnknownCommand(args[1], err);
  out << command->Usage();
  return 0;
}

}  // namespace

const std::vector<std::unique_ptr<Command>>& Commands() {
  static const auto* const kCommands = [] {
    auto* commands = new std::vector<std::unique_ptr<Command>>;
    commands->push_back(std::make_unique<CompileCommand>(/*check=*/false));
    commands->push_back(std::make_unique<CompileCommand>(/*check=*/true));
    commands->push_back(std::make_unique<LintCommand>());
    commands->push_back(std::make_unique<ListCommand>());
    commands->push_back(std::make_unique<DiffCommand>());
    commands->push_back(std::make_unique<ReviewCommand>());
    commands->push_back(std::make_unique<ExplainCommand>());
    commands->push_back(std::make_unique<CanICommand>());
    commands->push_back(std::make_unique<ImportCommand>());
    commands->push_back(std::make_unique<FmtCommand>());
    commands->push_back(std::make_unique<GraphCommand>());
    commands->push_back(std::make_unique<WhyForbiddenCommand>());
    commands->push_back(std::make_unique<CoverageCommand>());
    return commands;
  }();
  return *kCommands;
}

std::string TopLevelUsage() {
  std::string usage =
      "usage: rbacc [COMMAND] [ARGS] [flags]\n"
      "\n"
      "rbacc compiles Kubernetes RBAC policies (policies/) into rbac.yaml,\n"
      "values.yaml, config.yaml, kustomization.yaml and PERMISSIONS.md; the\n"
      "review commands read policies and RBAC YAML back. Without a command it\n"
      "runs compile.\n"
      "\n"
      "Commands:\n";
  for (const auto& command : Commands()) {
    const CommandInfo& info = command->info();
    absl::StrAppend(
        &usage, "  ", info.name,
        std::string(16 - std::min<size_t>(15, info.name.size()), ' '),
        info.summary, "\n");
  }
  absl::StrAppend(
      &usage,
      "\n"
      "  rbacc COMMAND --help (or -h, or rbacc help COMMAND): a command's "
      "usage,\n"
      "  examples and flags. rbacc --version: the version and each bundle's\n"
      "  digest.\n"
      "\n"
      "Exit codes: 0 success; 1 check: stale outputs, lint: open findings,\n"
      "fmt --check: files not in canonical format, diff --exit-code: changes,\n"
      "can-i: no (or invalid input, as kubectl);\n"
      "2 invalid input, flags or output folder (nothing written).\n");
  return usage;
}

int RunCommandLine(const std::vector<std::string>& args, const Environment& env,
                   std::ostream& out, std::ostream& err) {
  if (!args.empty() && args[0] == "--version") {
    if (args.size() > 1) {
      err << "rbacc --version: error: unexpected argument \"" << args[1]
          << "\"; --version takes none; see rbacc --help\n";
      return kExitUsage;
    }
    return RunVersion(env.workspace_root, out, err);
  }
  if (!args.empty() &&
      (args[0] == "--help" || args[0] == "-h" || args[0] == "help")) {
    return Help(args, out, err);
  }
  if (args.empty() || (args[0].size() > 1 && args[0][0] == '-')) {
    return FindCommand("compile")->Run(args, env, out, err);
  }
  const Command* command = FindCommand(args[0]);
  if (command == nullptr) return UnknownCommand(args[0], err);
  return command->Run(std::vector<std::string>(args.begin() + 1, args.end()),
                      env, out, err);
}

int RunCommandLine(int argc, char** argv, const Environment& env,
                   std::ostream& out, std::ostream& err) {
  return RunCommandLine(
      std::vector<std::string>(argv + std::min(argc, 1), argv + argc), env, out,
      err);
}

}  // namespace rbacc
