// The `compile` command: from options (what its flags say) to output
// folders on disk.
//
//   CompileOptions options;
//   options.workspace_root = "/repo";
//   options.profile = "full";
//   return RunCompile(options, std::cout, std::cerr);
#ifndef RBACC_COMPILER_CLI_COMPILE_COMMAND_H_
#define RBACC_COMPILER_CLI_COMPILE_COMMAND_H_

#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "compiler/cli/command.h"
#include "compiler/common/issue.h"
#include "compiler/emit/emitters.h"
#include "compiler/emit/output_writer.h"
#include "compiler/lint/lint.h"
#include "compiler/load/bundle_loader.h"
#include "compiler/merge/compiled_policy.h"
#include "compiler/validate/selection.h"

namespace rbacc {

// The bundle compiled when --bundle is not given but a profile or features are.
inline constexpr char kDefaultBundle[] = "skypilot";

// Exit code: every output was written.
inline constexpr int kExitOk = 0;
// Exit code: with CompileOptions::check, some output is stale (it differs from
// what would be written, is missing, or is not generated at all).
inline constexpr int kExitStale = 1;
// Exit code: the input or flags are wrong, or an output could not be written;
// nothing was written (previous outputs are untouched).
inline constexpr int kExitError = 2;

// How `compile` reports least-privilege findings that no rule acknowledges
// (--lint).
enum class LintMode {
  // Not at all.
  kOff,
  // As warnings; the outputs are written.
  kWarn,
  // As errors; nothing is written and the exit code is kExitError.
  kError,
};

// What to compile and where to write it. Each field mirrors a flag of DESIGN.md
// §1.
struct CompileOptions {
  // Folder that holds policies/ and outputs/; relative --bundle paths and
  // --out_dir resolve against it. Under `bazel run` this is
  // BUILD_WORKSPACE_DIRECTORY.
  std::string workspace_root = ".";
  // A bundle name (a folder under policies/) or a path to a bundle folder (it
  // contains "/" or starts with "."). Empty: kDefaultBundle when a profile or
  // features are given, otherwise every bundle under policies/.
  std::string bundle;
  // One profile to compile. Empty: every profile, unless overrides.features is
  // set (an ad-hoc selection written to outputs/<bundle>/custom).
  std::string profile;
  // Parameters given on the command line, overriding the profile.
  SelectionOverrides overrides;
  // Output folder (relative to workspace_root), or "-" to print rbac.yaml to
  // standard output. Unset: the profile's out_dir, else
  // outputs/<bundle>/<profile> (or .../custom).
  std::optional<std::string> out_dir;
  // How unacknowledged lint findings are reported (--lint).
  LintMode lint = LintMode::kWarn;
  // Write nothing; compare every output folder with what would be written
  // (`rbacc check`, `--check`).
  bool check = false;
  // The file-system calls the output writer makes; null for the real ones.
  // Tests set it to make a write, fsync or rename fail.
  FileOperations* file_operations = nullptr;
  // Keep what was compiled until the process exits instead of freeing it
  // when RunCompile returns, for a process that exits right after (as clang's
  // -disable-free): freeing a large compilation one allocation at a time
  // takes longer than writing it (about 130 ms at 100,000 rules), while the
  // exit returns the memory at once. The memory stays reachable, so leak
  // checkers do not report it.
  bool keep_until_exit = false;
};

// One compilation, compiled, linted and emitted, ready to write.
struct Compilation {
  std::shared_ptr<const LoadedBundle> bundle;
  CompiledPolicy policy;
  LintResult lint;
  // For the folder above a selection's context folders: the text of its one
  // file, config.yaml, naming them all. Empty for every other compilation.
  std::string contexts_app_config;
  // The output folder on disk, or "" for --out_dir=- (standard output).
  std::string directory;
  // The output folder as shown to the user (relative to the workspace when
  // inside it).
  std::string shown_directory;
  // For the folder above a selection's context folders (its files are the
  // one config.yaml): the context folders, so that `check` reports others.
  // Empty for every other compilation.
  std::vector<std::string> context_folders;

  // The output files, sorted by name. They make their text from this
  // Compilation when they are written, so they are valid while it is (and
  // stays where it is).
  std::vector<OutputFile> Files() const;
};

// Every compilation one run selects, with what was found on the way.
struct CompilationSet {
  std::vector<Compilation> compilations;
  // Mistakes in the input, and lint findings reported as `options.lint` says.
  IssueList issues;
  // The text of every policy file read, for rendering issues (moved from the
  // bundles, whose file_texts are left empty).
  std::map<std::string, std::string> file_texts;
};

// Loads, validates, compiles, lints and emits every compilation `options`
// selects, without writing anything. Input mistakes are issues in the result
// (the compilations are then incomplete); returns an error status only when the
// run cannot start (no bundles found, a bundle folder without bundle.textproto,
// a broken built-in catalogue).
absl::StatusOr<CompilationSet> PrepareCompilations(
    const CompileOptions& options);

// Loads, validates, merges and emits as `options` say, then writes every output
// folder (only when every compilation succeeded). Reports progress and issues
// on `err`, and rbac.yaml on `out` for --out_dir=-. Returns kExitOk or
// kExitError.
//
// With options.check nothing is written: each output file that differs from
// what would be written, is missing, or is in an output folder without being
// generated is reported on `out` as a unified diff followed by
// "run: <the command that regenerates it>"; returns kExitStale when any is,
// kExitOk when all are current, kExitError as above.
int RunCompile(const CompileOptions& options, std::ostream& out,
               std::ostream& err);

// Returns a lint finding as one diagnostic message: "[id] what is risky;
// narrower: ...".
std::string LintMessage(const LintFinding& finding);

// Returns `value` as a POSIX shell word: unchanged when it needs no quoting,
// else single-quoted.
std::string ShellWord(const std::string& value);

// Returns the folder a compilation of `profile` of `bundle` writes to without
// --out_dir, relative to the workspace: the profile's out_dir, else
// outputs/<bundle>/<profile> (outputs/<bundle>/custom for "", an ad-hoc
// selection). `profile` must be "" or one of the bundle's profiles.
std::string DefaultOutDir(const LoadedBundle& bundle,
                          const std::string& profile);

// Returns the shell command that compiles the same selection again, for
// provenance headers: "bazel run //compiler -- --bundle=skypilot
// --profile=full", with the overriding flags in a fixed order and values quoted
// for a POSIX shell where needed.
std::string RegenerateCommand(const std::string& bundle_argument,
                              const std::string& profile,
                              const Selection& selection,
                              const CompileOptions& options);

// `rbacc compile` (the command run when none is named) and `rbacc check`
// (compile --check): the selection flags, --out_dir, --lint and --check turned
// into CompileOptions for RunCompile.
class CompileCommand : public Command {
 public:
  // `check`: the `check` command, which only compares (and has no --check).
  explicit CompileCommand(bool check);

 protected:
  void DeclareFlags(FlagSet* flags) const override;
  // Runs RunCompile; kExitUsage for a positional argument or --check with
  // --out_dir=- (there is no folder to compare).
  int Execute(const Invocation& call) const override;

 private:
  bool check_;
};

}  // namespace rbacc

#endif  // RBACC_COMPILER_CLI_COMPILE_COMMAND_H_
