// The compiler library's one entry point: every command, test, fuzzer and the
// benchmark reach the stages (load, catalogue, validate, resolve, merge, lint,
// emit) through the functions here, so the pipeline is wired once.
//
// Two error channels, as in the stages: mistakes in the input (a policy typo,
// an unknown profile, a bad flag value) are issues added to an IssueList, and
// the run goes on to find them all; a non-OK status means the run could not
// start (no bundle folder, a broken built-in catalogue). Nothing here writes
// to disk or prints.
//
//   CompileRequest request;
//   request.workspace_root = "/repo";
//   request.profile = "full";
//   absl::StatusOr<CompilationSet> set = PlanCompilations(request);
//   if (!set.ok()) return Fail(set.status());
//   std::cerr << set->issues.Render(set->file_texts);
//   if (set->issues.has_errors()) return 2;
//   for (const Compilation& compilation : set->compilations) {
//     WriteOutputFiles(compilation.directory, compilation.Files());
//   }
#ifndef RBACC_COMPILER_COMPILER_H_
#define RBACC_COMPILER_COMPILER_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "compiler/catalog/catalog.h"
#include "compiler/common/issue.h"
#include "compiler/emit/emitters.h"
#include "compiler/lint/lint.h"
#include "compiler/load/bundle_loader.h"
#include "compiler/merge/compile.h"
#include "compiler/merge/compiled_policy.h"
#include "compiler/resolve/selection.h"
#include "compiler/review/policy_input.h"

namespace rbacc {

// The bundle compiled when no bundle is named but a profile or features are.
inline constexpr char kDefaultBundle[] = "skypilot";

// How least-privilege findings that no rule acknowledges are reported.
enum class LintMode {
  // Not at all.
  kOff,
  // As warnings.
  kWarn,
  // As errors (the run then has errors and writes nothing).
  kError,
};

// A bundle loaded, with its resource catalogue, and validated once: what every
// compilation of it starts from.
struct ValidatedBundle {
  // The bundle as it was named: a name under policies/ or a path.
  std::string argument;
  // The bundle; its file_texts are moved out (see LoadValidatedBundle).
  std::shared_ptr<const LoadedBundle> bundle;
  // The built-in catalogue extended by the bundle's own resources.
  std::shared_ptr<const ResourceCatalog> catalog;
};

// Loads the bundle `argument` (a name under `workspace_root`/policies/ or a
// path to a bundle folder), builds its catalogue and validates it. Input
// mistakes are added to `issues`, and the texts of the files read are moved to
// `file_texts` (for rendering the issues); the bundle is still returned then,
// but must not be compiled while `issues` has errors. Returns NotFoundError
// when the folder or its bundle.textproto is missing (the message starts
// with "--bundle=<argument>: "), or InternalError for a broken built-in
// catalogue.
absl::StatusOr<ValidatedBundle> LoadValidatedBundle(
    const std::string& workspace_root, const std::string& argument,
    IssueList* issues, std::map<std::string, std::string>* file_texts);

// What the compilations of one bundle in one run share: each distinct
// SharedRulesKey (compiler/merge/compile.h) is compacted and linted once, and
// the other compilations with that key take copies, with their own names,
// namespaces and subjects. The outputs are the same bytes as compiling each
// alone.
struct SharedWork {
  RoleRulesMemo role_rules;
  DeclaredLintMemo declared_lint;
};

// How one selection is compiled.
struct CompilationOptions {
  // The shell command that compiles the same selection again, quoted in the
  // outputs' provenance headers (see RegenerateCommand); may be "".
  std::string regenerate_command;
  // Run the least-privilege checks (Compilation::lint); false leaves the lint
  // result empty (review commands do not need it).
  bool lint = true;
  // Called after the merge, which has then freed its working memory and the
  // declared rules; a process may hand the freed pages back to the system
  // here (the command line calls malloc_trim). Unset: nothing is called.
  std::function<void()> after_merge;
  // Where the compilations of a run share their work; null: compiled alone
  // (its compacted rules are then moved into the result, not copied).
  // PlanCompilations shares it when a run compiles more than one profile.
  SharedWork* shared_work = nullptr;
};

// One compilation: compiled, linted, ready to emit and write.
struct Compilation {
  // The bundle it was compiled from.
  std::shared_ptr<const LoadedBundle> bundle;
  // The roles, bindings and selection.
  CompiledPolicy policy;
  // The least-privilege findings (empty when CompilationOptions::lint is
  // false).
  LintResult lint;
  // For the folder above a selection's context folders: the text of its one
  // file, config.yaml, naming them all. Empty for every other compilation.
  std::string contexts_app_config;
  // The output folder on disk, or "" for standard output (out_dir "-") and
  // for a compilation that was not planned (Compile).
  std::string directory;
  // The output folder as shown to the user (relative to the workspace when
  // inside it).
  std::string shown_directory;
  // For the folder above a selection's context folders (its files are the
  // one config.yaml): the context folders, so that a check reports others.
  // Empty for every other compilation.
  std::vector<std::string> context_folders;

