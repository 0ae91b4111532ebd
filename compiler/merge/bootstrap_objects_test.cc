// Tests for the objects an identity mode's application bootstraps: which are
// selected, the launcher's rules for them, and their rules written verbatim.
#include "compiler/merge/bootstrap_objects.h"

#include <string>
#include <vector>

#include "compiler/common/authorizer.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace rbacc {
namespace {

v1::IdentityMode Mode() {
  v1::IdentityMode mode;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"pb(
        name: "SERVICE_ACCOUNT"
        service_account: "app-sa"
        bootstrap_objects {
          kind: "ServiceAccount"
          name: "app-sa"
          labels { key: "parent" value: "app" }
        }
        bootstrap_objects {
          kind: "Role"
          name: "app-role"
          rules {
            api_groups: ""
            resources: [ "services", "pods" ]
            verbs: [ "list", "get" ]
            reason: "first"
          }
          rules { api_groups: "*" resources: "*" verbs: "*" reason: "second" }
        }
        bootstrap_objects {
          kind: "RoleBinding"
          name: "app-binding-{namespace}"
          namespace: "system"
          subjects { kind: "ServiceAccount" name: "app-sa" }
          role_ref { kind: "Role" name: "app-role" }
        }
        bootstrap_objects { kind: "Namespace" name: "system" }
        bootstrap_objects {
          kind: "ClusterRole"
          name: "app-ingress"
          feature: "ingress"
          rules { api_groups: "" resources: "nodes" verbs: "get" reason: "r" }
        }
      )pb",
      &mode));
  return mode;
}

Request At(const std::string& verb, const std::string& group,
           const std::string& resource, const std::string& name,
           const std::string& namespace_name) {
  Request request;
  request.verb = verb;
  request.api_group = group;
  request.resource = resource;
  request.name = name;
  request.namespace_name = namespace_name;
  return request;
}

// `rules` as one role of `namespace_name` ("" for a ClusterRole) bound to
// user "launcher", with the other rules in their own roles.
bool Allowed(const std::vector<LauncherRule>& rules, const Request& request) {
  RbacObjects objects;
  for (size_t i = 0; i < rules.size(); ++i) {
    const std::string name = "r" + std::to_string(i);
    const std::string namespace_name =
        rules[i].cluster ? "" : rules[i].namespace_name;
    objects.roles.push_back({ObjectMeta{name, namespace_name, {}},
                             {CompiledRule{rules[i].rule, {}}}});
    objects.bindings.push_back({ObjectMeta{name, namespace_name, {}},
                                rules[i].cluster ? "ClusterRole" : "Role",
                                name,
                                {Subject{"User", "launcher", ""}}});
  }
  return Authorizer(objects).Allows(UserInfo{"launcher", {}}, request);
}

TEST(BootstrapObjectsTest, SelectsByFeatureAndExpandsTheNamespace) {
  const v1::IdentityMode mode = Mode();
  const std::vector<BootstrapObjectRef> without =
      SelectedBootstrapObjects(mode, {"base"}, "team");
  ASSERT_EQ(without.size(), 4u);
  EXPECT_EQ(without[0].namespace_name, "team");
  EXPECT_EQ(without[2].name, "app-binding-team");
  EXPECT_EQ(without[2].namespace_name, "system");
  EXPECT_EQ(without[3].namespace_name, "");
  EXPECT_EQ(SelectedBootstrapObjects(mode, {"base", "ingress"}, "team").size(),
            5u);
}

