// The `review` command: one Markdown report, for a pull request, of what a
// change does to every profile of the workspace, compared with the workspace
// at --base (e.g. a `git worktree` of the pull request's base): per profile
// the permission diff, the new lint findings and the changed config.yaml and
// values.yaml keys, and the profiles added and removed.
//
//   ReviewOptions options;
//   options.workspace_root = "/repo";
//   options.base = "/tmp/base";  // git worktree add /tmp/base origin/main
//   return RunReview(options, std::cout, std::cerr);
#ifndef RBACC_COMPILER_CLI_REVIEW_COMMAND_H_
#define RBACC_COMPILER_CLI_REVIEW_COMMAND_H_

#include <ostream>
#include <string>

#include "compiler/cli/command.h"

namespace rbacc {

// What to compare.
struct ReviewOptions {
  // The changed workspace (holding policies/); relative paths resolve against
  // it.
  std::string workspace_root = ".";
  // The base workspace, relative to workspace_root or absolute.
  std::string base;
  // Return kExitStale (1) when anything changed.
  bool exit_code = false;
};

// Compiles every profile of every bundle of the base and of the changed
// workspace (lint included, nothing written) and prints the report on `out`
// (Markdown, ending with a newline). Each side's input mistakes are printed on
// `err`. Returns 0, or 1 when options.exit_code is set and something changed,
// or 2 when a side cannot be compiled (no policies/, an input error).
int RunReview(const ReviewOptions& options, std::ostream& out,
              std::ostream& err);

// `rbacc review --base=DIR` on the command line: --base and --exit_code for
// RunReview.
class ReviewCommand : public Command {
 public:
  ReviewCommand();

 protected:
  void DeclareFlags(FlagSet* flags) const override;
  // Runs RunReview; kExitUsage for a positional argument or no --base.
  int Execute(const Invocation& call) const override;
};

}  // namespace rbacc

#endif  // RBACC_COMPILER_CLI_REVIEW_COMMAND_H_