  // The output files, sorted by name. They make their text from this
  // Compilation when they are written, so they are valid while it is (and
  // stays where it is).
  std::vector<OutputFile> Files() const;
};

// Merges the rules `selection` selects from `bundle` (which must be validated
// without errors), then lints them when `options.lint` says so. Mistakes found
// while merging are added to `issues`; the compilation is then incomplete.
Compilation Compile(const ValidatedBundle& bundle, const Selection& selection,
                    const CompilationOptions& options, IssueList* issues);

// What one run compiles and where it writes: the flags of `rbacc compile`.
struct CompileRequest {
  // Folder that holds policies/ and outputs/; relative bundle paths and
  // out_dir resolve against it.
  std::string workspace_root = ".";
  // A bundle name (a folder under policies/) or a path to a bundle folder.
  // Empty: kDefaultBundle when a profile or features are given, otherwise
  // every bundle under policies/.
  std::string bundle;
  // One profile to compile. Empty: every profile, unless overrides.features is
  // set (an ad-hoc selection written to outputs/<bundle>/custom).
  std::string profile;
  // Parameters given on the command line, overriding the profile.
  SelectionOverrides overrides;
  // Output folder (relative to workspace_root), or "-" for standard output.
  // Unset: the profile's out_dir, else outputs/<bundle>/<profile> (or
  // .../custom).
  std::optional<std::string> out_dir;
  // How unacknowledged lint findings are added to the issues.
  LintMode lint = LintMode::kWarn;
  // Passed to every compilation (CompilationOptions::after_merge).
  std::function<void()> after_merge;
};

// Every compilation one run selects, with what was found on the way.
struct CompilationSet {
  // In the order they are written: bundle, then profile, the folder above a
  // selection's contexts before its context folders.
  std::vector<Compilation> compilations;
  // Mistakes in the input, and lint findings reported as the request says.
  IssueList issues;
  // The text of every policy file read, for rendering issues (moved from the
  // bundles, whose file_texts are left empty).
  std::map<std::string, std::string> file_texts;
};

// Loads, validates, resolves, compiles and lints every compilation `request`
// selects, and decides the output folder of each, without writing anything.
// Input mistakes (also an output folder that cannot be used) are issues in the
// result, whose compilations are then incomplete; returns an error status only
// when the run cannot start (no bundles found, a bundle folder without
// bundle.textproto, a broken built-in catalogue).
absl::StatusOr<CompilationSet> PlanCompilations(const CompileRequest& request);

// Loads `spec` for review: reads the YAML, or loads, validates, resolves and
// compiles the selection (see CompileForReview). Input mistakes are added to
// `issues` (with the file texts added to `file_texts` for rendering), and the
// result is then meaningless. Returns NotFoundError when the YAML or the
// bundle folder is missing, InvalidArgumentError for YAML that does not parse
// (with file:line:col), or another error when a file cannot be read.
absl::StatusOr<PolicyInput> LoadPolicyInput(
    const PolicySpec& spec, const std::string& workspace_root,
    IssueList* issues, std::map<std::string, std::string>* file_texts);

// Resolves and compiles the selection `spec` names (its profile and
// overrides; empty overriding features mean every feature) of `bundle`, which
// must be validated without errors, for review: the objects, the compilation
// and the declared rules of its features. Input mistakes are added to
// `issues`; the result is then meaningless.
PolicyInput CompileForReview(const ValidatedBundle& bundle,
                             const PolicySpec& spec, IssueList* issues);

// Returns the folder a compilation of `profile` of `bundle` writes to without
// an out_dir, relative to the workspace: the profile's out_dir, else
// outputs/<bundle>/<profile> (outputs/<bundle>/custom for "", an ad-hoc
// selection). `profile` must be "" or one of the bundle's profiles.
std::string DefaultOutDir(const LoadedBundle& bundle,
                          const std::string& profile);

// Returns the shell command that compiles `selection` (of profile `profile`,
// "" for an ad-hoc one, of the bundle named `bundle_argument`) again, for
// provenance headers: "bazel run //compiler -- --bundle=skypilot
// --profile=full", with a flag for each override set in `overrides` (its
// value taken from `selection`) and for `out_dir` when set, in a fixed order,
// values quoted for a POSIX shell where needed.
std::string RegenerateCommand(const std::string& bundle_argument,
                              const std::string& profile,
                              const Selection& selection,
                              const SelectionOverrides& overrides,
                              const std::optional<std::string>& out_dir);

// Returns a lint finding as one diagnostic message: "[id] what is risky;
// narrower: ...".
std::string LintMessage(const LintFinding& finding);

}  // namespace rbacc

#endif  // RBACC_COMPILER_COMPILER_H_
