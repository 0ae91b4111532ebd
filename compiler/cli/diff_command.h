// The `diff` command: the semantic permission diff between two policies
// (selections, profiles, bundles, output folders or any RBAC YAML).
//
//   DiffOptions options;
//   options.before = "minimal";
//   options.after = "full";
//   return RunDiff(options, std::cout, std::cerr);
#ifndef RBACC_COMPILER_CLI_DIFF_COMMAND_H_
#define RBACC_COMPILER_CLI_DIFF_COMMAND_H_

#include <ostream>
#include <string>

#include "compiler/cli/command.h"
#include "compiler/review/diff.h"

namespace rbacc {

// What to compare and how to print it.
struct DiffOptions {
  // Folder holding policies/ and outputs/; references resolve against it.
  std::string workspace_root = ".";
  // The two policy references (see ParsePolicyReference): the old side and
  // the new side.
  std::string before;
  std::string after;
  DiffFormat format = DiffFormat::kText;
  // Return kExitStale (1) when the diff is not empty.
  bool exit_code = false;
};

// Loads both sides, prints the diff on `out` and problems on `err`. A side
// that is a cluster dump (PolicyInput::cluster_dump) compared with one that is
// not is restricted to the subjects the other side binds
// (RestrictToSubjects), with a note on `err`, so that the diff is the drift
// between them for those subjects. Returns 0, or 1 when options.exit_code is
// set and something changed, or 2 when a side cannot be loaded or expands
// into more single permissions than kMaxReviewPermissions
// (CheckGrantCount).
int RunDiff(const DiffOptions& options, std::ostream& out, std::ostream& err);

// `rbacc diff A B` on the command line: two policies, --format and
// --exit_code for RunDiff.
class DiffCommand : public Command {
 public:
  DiffCommand();

 protected:
  void DeclareFlags(FlagSet* flags) const override;
  int Execute(const Invocation& call) const override;
};

}  // namespace rbacc

#endif  // RBACC_COMPILER_CLI_DIFF_COMMAND_H_
