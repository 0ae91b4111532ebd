// The `coverage` command: the application's recorded calls evaluated against
// what a compilation grants the identity making each (see
// compiler/review/coverage.h).
//
//   CoverageOptions options;
//   options.target = "skypilot:full";
//   return RunCoverage(options, std::cout, std::cerr);
#ifndef RBACC_COMPILER_CLI_COVERAGE_COMMAND_H_
#define RBACC_COMPILER_CLI_COVERAGE_COMMAND_H_

#include <ostream>
#include <string>

#include "compiler/cli/command.h"
#include "compiler/resolve/selection.h"
#include "compiler/review/coverage.h"

namespace rbacc {

// What to evaluate and how to print it.
struct CoverageOptions {
  // Folder holding policies/; references resolve against it.
  std::string workspace_root = ".";
  // A policy reference as `diff` takes it (see ParsePolicyReference); empty:
  // every profile of the calls bundle.
  std::string target;
  // The bundle whose calls file is evaluated (a name or a path); empty: the
  // target's bundle, else kDefaultBundle.
  std::string calls_bundle;
  // Selection flags (--subjects, --namespace, ...) applied to the target.
  SelectionOverrides overrides;
  CoverageFormat format = CoverageFormat::kText;
};

// Loads the calls and the target(s), prints a report per target on `out` and
// problems on `err`. Returns kExitOk (0) when no call the application does
// not tolerate a 403 on is denied, kExitStale (1) when one is, kExitError (2)
// when the calls or a target cannot be loaded or are invalid.
int RunCoverage(const CoverageOptions& options, std::ostream& out,
                std::ostream& err);

// `rbacc coverage [TARGET]`: the selection flags (applied to TARGET), --calls
// and --format turned into CoverageOptions for RunCoverage.
class CoverageCommand : public Command {
 public:
  CoverageCommand();

 protected:
  void DeclareFlags(FlagSet* flags) const override;
  // Runs RunCoverage; kExitUsage for more than one TARGET, or for --bundle,
  // --profile or --features (the target names them).
  int Execute(const Invocation& call) const override;
};

}  // namespace rbacc

#endif  // RBACC_COMPILER_CLI_COVERAGE_COMMAND_H_
