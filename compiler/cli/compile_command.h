// The `compile` command: from options (what its flags say) to output
// folders on disk. The compiling is compiler/compiler.h's; this checks or
// writes what it planned, and prints.
//
//   CompileOptions options;
//   options.request.workspace_root = "/repo";
//   options.request.profile = "full";
//   return RunCompile(options, std::cout, std::cerr);
#ifndef RBACC_COMPILER_CLI_COMPILE_COMMAND_H_
#define RBACC_COMPILER_CLI_COMPILE_COMMAND_H_

#include <optional>
#include <ostream>
#include <string>

#include "compiler/cli/command.h"
#include "compiler/compiler.h"
#include "compiler/emit/output_writer.h"
#include "compiler/resolve/selection.h"

namespace rbacc {

// Exit code: every output was written.
inline constexpr int kExitOk = 0;
// Exit code: with CompileOptions::check, some output is stale (it differs from
// what would be written, is missing, or is not generated at all).
inline constexpr int kExitStale = 1;
// Exit code: the input or flags are wrong, or an output could not be written;
// nothing was written (previous outputs are untouched).
inline constexpr int kExitError = 2;

// What to compile and where to write it, and what RunCompile does with the
// result. Each field mirrors a flag of DESIGN.md §1.
struct CompileOptions {
  // What the compiler library compiles (workspace, bundle, profile, overrides,
  // out_dir, lint). Under `bazel run` its workspace_root is
  // BUILD_WORKSPACE_DIRECTORY; out_dir "-" prints rbac.yaml to standard
  // output. RunCompile sets its after_merge.
  CompileRequest request;
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
//
// Without a profile, features or out_dir (every profile regenerated), a folder
// under outputs/<bundle>/ that rbacc generated and no compilation writes
// (FindOrphanedFolders) is reported by the check with "run: rm -r <folder>"
// and counts as stale; a write removes it with the rest (all or nothing),
// unless it holds a file rbacc did not write: that folder is left, with a
// warning on `err`.
int RunCompile(const CompileOptions& options, std::ostream& out,
               std::ostream& err);

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
