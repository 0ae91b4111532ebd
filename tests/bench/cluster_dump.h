// The benchmark's cluster-dump rows (issue #16): `rbacc diff full DUMP`, where
// DUMP is a generated cluster dump as `kubectl get
// clusterroles,clusterrolebindings,roles,rolebindings -A -o yaml` prints it
// (one List, server fields and managedFields on every object, mostly other
// subjects' RBAC), run by the compiler binary as a child process. The diff
// restricts the dump to the subjects the profile binds.
//
//   DumpSetup setup = ...;
//   absl::Status printed = PrintDumpTable({10000}, setup, std::cout);
#ifndef RBACC_TESTS_BENCH_CLUSTER_DUMP_H_
#define RBACC_TESTS_BENCH_CLUSTER_DUMP_H_

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace rbacc::bench {

// What the dump rows run and where.
struct DumpSetup {
  // The compiler binary.
  std::string compiler;
  // A workspace holding policies/skypilot (the profile `full` is compared).
  std::string workspace;
  // The folder the dumps are written to.
  std::string work_dir;
  // This process's environment without BUILD_WORKSPACE_DIRECTORY.
  std::vector<std::string> environment;
  // Runs per measurement (the best counts).
  int repetitions = 3;
};

// Returns the number of objects a case name asks for ("dump-1k" is 1,000,
// "dump-10k" 10,000), or nullopt when `name` is no dump case.
std::optional<int> ParseDumpCase(const std::string& name);

// Returns a cluster dump of `objects` RBAC objects (at least 8): a quarter
// each ClusterRoles, ClusterRoleBindings, Roles and RoleBindings of other
// subjects spread over 100 namespaces, except that the last Role and
// RoleBinding bind the SkyPilot service account default/sky-sa to get and
// list on pods in namespace default.
std::string ClusterDumpYaml(int objects);

// For each size in `sizes`, writes a dump of that many objects and prints a
// table row to `out`: the dump's size, and the wall time, CPU time and peak
// RSS of `rbacc diff full DUMP` (best of setup.repetitions). Returns an error
// when a file cannot be written or a run fails with an exit code other than
// 0 (its standard error is named).
absl::Status PrintDumpTable(const std::vector<int>& sizes,
                            const DumpSetup& setup, std::ostream& out);

}  // namespace rbacc::bench

#endif  // RBACC_TESTS_BENCH_CLUSTER_DUMP_H_
