#include "compiler/cli/review_command.h"

#include <filesystem>
#include <map>
#include <memory>
#include <ostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "compiler/cli/compile_command.h"
#include "compiler/compiler.h"
#include "compiler/review/diff.h"
#include "proto/rbacc/v1/policy.pb.h"

namespace rbacc {
namespace {

namespace fs = std::filesystem;

// One side of the review: every compilation of one workspace, by label.
struct ReviewSide {
  // Holds the compilations' bundles.
  std::unique_ptr<CompilationSet> set;
  // "bundle:profile" or "bundle:profile@context" -> the compilation. The
  // folder above a profile's context folders (only a config.yaml naming them)
  // is left out: its contexts are compared.
  std::map<std::string, const Compilation*> by_label;
};

// The label of `compilation` in the report.
std::string Label(const Compilation& compilation) {
  const Selection& selection = compilation.policy.selection;
  return absl::StrCat(
      compilation.policy.bundle_name, ":", selection.profile_name,
      selection.context.empty() ? "" : absl::StrCat("@", selection.context));
}

// Compiles every profile of the workspace at `root`, named `name` in
// messages. Returns null (after printing why on `err`) when it cannot.
std::unique_ptr<CompilationSet> CompileWorkspace(const std::string& root,
                                                 const std::string& name,
                                                 std::ostream& err) {
  CompileRequest request;
  request.workspace_root = root;
  request.lint = LintMode::kWarn;
  absl::StatusOr<CompilationSet> set = PlanCompilations(request);
  if (!set.ok()) {
    err << "rbacc review: " << name << ": " << set.status().message() << "\n";
    return nullptr;
  }
  if (set->issues.has_errors()) {
    err << set->issues.Render(set->file_texts);
    err << "rbacc review: " << name << " does not compile\n";
    return nullptr;
  }
  return std::make_unique<CompilationSet>(*std::move(set));
}

// A config value as the report shows it: `text`, or "(unset)" for none.
std::string ValueText(const v1::ConfigValue* value) {
  if (value == nullptr) return "(unset)";
  switch (value->value_case()) {
    case v1::ConfigValue::kStringValue:
      return absl::StrCat("`", value->string_value(), "`");
    case v1::ConfigValue::kBoolValue:
      return value->bool_value() ? "`true`" : "`false`";
    case v1::ConfigValue::kIntValue:
      return absl::StrCat("`", value->int_value(), "`");
    case v1::ConfigValue::VALUE_NOT_SET:
      break;
  }
  return "(unset)";
}

// The table rows of the keys whose values differ between `before` and
// `after` (each sorted by key), in key order; "" when none does.
std::string ChangedKeys(const std::vector<v1::ConfigValue>& before,
                        const std::vector<v1::ConfigValue>& after) {
  std::map<std::string,
           std::pair<const v1::ConfigValue*, const v1::ConfigValue*>>
      keys;
  for (const v1::ConfigValue& value : before) keys[value.key()].first = &value;
  for (const v1::ConfigValue& value : after) keys[value.key()].second = &value;
  std::string rows;
  for (const auto& [key, values] : keys) {
    const std::string old_text = ValueText(values.first);
    const std::string new_text = ValueText(values.second);
    if (old_text == new_text) continue;
    absl::StrAppend(&rows, "| `", key, "` | ", old_text, " | ", new_text,
                    " |\n");
  }
  return rows;
}

// The lint findings of `after` that `before` does not have (by check and
// message: a rule that moved in its file is the same finding), as Markdown
// list items; acknowledged findings are marked so.
std::string NewFindings(const LintResult& before, const LintResult& after) {
  std::set<std::pair<std::string, std::string>> known;
  for (const LintFinding& finding : before.findings) {
    known.emplace(finding.check->id, finding.message);
  }
  std::string items;
  for (const LintFinding& finding : after.findings) {
    if (known.count({finding.check->id, finding.message}) > 0) continue;
    absl::StrAppend(&items, "- ", LintSeverityName(finding.check->severity),
                    finding.acknowledged ? ", acknowledged" : "", ": ",
                    LintMessage(finding), " (", finding.location.ToString(),
                    ")\n");
  }
  return items;
}

// The report's section on one profile compiled on both sides, or "" when
// nothing of it changed.
std::string ProfileSection(const std::string& label, const Compilation& base,
                           const Compilation& head) {
  const PolicyDiff diff =
      DiffPolicies(base.policy.objects, head.policy.objects);
  const std::string findings = NewFindings(base.lint, head.lint);
  const std::string config =
      ChangedKeys(base.policy.app_config, head.policy.app_config);
  const std::string values =
      ChangedKeys(base.policy.helm_values, head.policy.helm_values);
  if (diff.empty() && findings.empty() && config.empty() && values.empty()) {
    return "";
  }
  std::string section = absl::StrCat("## `", label, "`\n\n");
  if (!diff.empty()) {
    absl::StrAppend(&section,
                    RenderDiff(diff, DiffFormat::kMarkdown, "base", "head"),
                    "\n");
  }
  if (!findings.empty()) {
    absl::StrAppend(&section, "**New lint findings**\n\n", findings, "\n");
  }
  const auto table = [&](const char* file, const std::string& rows) {
    if (rows.empty()) return;
    absl::StrAppend(&section, "**", file,
                    " keys changed**\n\n| Key | Base | Head |\n| --- | --- | "
                    "--- |\n",
                    rows, "\n");
  };
  table("config.yaml", config);
  table("values.yaml", values);
  return section;
}

// The side of `set`: its compilations by label.
ReviewSide MakeSide(std::unique_ptr<CompilationSet> set) {
  ReviewSide side;
  side.set = std::move(set);
  for (const Compilation& compilation : side.set->compilations) {
    if (!compilation.context_folders.empty()) continue;
    side.by_label.emplace(Label(compilation), &compilation);
  }
  return side;
}

// A Markdown list of `labels`, each as code.
std::string LabelList(const std::vector<std::string>& labels) {
  std::string list;
  for (const std::string& label : labels) {
    absl::StrAppend(&list, "- `", label, "`\n");
  }
  return list;
}

}  // namespace

int RunReview(const ReviewOptions& options, std::ostream& out,
              std::ostream& err) {
  const fs::path base_root = fs::path(options.workspace_root) / options.base;
  std::unique_ptr<CompilationSet> base_set =
      CompileWorkspace(base_root.string(), "--base=" + options.base, err);
  if (base_set == nullptr) return kExitError;
  std::unique_ptr<CompilationSet> head_set =
      CompileWorkspace(options.workspace_root, "this workspace", err);
  if (head_set == nullptr) return kExitError;
  const ReviewSide base = MakeSide(std::move(base_set));
  const ReviewSide head = MakeSide(std::move(head_set));

  std::vector<std::string> added;
  std::vector<std::string> removed;
  std::vector<std::string> changed;
  std::string sections;
  for (const auto& [label, compilation] : head.by_label) {
    const auto found = base.by_label.find(label);
    if (found == base.by_label.end()) {
      added.push_back(label);
      const std::string findings = NewFindings({}, compilation->lint);
      if (!findings.empty()) {
        absl::StrAppend(&sections, "## `", label,
                        "` (added)\n\n**Lint findings**\n\n", findings, "\n");
      }
      continue;
    }
    const std::string section =
        ProfileSection(label, *found->second, *compilation);
    if (section.empty()) continue;
    changed.push_back(label);
    sections += section;
  }
  for (const auto& [label, compilation] : base.by_label) {
    if (head.by_label.count(label) == 0) removed.push_back(label);
  }

  out << "# rbacc review\n\n"
      << head.by_label.size() << " profile"
      << (head.by_label.size() == 1 ? "" : "s") << " (and contexts) compared "
      << "with the base `" << options.base << "`: " << changed.size()
      << " changed, " << added.size() << " added, " << removed.size()
      << " removed.\n";
  if (!added.empty()) out << "\n## Profiles added\n\n" << LabelList(added);
  if (!removed.empty()) {
    out << "\n## Profiles removed\n\n" << LabelList(removed);
  }
  if (!sections.empty()) out << "\n" << sections;
  const bool anything_changed =
      !added.empty() || !removed.empty() || !changed.empty();
  return options.exit_code && anything_changed ? kExitStale : kExitOk;
}

ReviewCommand::ReviewCommand()
    : Command(
          {"review",
           "Markdown report of a change to every profile, for a pull request",
           "review --base=DIR [flags]",
           "Compiles every profile of every bundle in this workspace and in\n"
           "the workspace at DIR (e.g. a git worktree of the pull request's\n"
           "base; writing nothing in either) and prints one Markdown report:\n"
           "the profiles added and removed and, per changed profile (and\n"
           "context), the permission diff, new lint findings and changed\n"
           "config.yaml and values.yaml keys. docs/ci-review.md posts it as\n"
           "a pull-request comment.\n"
           "\n"
           "Exit codes: 0 compared (with --exit_code: nothing changed); 1 "
           "with\n"
           "--exit_code: something changed; 2 invalid input or flags.",
           {"bazel run //compiler -- review --base=/tmp/base   # after: git "
            "worktree add /tmp/base origin/main",
            "bazel run //compiler -- review --base=../base --exit-code"}}) {}

void ReviewCommand::DeclareFlags(FlagSet* flags) const {
  flags->AddString("base", "DIR",
                   "The base workspace (holding policies/), relative to this "
                   "one or absolute.");
  flags->AddBool("exit_code", false, "Exit 1 when anything changed.");
}

int ReviewCommand::Execute(const Invocation& call) const {
  if (!call.positional.empty()) {
    return UnexpectedArgument(call.positional[0],
                              "only flags: review --base=DIR", call.err);
  }
  if (!call.flags.Given("base") || call.flags.String("base").empty()) {
    call.err << "rbacc review: --base=DIR is required: the workspace to "
                "compare with (e.g. a git worktree of the pull request's "
                "base); see rbacc review --help\n";
    return kExitUsage;
  }
  ReviewOptions options;
  options.workspace_root = call.env.workspace_root;
  options.base = call.flags.String("base");
  options.exit_code = call.flags.Bool("exit_code");
  return RunReview(options, call.out, call.err);
}

}  // namespace rbacc
