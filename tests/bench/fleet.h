// The benchmark's fleet rows (issue #18): N tenant profiles of the SkyPilot
// bundle in a scratch workspace, each selecting all four features in its own
// namespace, compiled by the compiler binary as a child process.
//
//   FleetSetup setup = ...;
//   absl::Status printed = PrintFleetTable({1000, 10000}, setup, std::cout);
#ifndef RBACC_TESTS_BENCH_FLEET_H_
#define RBACC_TESTS_BENCH_FLEET_H_

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace rbacc::bench {

// What the fleet rows run and where.
struct FleetSetup {
  // The compiler binary.
  std::string compiler;
  // The folder of the SkyPilot bundle whose files (not profiles) are copied.
  std::string skypilot_bundle;
  // kubectl, or "" when it is not installed (the kustomize columns stay
  // empty).
  std::string kubectl;
  // The folder under which each fleet gets a workspace of its own.
  std::string work_dir;
  // This process's environment without BUILD_WORKSPACE_DIRECTORY.
  std::vector<std::string> environment;
  // Runs per measurement for 1,000 profiles or fewer (the best counts); larger
  // fleets run once.
  int repetitions = 3;
};

// Returns the number of profiles a case name asks for ("fleet-1k" is 1,000,
// "fleet-10k" 10,000), or nullopt when `name` is no fleet case.
std::optional<int> ParseFleetCase(const std::string& name);

// For each size in `sizes` (ascending), writes a workspace with that many
// tenant profiles, compiles it once, then prints a table row to `out`: the
// wall time of a regenerate with nothing changed, of `check`, and of a
// regenerate after editing one feature's reason (every folder rewritten and
// durably written), each the best of the runs; the largest peak RSS; and the
// wall time of one `kubectl kustomize` render of a tenant's folder with the
// ratios of the three times to it. Then, with two sizes or more, the exponent
// of each time fitted from the first size to the last. Returns an error when a
// file cannot be written or a run fails (its log is named).
absl::Status PrintFleetTable(const std::vector<int>& sizes,
                             const FleetSetup& setup, std::ostream& out);

}  // namespace rbacc::bench

#endif  // RBACC_TESTS_BENCH_FLEET_H_
