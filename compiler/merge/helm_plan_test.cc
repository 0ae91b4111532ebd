#include "compiler/merge/helm_plan.h"

#include <string>
#include <vector>

#include "compiler/common/policy_rule.h"
#include "compiler/merge/compiled_policy.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "proto/rbacc/v1/policy.pb.h"

namespace rbacc {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

PolicyRule Resource(const std::string& group, const std::string& resource,
                    const std::vector<std::string>& verbs) {
  PolicyRule rule;
  rule.api_groups = {group};
  rule.resources = {resource};
  rule.verbs = verbs;
  return rule;
}

ScopedRole Role(RoleScope scope, const std::vector<PolicyRule>& rules) {
  ScopedRole role;
  role.scope = scope;
  for (const PolicyRule& rule : rules) role.rules.rules.push_back({rule, {}});
  return role;
}

v1::HelmChart Chart(const std::string& text) {
  v1::HelmChart chart;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &chart));
  return chart;
}

TEST(HelmPlanTest, SplitsClusterRulesByTheChartsBuiltinRules) {
  CompiledPolicy policy;
  policy.roles.push_back(Role(
      RoleScope::kCluster,
      {Resource("", "nodes", {"get", "list"}), Resource("", "pods", {"get"})}));
  policy.roles.push_back(
      Role(RoleScope::kTargetNamespace, {Resource("", "configmaps", {"get"})}));
  const v1::HelmChart chart = Chart(
      R"pb(builtin_cluster_rules {
             api_groups: ""
             resources: "nodes"
             verbs: "*"
           }
           builtin_cluster_rules {
             api_groups: ""
             resources: "secrets"
             verbs: "get"
           })pb");

  const HelmPlan plan = PlanHelmValues(policy, chart);

  ASSERT_EQ(plan.builtin_covered.size(), 1u);
  EXPECT_EQ(plan.builtin_covered[0]->rule.resources,
            std::vector<std::string>{"nodes"});
  ASSERT_EQ(plan.cluster_rules.size(), 1u);
  EXPECT_EQ(plan.cluster_rules[0]->rule.resources,
            std::vector<std::string>{"pods"});
  // "nodes *" is more than the selection's "nodes get,list"; "secrets" is
  // not selected at all.
  EXPECT_THAT(plan.builtin_extra,
              ElementsAre(Resource("", "nodes", {"*"}),
                          Resource("", "secrets", {"get"})));
  ASSERT_EQ(plan.namespace_rules.size(), 1u);
  EXPECT_EQ(plan.namespace_rules[0], &policy.roles[1].rules.rules[0]);
  EXPECT_THAT(plan.fixed_roles, IsEmpty());
}

TEST(HelmPlanTest, WithoutAClusterRoleEveryBuiltinRuleIsExtra) {
  CompiledPolicy policy;
  const v1::HelmChart chart = Chart(
      R"pb(builtin_cluster_rules {
             api_groups: ""
             resources: "nodes"
             verbs: "get"
           })pb");

  const HelmPlan plan = PlanHelmValues(policy, chart);

  EXPECT_THAT(plan.builtin_extra, ElementsAre(Resource("", "nodes", {"get"})));
  EXPECT_THAT(plan.cluster_rules, IsEmpty());
  EXPECT_THAT(plan.namespace_rules, IsEmpty());
}

TEST(HelmPlanTest, ComparesFixedNamespaceRolesWithTheChartsRules) {
  CompiledPolicy policy;
  ScopedRole switched =
      Role(RoleScope::kFixedNamespace,
           {Resource("", "pods", {"get"}), Resource("", "secrets", {"get"})});
  ASSERT_TRUE(
      google::protobuf::TextFormat::
          ParseFromString(
              R"pb(name: "monitoring"
                   helm_switch: "monitoring.enabled"
                   helm_rules { api_groups: "" resources: "pods" verbs: "get" }
                   helm_rules {
                     api_groups: ""
                     resources: "services"
                     verbs: "list"
                   })pb",
              &switched.fixed_namespace));
  policy.roles.push_back(switched);
  policy.roles.push_back(
      Role(RoleScope::kFixedNamespace, {Resource("", "pods", {"get"})}));

  const HelmPlan plan = PlanHelmValues(policy, v1::HelmChart());

  ASSERT_EQ(plan.fixed_roles.size(), 2u);
  const HelmFixedRolePlan& first = plan.fixed_roles[0];
  EXPECT_TRUE(first.switched);
  EXPECT_EQ(first.role, &policy.roles[0]);
  ASSERT_EQ(first.not_expressible.size(), 1u);
  EXPECT_EQ(first.not_expressible[0]->rule, Resource("", "secrets", {"get"}));
  EXPECT_THAT(first.chart_extra,
              ElementsAre(Resource("", "services", {"list"})));
  const HelmFixedRolePlan& second = plan.fixed_roles[1];
  EXPECT_FALSE(second.switched);
  EXPECT_THAT(second.not_expressible, IsEmpty());
  EXPECT_THAT(second.chart_extra, IsEmpty());
}

}  // namespace
}  // namespace rbacc
