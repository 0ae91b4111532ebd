// What a bundle's Helm chart can carry of a compilation: which compiled rules
// go into the chart's values, which the chart already grants, and which it
// cannot express. The decisions are made here, by rule coverage; the values
// emitter (EmitHelmValues) only formats the plan.
#ifndef RBACC_COMPILER_MERGE_HELM_PLAN_H_
#define RBACC_COMPILER_MERGE_HELM_PLAN_H_

#include <vector>

#include "compiler/common/policy_rule.h"
#include "compiler/merge/compact.h"
#include "compiler/merge/compiled_policy.h"
#include "proto/rbacc/v1/policy.pb.h"

namespace rbacc {

// The chart's view of one fixed-namespace role of the compilation.
struct HelmFixedRolePlan {
  // The role (points into the CompiledPolicy the plan was made from).
  const ScopedRole* role = nullptr;
  // True when the bundle names a chart switch for the namespace
  // (FixedNamespace.helm_switch); false: the chart cannot create the role,
  // and the lists below are empty.
  bool switched = false;
  // The role's rules that the chart's rules for the namespace
  // (FixedNamespace.helm_rules) do not cover, in the role's order.
  std::vector<const CompiledRule*> not_expressible;
  // The chart's rules for the namespace that the role does not cover.
  std::vector<PolicyRule> chart_extra;
};

// How a compilation maps onto its bundle's Helm chart.
struct HelmPlan {
  // The target namespace role's rules, for the chart's namespace rules key
  // (empty when the compilation has no target namespace role).
  std::vector<const CompiledRule*> namespace_rules;
  // The cluster role's rules that the chart's built-in cluster rules do not
  // cover, for the chart's cluster rules key, in the role's order.
  std::vector<const CompiledRule*> cluster_rules;
  // The cluster role's rules the built-in cluster rules cover (left out of
  // the values), in the role's order.
  std::vector<const CompiledRule*> builtin_covered;
  // The chart's built-in cluster rules that the cluster role does not cover
  // (all of them when the compilation has no cluster role), in the chart's
  // order.
  std::vector<PolicyRule> builtin_extra;
  // Each fixed-namespace role, in the compilation's order.
  std::vector<HelmFixedRolePlan> fixed_roles;
};

// Returns how `policy` maps onto `chart`. The plan points into `policy`, so it
// is valid while `policy` is (and stays where it is). Never fails.
HelmPlan PlanHelmValues(const CompiledPolicy& policy,
                        const v1::HelmChart& chart);

}  // namespace rbacc

#endif  // RBACC_COMPILER_MERGE_HELM_PLAN_H_
