#include "compiler/merge/helm_plan.h"

#include <vector>

#include "compiler/common/policy_rule.h"
#include "compiler/merge/compact.h"
#include "compiler/merge/compile.h"
#include "compiler/merge/compiled_policy.h"

namespace rbacc {
namespace {

std::vector<PolicyRule> ToPolicyRules(
    const google::protobuf::RepeatedPtrField<v1::Rule>& rules) {
  std::vector<PolicyRule> result;
  for (const v1::Rule& rule : rules) result.push_back(ToPolicyRule(rule));
  return result;
}

std::vector<PolicyRule> RulesOf(const ScopedRole& role) {
  std::vector<PolicyRule> rules;
  for (const CompiledRule& rule : role.rules.rules) rules.push_back(rule.rule);
  return rules;
}

// Sets `plan`'s cluster rule lists for the cluster role `cluster` (null when
// the compilation has none) against the chart's built-in rules `builtin`.
void PlanClusterRules(const ScopedRole* cluster,
                      const std::vector<PolicyRule>& builtin, HelmPlan* plan) {
  if (cluster == nullptr) {
    plan->builtin_extra = builtin;
    return;
  }
  const RuleCoverage builtin_coverage(builtin);
  for (const CompiledRule& rule : cluster->rules.rules) {
    if (builtin_coverage.Covers(rule.rule)) {
      plan->builtin_covered.push_back(&rule);
    } else {
      plan->cluster_rules.push_back(&rule);
    }
  }
  const RuleCoverage cluster_coverage(RulesOf(*cluster));
  for (const PolicyRule& rule : builtin) {
    if (!cluster_coverage.Covers(rule)) plan->builtin_extra.push_back(rule);
  }
}

// The plan for the fixed-namespace role `role`.
HelmFixedRolePlan PlanFixedRole(const ScopedRole& role) {
  HelmFixedRolePlan plan;
  plan.role = &role;
  plan.switched = !role.fixed_namespace.helm_switch().empty();
  if (!plan.switched) return plan;
  const std::vector<PolicyRule> chart_rules =
      ToPolicyRules(role.fixed_namespace.helm_rules());
  const RuleCoverage chart_coverage(chart_rules);
  for (const CompiledRule& rule : role.rules.rules) {
    if (!chart_coverage.Covers(rule.rule)) {
      plan.not_expressible.push_back(&rule);
    }
  }
  const RuleCoverage role_coverage(RulesOf(role));
  for (const PolicyRule& rule : chart_rules) {
    if (!role_coverage.Covers(rule)) plan.chart_extra.push_back(rule);
  }
  return plan;
}

}  // namespace

HelmPlan PlanHelmValues(const CompiledPolicy& policy,
                        const v1::HelmChart& chart) {
  HelmPlan plan;
  const ScopedRole* cluster = nullptr;
  const ScopedRole* target = nullptr;
  for (const ScopedRole& role : policy.roles) {
    switch (role.scope) {
      case RoleScope::kCluster:
        if (cluster == nullptr) cluster = &role;
        break;
      case RoleScope::kTargetNamespace:
        if (target != nullptr) break;
        target = &role;
        for (const CompiledRule& rule : role.rules.rules) {
          plan.namespace_rules.push_back(&rule);
        }
        break;
      case RoleScope::kFixedNamespace:
        plan.fixed_roles.push_back(PlanFixedRole(role));
        break;
    }
  }
  PlanClusterRules(cluster, ToPolicyRules(chart.builtin_cluster_rules()),
                   &plan);
  return plan;
}

}  // namespace rbacc
