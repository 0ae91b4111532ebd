// Compiles a validated selection of a bundle: gathers the selected features'
// rules by scope, compacts each role, names and binds the objects, and merges
// config and Helm values.
#ifndef RBACC_COMPILER_MERGE_COMPILE_H_
#define RBACC_COMPILER_MERGE_COMPILE_H_

#include <map>
#include <string>
#include <vector>

#include "compiler/common/issue.h"
#include "compiler/common/policy_rule.h"
#include "compiler/common/shared_memo.h"
#include "compiler/load/bundle_loader.h"
#include "compiler/merge/compact.h"
#include "compiler/merge/compiled_policy.h"
#include "compiler/resolve/selection.h"

namespace rbacc {

// Returns a declared rule in Kubernetes' PolicyRule shape.
PolicyRule ToPolicyRule(const v1::Rule& rule);

// Returns what decides which rules each role of a compilation of `selection`
// gets: its features, whether it is namespace-only, its identity mode and, for
// a mode that bootstraps, the bootstrap and the primary namespace (the
// launcher's rules name it). Selections with the same key get the same
// compacted rules, dropped rules and lint findings, whatever their names,
// namespaces and subjects.
std::string SharedRulesKey(const Selection& selection);

// The rules of a compilation's roles, each role's compacted on its own, and
// what gathering them found: everything CompilePolicy takes from
// SharedRulesKey alone.
struct SharedRoleRules {
  bool has_cluster_rules = false;
  bool has_namespace_rules = false;
  // [0] the ClusterRole's, [1] the target namespaces' Role's, then each fixed
  // namespace's, by name.
  std::vector<CompactedRules> rules;
  // Fixed namespace -> its place in `rules`.
  std::map<std::string, size_t> fixed_places;
  // CompiledPolicy::feature_summaries and dropped_rules.
  std::map<std::string, std::string> feature_summaries;
  std::vector<DroppedRule> dropped_rules;
};

// The SharedRoleRules of one run's compilations of one bundle, by
// SharedRulesKey: each distinct key is gathered and compacted once.
using RoleRulesMemo = SharedMemo<SharedRoleRules>;

// Compiles `selection` of `bundle` (both already validated). With `memo`, the
// roles' rules are taken from it when a compilation with the same
// SharedRulesKey made them (the same bytes as compacting them again), else
// made and kept there; null compacts them for this compilation alone. Adds an
// issue when two selected features set the same config or Helm key to
// different values, when one feature's key is inside another's value, or when
// two objects of one kind get the same namespace and name. The result is only
// meaningful when no error was added.
CompiledPolicy CompilePolicy(const LoadedBundle& bundle,
                             const Selection& selection,
                             const std::string& regenerate_command,
                             RoleRulesMemo* memo, IssueList* issues);

}  // namespace rbacc

#endif  // RBACC_COMPILER_MERGE_COMPILE_H_
