// `rbacc list`: the bundles, their features with summaries and requirements,
// their profiles, and their identity modes.
#ifndef RBACC_COMPILER_CLI_LIST_COMMAND_H_
#define RBACC_COMPILER_CLI_LIST_COMMAND_H_

#include <ostream>
#include <string>

#include "compiler/cli/command.h"

namespace rbacc {

// Prints every bundle under `workspace_root`/policies (or only `bundle`, a
// name or path as --bundle takes it) to `out`. Returns 0, or 2 after printing
// the reason on `err` when a bundle cannot be loaded.
int RunList(const std::string& workspace_root, const std::string& bundle,
            std::ostream& out, std::ostream& err);

// `rbacc list` on the command line: --bundle for RunList.
class ListCommand : public Command {
 public:
  ListCommand();

 protected:
  void DeclareFlags(FlagSet* flags) const override;
  int Execute(const Invocation& call) const override;
};

}  // namespace rbacc

#endif  // RBACC_COMPILER_CLI_LIST_COMMAND_H_