TEST(BootstrapObjectsTest, PrecreateLetsTheLauncherOnlyRead) {
  const std::vector<LauncherRule> rules = LauncherBootstrapRules(
      SelectedBootstrapObjects(Mode(), {"ingress"}, "team"),
      v1::BOOTSTRAP_PRECREATE, "team");
  const std::string rbac = kRbacApiGroup;
  EXPECT_TRUE(
      Allowed(rules, At("list", "", "serviceaccounts", "app-sa", "team")));
  EXPECT_FALSE(Allowed(rules, At("list", "", "serviceaccounts", "", "team")));
  EXPECT_TRUE(Allowed(rules, At("list", rbac, "roles", "app-role", "team")));
  EXPECT_TRUE(Allowed(
      rules, At("list", rbac, "rolebindings", "app-binding-team", "system")));
  EXPECT_TRUE(Allowed(rules, At("get", "", "namespaces", "system", "")));
  EXPECT_TRUE(
      Allowed(rules, At("list", rbac, "clusterroles", "app-ingress", "")));
  EXPECT_FALSE(Allowed(rules, At("create", rbac, "roles", "", "team")));
  EXPECT_FALSE(Allowed(rules, At("patch", rbac, "roles", "app-role", "team")));
  EXPECT_FALSE(Allowed(rules, At("create", "", "namespaces", "", "")));
}

TEST(BootstrapObjectsTest, GrantAddsCreatePatchEscalateAndBind) {
  const std::vector<LauncherRule> rules = LauncherBootstrapRules(
      SelectedBootstrapObjects(Mode(), {"ingress"}, "team"),
      v1::BOOTSTRAP_GRANT, "team");
  const std::string rbac = kRbacApiGroup;
  EXPECT_TRUE(Allowed(rules, At("create", "", "serviceaccounts", "", "team")));
  EXPECT_FALSE(
      Allowed(rules, At("patch", "", "serviceaccounts", "app-sa", "team")));
  EXPECT_TRUE(Allowed(rules, At("create", rbac, "roles", "", "team")));
  EXPECT_TRUE(Allowed(rules, At("patch", rbac, "roles", "app-role", "team")));
  EXPECT_TRUE(
      Allowed(rules, At("escalate", rbac, "roles", "app-role", "team")));
  EXPECT_FALSE(Allowed(rules, At("patch", rbac, "roles", "other", "team")));
  EXPECT_TRUE(Allowed(rules, At("bind", rbac, "roles", "app-role", "system")));
  EXPECT_FALSE(Allowed(rules, At("bind", rbac, "roles", "other", "system")));
  EXPECT_TRUE(Allowed(rules, At("escalate", rbac, "clusterroles", "x", "")));
  EXPECT_FALSE(Allowed(rules, At("create", "", "namespaces", "", "")));
}

TEST(BootstrapObjectsTest, WritesTheTemplatesRulesAndSubjectsVerbatim) {
  const v1::IdentityMode mode = Mode();
  RbacObjects objects;
  AppendBootstrapObjects(
      SelectedBootstrapObjects(mode, {}, "team"), mode.name(), "team",
      [](int object, int rule) {
        return SourceLocation{"bundle.textproto", object, rule};
      },
      &objects);
  ASSERT_EQ(objects.service_accounts.size(), 1u);
  EXPECT_EQ(objects.service_accounts[0].labels.at("parent"), "app");
  ASSERT_EQ(objects.roles.size(), 1u);
  const RoleObject& role = objects.roles[0];
  ASSERT_EQ(role.rules.size(), 2u);
  EXPECT_EQ(role.rules[0].rule.resources,
            (std::vector<std::string>{"services", "pods"}));
  EXPECT_EQ(role.rules[0].rule.verbs,
            (std::vector<std::string>{"list", "get"}));
  EXPECT_EQ(role.rules[1].sources[0].reason, "second");
  EXPECT_EQ(role.rules[1].sources[0].location.column, 1);
  ASSERT_EQ(objects.bindings.size(), 1u);
  EXPECT_EQ(objects.bindings[0].metadata.name, "app-binding-team");
  ASSERT_EQ(objects.bindings[0].subjects.size(), 1u);
  EXPECT_EQ(objects.bindings[0].subjects[0].namespace_name, "team");
  EXPECT_EQ(objects.namespaces.size(), 1u);
}

}  // namespace
}  // namespace rbacc
