#include "compiler/review/builtin_roles.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "compiler/catalog/bootstrap_cluster_roles_text.h"
#include "compiler/common/aggregation.h"
#include "compiler/common/authorizer.h"
#include "compiler/common/rbac_objects.h"
#include "gtest/gtest.h"

namespace rbacc {
namespace {

// `objects` with a RoleBinding in team-a of the ClusterRole `role` to alice.
RbacObjects AliceBoundInTeamA(const std::string& role) {
  RbacObjects objects;
  BindingObject& binding = objects.bindings.emplace_back();
  binding.metadata = {"alice-" + role, "team-a", {}};
  binding.role_kind = "ClusterRole";
  binding.role_name = role;
  binding.subjects.push_back({"User", "alice", ""});
  return objects;
}

// What the authorizer says about alice's request after the built-in roles
// are added and aggregation is resolved, as a review command does.
bool AliceMay(RbacObjects objects, const std::string& verb,
              const std::string& group, const std::string& resource,
              const std::string& namespace_name) {
  AddBuiltinClusterRoles(&objects);
  ResolveAggregation(&objects);
  Request request;
  request.verb = verb;
  request.api_group = group;
  request.resource = resource;
  request.namespace_name = namespace_name;
  return Authorizer(objects).Allows({"alice", {"system:authenticated"}},
                                    request);
}

TEST(BootstrapClusterRolesTest, ParsesEveryRoleOfTheCatalogueData) {
  const std::vector<RoleObject>& roles = BootstrapClusterRoles();
  int listed = 0;
  for (absl::string_view rest = kBootstrapClusterRolesYaml;
       absl::StrContains(rest, "\n  kind: ClusterRole\n");
       rest.remove_prefix(rest.find("\n  kind: ClusterRole\n") + 1)) {
    ++listed;
  }
  EXPECT_EQ(roles.size(), listed);
  std::vector<std::string> names;
  for (const RoleObject& role : roles) {
    EXPECT_TRUE(role.builtin) << role.metadata.name;
    names.push_back(role.metadata.name);
  }
  for (const char* name : {"cluster-admin", "admin", "edit", "view",
                           "system:aggregate-to-edit", "system:discovery"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  }
  // The header of the data file names the version the notes give.
  EXPECT_TRUE(absl::StartsWith(
      absl::StripLeadingAsciiWhitespace(kBootstrapClusterRolesYaml),
      absl::StrCat("# Kubernetes ", kBootstrapPolicyVersion, "'s built-in")));
}

TEST(BootstrapClusterRolesTest, RulesSayTheyAreBuiltIn) {
  for (const RoleObject& role : BootstrapClusterRoles()) {
    for (const CompiledRule& rule : role.rules) {
      ASSERT_EQ(rule.sources.size(), 1) << role.metadata.name;
      EXPECT_EQ(rule.sources[0].reason, BuiltinRoleNote(role.metadata.name));
      EXPECT_LT(rule.sources[0].location.line, 0);
    }
  }
  EXPECT_EQ(BuiltinRoleNote("cluster-admin"),
            "cluster-admin: Kubernetes' built-in ClusterRole (bootstrap "
            "policy 1.33)");
}

TEST(AddBuiltinClusterRolesTest, EditGrantsWhatItGrantsOnACluster) {
  const RbacObjects objects = AliceBoundInTeamA("edit");
  EXPECT_TRUE(AliceMay(objects, "create", "apps", "deployments", "team-a"));
  EXPECT_TRUE(AliceMay(objects, "get", "", "secrets", "team-a"));
  // From view, which edit aggregates.
  EXPECT_TRUE(AliceMay(objects, "list", "", "pods", "team-a"));
  EXPECT_FALSE(AliceMay(objects, "create", "apps", "deployments", "team-b"));
  EXPECT_FALSE(AliceMay(objects, "create", "rbac.authorization.k8s.io", "roles",
                        "team-a"));
}

TEST(AddBuiltinClusterRolesTest, ViewDoesNotGrantSecrets) {
  const RbacObjects objects = AliceBoundInTeamA("view");
  EXPECT_TRUE(AliceMay(objects, "get", "", "pods", "team-a"));
  EXPECT_FALSE(AliceMay(objects, "get", "", "secrets", "team-a"));
  EXPECT_FALSE(AliceMay(objects, "delete", "", "pods", "team-a"));
}

TEST(AddBuiltinClusterRolesTest, ClusterAdminGrantsEverything) {
  RbacObjects objects = AliceBoundInTeamA("cluster-admin");
  objects.bindings[0].metadata.namespace_name.clear();
  EXPECT_TRUE(AliceMay(objects, "delete", "", "nodes", ""));
  EXPECT_TRUE(AliceMay(objects, "escalate", "rbac.authorization.k8s.io",
                       "clusterroles", ""));
  EXPECT_TRUE(AliceMay(objects, "frobnicate", "example.com", "widgets", "x"));
}

TEST(AddBuiltinClusterRolesTest, AddsAggregationSourcesButNamesOnlyBound) {
  RbacObjects objects = AliceBoundInTeamA("edit");
  EXPECT_EQ(AddBuiltinClusterRoles(&objects), std::vector<std::string>{"edit"});
  std::vector<std::string> added;
  for (const RoleObject& role : objects.roles) {
    added.push_back(role.metadata.name);
  }
  std::sort(added.begin(), added.end());
  EXPECT_EQ(added,
            (std::vector<std::string>{"edit", "system:aggregate-to-edit",
                                      "system:aggregate-to-view", "view"}));
}

TEST(AddBuiltinClusterRolesTest, TheInputsOwnRoleWinsAndItsLabelsAggregate) {
  RbacObjects objects = AliceBoundInTeamA("view");
  // A ClusterRole of the input labelled to aggregate into view, as on a
  // cluster.
  RoleObject& crd_viewer = objects.roles.emplace_back();
  crd_viewer.metadata.name = "widgets-view";
  crd_viewer.metadata.labels["rbac.authorization.k8s.io/aggregate-to-view"] =
      "true";
  CompiledRule& rule = crd_viewer.rules.emplace_back();
  rule.rule = {{"example.com"}, {"widgets"}, {"get"}, {}, {}};
  EXPECT_TRUE(AliceMay(objects, "get", "example.com", "widgets", "team-a"));

  // An input that defines view itself keeps its own view.
  RoleObject& own_view = objects.roles.emplace_back();
  own_view.metadata.name = "view";
  EXPECT_EQ(AddBuiltinClusterRoles(&objects), std::vector<std::string>{});
  EXPECT_FALSE(AliceMay(objects, "get", "", "pods", "team-a"));
}

TEST(AddBuiltinClusterRolesTest, UnknownRolesStayUnbound) {
  RbacObjects objects = AliceBoundInTeamA("not-a-builtin-role");
  EXPECT_TRUE(AddBuiltinClusterRoles(&objects).empty());
  EXPECT_TRUE(objects.roles.empty());
}

}  // namespace
}  // namespace rbacc
