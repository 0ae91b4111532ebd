// Lint's `unused-permission`: what a declared rule grants that no recorded
// call of the application (calls.proto) uses.
#ifndef RBACC_COMPILER_LINT_UNUSED_PERMISSION_H_
#define RBACC_COMPILER_LINT_UNUSED_PERMISSION_H_

#include <optional>
#include <string>
#include <vector>

#include "compiler/common/policy_rule.h"
#include "proto/rbacc/v1/calls.pb.h"

namespace rbacc {

// Where a declared rule grants: the scope of the calls it can serve.
struct RuleScopeForCalls {
  // A cluster rule serves calls in every scope.
  bool cluster = false;
  // For a rule in a fixed namespace: that namespace (it serves the calls
  // addressed to it); empty for the target namespace's rules.
  std::string fixed_namespace;
};

// An unused-permission finding on one rule.
struct UnusedPermission {
  // What is unused, e.g. "no recorded call uses list, delete on secrets".
  std::string message;
  // The narrower rule: the union of the requests of the calls the rule
  // allows, or the advice to remove the rule when it allows none.
  std::string suggestion;
};

// Evaluates each of `calls` (the recorded calls of the selected features)
// against `rule` in its scope, and returns a finding when some (group,
// resource, verb) the rule names is used by none of the calls it allows;
// nullopt when every one is used, or for a rule of non-resource URLs. A "*"
// counts as used when some call matches it. Never fails.
std::optional<UnusedPermission> FindUnusedPermission(
    const PolicyRule& rule, const RuleScopeForCalls& scope,
    const std::vector<const v1::ApiCall*>& calls);

}  // namespace rbacc

#endif  // RBACC_COMPILER_LINT_UNUSED_PERMISSION_H_
