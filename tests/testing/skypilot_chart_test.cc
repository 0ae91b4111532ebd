// The SkyPilot chart renderer against hand-checked renderings of the chart's
// templates/rbac.yaml and templates/system-rbac.yaml, and its errors.
#include "tests/testing/skypilot_chart.h"

#include <algorithm>
#include <iterator>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "compiler/common/authorizer.h"
#include "compiler/common/rbac_objects.h"
#include "gtest/gtest.h"
#include "tests/testing/workspace.h"

namespace rbacc::testing {
namespace {

// Rule lists given in every case, so that the chart's own rules stand out.
constexpr char kRuleValues[] = R"yaml(
rbac:
  namespaceRules:
    - apiGroups: [""]
      resources: [pods]
      verbs: [get]
  clusterRules:
    - apiGroups: [""]
      resources: [nodes]
      verbs: [list]
)yaml";

const HelmRelease kRelease{"sky", "team-a"};

std::string RuleText(const PolicyRule& rule) {
  std::string text =
      absl::StrCat(rule.api_groups[0].empty() ? "core" : rule.api_groups[0],
                   "/", absl::StrJoin(rule.resources, ","), " [",
                   absl::StrJoin(rule.verbs, ","), "]");
  if (!rule.resource_names.empty()) {
    absl::StrAppend(&text, " names ", absl::StrJoin(rule.resource_names, ","));
  }
  return text;
}

std::string QualifiedName(const ObjectMeta& meta) {
  return meta.namespace_name.empty()
             ? meta.name
             : absl::StrCat(meta.namespace_name, "/", meta.name);
}

// One sorted line per object: "Role team-a/sky-api-role: core/pods [get]; ...".
std::vector<std::string> Describe(const RbacObjects& objects) {
  std::vector<std::string> lines;
  for (const ObjectMeta& meta : objects.namespaces) {
    lines.push_back(absl::StrCat("Namespace ", meta.name));
  }
  for (const ObjectMeta& meta : objects.service_accounts) {
    lines.push_back(absl::StrCat("ServiceAccount ", QualifiedName(meta)));
  }
  for (const RoleObject& role : objects.roles) {
    std::vector<std::string> rules;
    for (const CompiledRule& rule : role.rules) {
      rules.push_back(RuleText(rule.rule));
    }
    lines.push_back(absl::StrCat(
        role.is_cluster_role() ? "ClusterRole " : "Role ",
        QualifiedName(role.metadata), ": ", absl::StrJoin(rules, "; ")));
  }
  for (const BindingObject& binding : objects.bindings) {
    std::vector<std::string> subjects;
    for (const Subject& subject : binding.subjects) {
      subjects.push_back(absl::StrCat(subject.kind, " ", subject.namespace_name,
                                      "/", subject.name));
    }
    lines.push_back(absl::StrCat(
        binding.is_cluster_binding() ? "ClusterRoleBinding " : "RoleBinding ",
        QualifiedName(binding.metadata), ": ", binding.role_kind, " ",
        binding.role_name, " to ", absl::StrJoin(subjects, ", ")));
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

struct RenderCase {
  std::string name;
  // Appended to kRuleValues.
  std::string values;
  std::vector<std::string> objects;
};

// Names the case in test failures.
void PrintTo(const RenderCase& render, std::ostream* out) {
  *out << render.name;
}

class RenderTest : public ::testing::TestWithParam<RenderCase> {};

TEST_P(RenderTest, RendersTheChartsObjects) {
  const absl::StatusOr<RbacObjects> objects = RenderSkyPilotChartRbac(
      absl::StrCat(kRuleValues, GetParam().values), kRelease);
  ASSERT_TRUE(objects.ok()) << objects.status();
  std::vector<std::string> expected = GetParam().objects;
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(Describe(*objects), expected)
      << "rendered:\n  " << absl::StrJoin(Describe(*objects), "\n  ");
}

INSTANTIATE_TEST_SUITE_P(
    Values, RenderTest,
    ::testing::Values(
        RenderCase{
            "ChartDefaults",
            "",
            {"Namespace skypilot-system", "ServiceAccount team-a/sky-api-sa",
             "ClusterRole sky-api-role: core/nodes [list]; "
             "rbac.authorization.k8s.io/clusterroles,clusterrolebindings [*]; "
             "storage.k8s.io/storageclasses [get,list,watch]",
             "ClusterRoleBinding sky-api-role-binding: ClusterRole "
             "sky-api-role to ServiceAccount team-a/sky-api-sa",
             "Role team-a/sky-api-role: core/pods [get]; "
             "rbac.authorization.k8s.io/roles,rolebindings [*]; "
             "core/serviceaccounts [*]",
             "RoleBinding team-a/sky-api-role-binding: Role sky-api-role to "
             "ServiceAccount team-a/sky-api-sa",
             "Role skypilot-system/sky-system-role: apps/daemonsets [*]; "
             "rbac.authorization.k8s.io/roles,rolebindings [*]; "
             "core/serviceaccounts [*]",
             "RoleBinding skypilot-system/sky-system-role-binding: Role "
             "sky-system-role to ServiceAccount team-a/sky-api-sa",
             "ClusterRole sky-system-cluster-role: core/namespaces "
             "[get,list,watch,create] names skypilot-system",
             "ClusterRoleBinding sky-system-cluster-role-binding: ClusterRole "
             "sky-system-cluster-role to ServiceAccount team-a/sky-api-sa"}},
        RenderCase{
            "SystemComponentsWithoutRbacPolicies",
            "  manageRbacPolicies: false\n",
            {"Namespace skypilot-system", "ServiceAccount team-a/sky-api-sa",
             "ClusterRole sky-api-role: core/nodes [list]; "
             "storage.k8s.io/storageclasses [get,list,watch]",
             "ClusterRoleBinding sky-api-role-binding: ClusterRole "
             "sky-api-role to ServiceAccount team-a/sky-api-sa",
             "Role team-a/sky-api-role: core/pods [get]",
             "RoleBinding team-a/sky-api-role-binding: Role sky-api-role to "
             "ServiceAccount team-a/sky-api-sa",
             "Role skypilot-system/sky-system-role: apps/daemonsets [*]",
             "RoleBinding skypilot-system/sky-system-role-binding: Role "
             "sky-system-role to ServiceAccount team-a/sky-api-sa"}},
        RenderCase{
            "OwnAccountAndOtherRoleNamespace",
            "  manageRbacPolicies: false\n"
            "  manageSystemComponents: false\n"
            "  serviceAccountName: robot\n"
            "kubernetesCredentials:\n"
            "  inclusterNamespace: other\n",
            {"Namespace other", "ServiceAccount team-a/robot",
             "ClusterRole sky-api-role: core/nodes [list]; "
             "storage.k8s.io/storageclasses [get,list,watch]",
             "ClusterRoleBinding sky-api-role-binding: ClusterRole "
             "sky-api-role to ServiceAccount team-a/robot",
             "Role other/sky-api-role: core/pods [get]",
             "RoleBinding other/sky-api-role-binding: Role sky-api-role to "
             "ServiceAccount team-a/robot"}},
        RenderCase{
            "EmptyAndNullValuesTakeTheDefaults",
            "  manageRbacPolicies: false\n"
            "  manageSystemComponents: ~\n"
            "  serviceAccountName: \"\"\n",
            {"Namespace skypilot-system", "ServiceAccount team-a/sky-api-sa",
             "ClusterRole sky-api-role: core/nodes [list]; "
             "storage.k8s.io/storageclasses [get,list,watch]",
             "ClusterRoleBinding sky-api-role-binding: ClusterRole "
             "sky-api-role to ServiceAccount team-a/sky-api-sa",
             "Role team-a/sky-api-role: core/pods [get]",
             "RoleBinding team-a/sky-api-role-binding: Role "
             "sky-api-role to ServiceAccount team-a/sky-api-sa",
             "Role skypilot-system/sky-system-role: apps/daemonsets [*]",
             "RoleBinding skypilot-system/sky-system-role-binding: Role "
             "sky-system-role to ServiceAccount team-a/sky-api-sa"}},
        RenderCase{"RbacCreateFalse", "  create: false\n", {}}),
    [](const ::testing::TestParamInfo<RenderCase>& info) {
      return info.param.name;
    });

// rbac.manageRbacPolicies adds exactly the rules the chart documents, checked
// by evaluating requests: writing roles, role bindings and service accounts in
// the role namespace and in skypilot-system, writing cluster roles and their
// bindings, and reading and creating the skypilot-system namespace.
TEST(RenderSkyPilotChartRbacTest, ManageRbacPoliciesAddsExactlyItsRules) {
  const absl::StatusOr<RbacObjects> without = RenderSkyPilotChartRbac(
      absl::StrCat(kRuleValues, "  manageRbacPolicies: false\n"), kRelease);
  const absl::StatusOr<RbacObjects> with = RenderSkyPilotChartRbac(
      absl::StrCat(kRuleValues, "  manageRbacPolicies: true\n"), kRelease);
  ASSERT_TRUE(without.ok()) << without.status();
  ASSERT_TRUE(with.ok()) << with.status();

  const Subject account{"ServiceAccount", "sky-api-sa", "team-a"};
  RbacObjects documented;
  const auto add_role = [&](const std::string& namespace_name,
                            const std::vector<PolicyRule>& rules) {
    const std::string name = absl::StrCat("documented-", namespace_name);
    RoleObject role{{name, namespace_name, {}}, {}};
    for (const PolicyRule& rule : rules) role.rules.push_back({rule, {}});
    documented.roles.push_back(role);
    documented.bindings.push_back(
        {{name, namespace_name, {}},
         namespace_name.empty() ? "ClusterRole" : "Role",
         name,
         {account}});
  };
  const std::vector<PolicyRule> namespaced = {
      {{"rbac.authorization.k8s.io"}, {"roles", "rolebindings"}, {"*"}, {}, {}},
      {{""}, {"serviceaccounts"}, {"*"}, {}, {}}};
  add_role("team-a", namespaced);
  add_role("skypilot-system", namespaced);
  add_role("", {{{"rbac.authorization.k8s.io"},
                 {"clusterroles", "clusterrolebindings"},
                 {"*"},
                 {},
                 {}},
                {{""},
                 {"namespaces"},
                 {"get", "list", "watch", "create"},
                 {"skypilot-system"},
                 {}}});

  const std::vector<Request> universe =
      RequestUniverse({&*without, &*with, &documented});
  const UserInfo user = ServiceAccountUser("team-a", "sky-api-sa");
  const std::set<std::string> before =
      AllowedRequests(*without, user, universe);
  const std::set<std::string> after = AllowedRequests(*with, user, universe);
  EXPECT_TRUE(
      std::includes(after.begin(), after.end(), before.begin(), before.end()));
  std::set<std::string> added;
  std::set_difference(after.begin(), after.end(), before.begin(), before.end(),
                      std::inserter(added, added.end()));
  EXPECT_EQ(added, AllowedRequests(documented, user, universe));
}

struct ErrorCase {
  std::string name;
  std::string values;
  std::string message;
};

// Names the case in test failures.
void PrintTo(const ErrorCase& error, std::ostream* out) { *out << error.name; }

class RenderErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(RenderErrorTest, ReportsWhatIsWrong) {
  const absl::StatusOr<RbacObjects> objects =
      RenderSkyPilotChartRbac(GetParam().values, kRelease);
  ASSERT_FALSE(objects.ok());
  EXPECT_EQ(objects.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(objects.status().message(), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Values, RenderErrorTest,
    ::testing::Values(
        ErrorCase{"RuleListMissing", "rbac:\n  namespaceRules: []\n",
                  "values:1:1: rbac.clusterRules is not given: the chart's "
                  "default rules would apply, which this renderer does not "
                  "model"},
        ErrorCase{"NotABoolean", "rbac:\n  create: maybe\n",
                  "values:2:11: rbac.create is not a boolean"},
        ErrorCase{"UnknownRuleField",
                  "rbac:\n  clusterRules: []\n  namespaceRules:\n"
                  "    - verb: [get]\n",
                  "values:4:7: unknown field \"verb\" in a rule of "
                  "rbac.namespaceRules"},
        ErrorCase{"NotAMapping", "- rbac\n",
                  "values:1:1: the values are not a mapping"},
        ErrorCase{"MalformedYaml", "rbac: [\n",
                  "values:2:1: end of sequence flow not found"}),
    [](const ::testing::TestParamInfo<ErrorCase>& info) {
      return info.param.name;
    });

}  // namespace
}  // namespace rbacc::testing
