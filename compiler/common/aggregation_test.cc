// Tests for ClusterRole aggregation. The expected answers follow Kubernetes'
// clusterrole-aggregation controller and metav1.LabelSelectorAsSelector, and
// are checked by evaluating requests with the authorizer.
#include "compiler/common/aggregation.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "compiler/common/authorizer.h"
#include "compiler/common/rbac_objects.h"
#include "gtest/gtest.h"

namespace rbacc {
namespace {

CompiledRule Rule(std::vector<std::string> groups,
                  std::vector<std::string> resources,
                  std::vector<std::string> verbs) {
  CompiledRule rule;
  rule.rule.api_groups = std::move(groups);
  rule.rule.resources = std::move(resources);
  rule.rule.verbs = std::move(verbs);
  return rule;
}

RoleObject ClusterRole(std::string name,
                       std::map<std::string, std::string> labels,
                       std::vector<CompiledRule> rules) {
  RoleObject role;
  role.metadata.name = std::move(name);
  role.metadata.labels = std::move(labels);
  role.rules = std::move(rules);
  return role;
}

RoleObject Aggregating(std::string name, std::vector<LabelSelector> selectors) {
  RoleObject role = ClusterRole(std::move(name), {}, {});
  role.has_aggregation_rule = true;
  role.aggregation_selectors = std::move(selectors);
  return role;
}

LabelSelector MatchLabel(std::string key, std::string value) {
  LabelSelector selector;
  selector.match_labels[std::move(key)] = std::move(value);
  return selector;
}

// `role` bound cluster-wide to the user "alice".
void BindToAlice(const std::string& role, RbacObjects* objects) {
  BindingObject& binding = objects->bindings.emplace_back();
  binding.metadata.name = role + "-alice";
  binding.role_kind = "ClusterRole";
  binding.role_name = role;
  binding.subjects.push_back({"User", "alice", ""});
}

bool AliceMay(const RbacObjects& objects, const std::string& verb,
              const std::string& group, const std::string& resource) {
  UserInfo alice;
  alice.name = "alice";
  alice.groups = {"system:authenticated"};
  Request request;
  request.verb = verb;
  request.api_group = group;
  request.resource = resource;
  request.namespace_name = "default";
  return Authorizer(objects).Allows(alice, request);
}

TEST(SelectorMatchesTest, FollowsLabelSelectorSemantics) {
  const std::map<std::string, std::string> labels = {{"tier", "web"},
                                                     {"env", "prod"}};
  EXPECT_TRUE(SelectorMatches(LabelSelector{}, labels));
  EXPECT_TRUE(SelectorMatches(LabelSelector{}, {}));
  EXPECT_TRUE(SelectorMatches(MatchLabel("tier", "web"), labels));
  EXPECT_FALSE(SelectorMatches(MatchLabel("tier", "db"), labels));
  EXPECT_FALSE(SelectorMatches(MatchLabel("zone", "a"), labels));

  const auto expression = [](std::string key, std::string op,
                             std::vector<std::string> values) {
    LabelSelector selector;
    selector.match_expressions.push_back(
        {std::move(key), std::move(op), std::move(values)});
    return selector;
  };
  EXPECT_TRUE(
      SelectorMatches(expression("env", "In", {"dev", "prod"}), labels));
  EXPECT_FALSE(SelectorMatches(expression("env", "In", {"dev"}), labels));
  EXPECT_FALSE(SelectorMatches(expression("zone", "In", {"a"}), labels));
  EXPECT_TRUE(SelectorMatches(expression("env", "NotIn", {"dev"}), labels));
  EXPECT_FALSE(SelectorMatches(expression("env", "NotIn", {"prod"}), labels));
  // NotIn holds for a key the object does not have.
  EXPECT_TRUE(SelectorMatches(expression("zone", "NotIn", {"a"}), labels));
  EXPECT_TRUE(SelectorMatches(expression("env", "Exists", {}), labels));
  EXPECT_FALSE(SelectorMatches(expression("zone", "Exists", {}), labels));
  EXPECT_TRUE(SelectorMatches(expression("zone", "DoesNotExist", {}), labels));
  EXPECT_FALSE(SelectorMatches(expression("env", "DoesNotExist", {}), labels));
  EXPECT_FALSE(SelectorMatches(expression("env", "Matches", {"prod"}), labels));

  LabelSelector both = MatchLabel("tier", "web");
  both.match_expressions.push_back({"env", "In", {"dev"}});
  EXPECT_FALSE(SelectorMatches(both, labels));
}

TEST(ResolveAggregationTest, AggregatedRoleGrantsTheSelectedRolesRules) {
  RbacObjects objects;
  objects.roles.push_back(ClusterRole(
      "monitoring-pods", {{"rbac.example.com/aggregate-to-monitoring", "true"}},
      {Rule({""}, {"pods"}, {"get", "list"})}));
  objects.roles.push_back(ClusterRole(
      "monitoring-apps", {{"rbac.example.com/aggregate-to-monitoring", "true"}},
      {Rule({"apps"}, {"deployments"}, {"get"})}));
  objects.roles.push_back(
      ClusterRole("unlabelled", {}, {Rule({""}, {"secrets"}, {"get"})}));
  objects.roles.push_back(Aggregating(
      "monitoring",
      {MatchLabel("rbac.example.com/aggregate-to-monitoring", "true")}));
  BindToAlice("monitoring", &objects);

  EXPECT_FALSE(AliceMay(objects, "get", "", "pods"));
  ResolveAggregation(&objects);
  EXPECT_TRUE(AliceMay(objects, "get", "", "pods"));
  EXPECT_TRUE(AliceMay(objects, "list", "", "pods"));
  EXPECT_TRUE(AliceMay(objects, "get", "apps", "deployments"));
  EXPECT_FALSE(AliceMay(objects, "delete", "", "pods"));
  EXPECT_FALSE(AliceMay(objects, "get", "", "secrets"));

  // Selected roles by name: monitoring-apps before monitoring-pods.
  const RoleObject& monitoring = objects.roles.back();
  ASSERT_EQ(monitoring.rules.size(), 2u);
  EXPECT_EQ(monitoring.rules[0].rule.api_groups,
            std::vector<std::string>{"apps"});
  EXPECT_EQ(monitoring.rules[1].rule.resources,
            std::vector<std::string>{"pods"});
}

TEST(ResolveAggregationTest, ReplacesWrittenRulesAndSkipsEqualRules) {
  RbacObjects objects;
  objects.roles.push_back(
      ClusterRole("a", {{"agg", "x"}}, {Rule({""}, {"pods"}, {"get"})}));
  objects.roles.push_back(
      ClusterRole("b", {{"agg", "x"}}, {Rule({""}, {"pods"}, {"get"})}));
  RoleObject aggregating = Aggregating("x", {MatchLabel("agg", "x")});
  aggregating.rules.push_back(Rule({""}, {"nodes"}, {"delete"}));
  aggregating.rules.back().sources.push_back({"", "written", {}, {"nodes"}});
  objects.roles.push_back(aggregating);
  BindToAlice("x", &objects);

  ResolveAggregation(&objects);
  EXPECT_EQ(objects.roles.back().rules.size(), 1u);
  EXPECT_TRUE(AliceMay(objects, "get", "", "pods"));
  EXPECT_FALSE(AliceMay(objects, "delete", "", "nodes"));
}

TEST(ResolveAggregationTest, NestedAggregationSettlesAndNamesTheOrigin) {
  RbacObjects objects;
  // admin aggregates edit, which aggregates view, which aggregates a leaf:
  // listed in the order that needs the most passes.
  objects.roles.push_back(
      Aggregating("admin", {MatchLabel("to-admin", "true")}));
  RoleObject edit = Aggregating("edit", {MatchLabel("to-edit", "true")});
  edit.metadata.labels["to-admin"] = "true";
  objects.roles.push_back(edit);
  RoleObject view = Aggregating("view", {MatchLabel("to-view", "true")});
  view.metadata.labels["to-edit"] = "true";
  objects.roles.push_back(view);
  CompiledRule leaf_rule = Rule({"example.com"}, {"widgets"}, {"get"});
  leaf_rule.sources.push_back({"", "", {}, {"widgets"}});
  objects.roles.push_back(
      ClusterRole("widget-viewer", {{"to-view", "true"}}, {leaf_rule}));
  BindToAlice("admin", &objects);

  ResolveAggregation(&objects);
  EXPECT_TRUE(AliceMay(objects, "get", "example.com", "widgets"));
  ASSERT_EQ(objects.roles[0].rules.size(), 1u);
  ASSERT_EQ(objects.roles[0].rules[0].sources.size(), 1u);
  EXPECT_EQ(objects.roles[0].rules[0].sources[0].aggregated_from,
            "ClusterRole widget-viewer");
}

TEST(ResolveAggregationTest, RolesAndSelfAreNeverSelected) {
  RbacObjects objects;
  RoleObject namespaced =
      ClusterRole("reader", {{"agg", "y"}}, {Rule({""}, {"pods"}, {"get"})});
  namespaced.metadata.namespace_name = "default";
  objects.roles.push_back(namespaced);
  // An empty selector selects every ClusterRole, but not the role itself.
  RoleObject everything = Aggregating("everything", {LabelSelector{}});
  everything.metadata.labels["agg"] = "y";
  objects.roles.push_back(everything);
  objects.roles.push_back(
      ClusterRole("lister", {}, {Rule({""}, {"nodes"}, {"list"})}));
  // An aggregationRule without selectors grants nothing.
  objects.roles.push_back(Aggregating("nothing", {}));
  BindToAlice("everything", &objects);
  BindToAlice("nothing", &objects);

  ResolveAggregation(&objects);
  EXPECT_FALSE(AliceMay(objects, "get", "", "pods"));
  EXPECT_TRUE(AliceMay(objects, "list", "", "nodes"));
  EXPECT_TRUE(objects.roles[3].rules.empty());
}

}  // namespace
}  // namespace rbacc
