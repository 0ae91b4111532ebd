// Tests for reading Kubernetes RBAC YAML back into RbacObjects: every field of
// every kept kind, the YAML spellings that must read the same, what is skipped,
// and the position given for each kind of error.
#include "compiler/review/rbac_yaml_reader.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "compiler/common/limits.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace rbacc {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::SizeIs;
using ::testing::StartsWith;

// ["", "apps"]: quoted, so that the core group shows.
std::string ListString(const std::vector<std::string>& values) {
  return absl::StrCat(
      "[",
      absl::StrJoin(values, ", ",
                    [](std::string* out, const std::string& value) {
                      absl::StrAppend(out, "\"", value, "\"");
                    }),
      "]");
}

std::string RuleString(const PolicyRule& rule) {
  return absl::StrCat("{apiGroups: ", ListString(rule.api_groups),
                      ", resources: ", ListString(rule.resources),
                      ", verbs: ", ListString(rule.verbs),
                      ", resourceNames: ", ListString(rule.resource_names),
                      ", nonResourceURLs: ", ListString(rule.non_resource_urls),
                      "}");
}

// A rule read from YAML: `rule` (fields in PolicyRule order: apiGroups,
// resources, verbs, resourceNames, nonResourceURLs) and one source without a
// feature, naming the rule's resources or URLs.
MATCHER_P(IsRule, rule,
          absl::StrCat(negation ? "isn't " : "is ", RuleString(rule))) {
  *result_listener << "which is " << RuleString(arg.rule) << " with "
                   << arg.sources.size() << " sources";
  if (arg.sources.size() != 1 || !arg.sources[0].feature.empty()) return false;
  std::vector<std::string> targets =
      rule.non_resource_urls.empty() ? rule.resources : rule.non_resource_urls;
  std::sort(targets.begin(), targets.end());
  targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
  return arg.rule == rule && arg.sources[0].resources == targets;
}

MATCHER_P3(IsSubject, kind, name, namespace_name,
           absl::StrCat(negation ? "isn't " : "is ", kind, " ", name,
                        " in namespace \"", namespace_name, "\"")) {
  *result_listener << "which is " << arg.kind << " " << arg.name
                   << " in namespace \"" << arg.namespace_name << "\"";
  return arg.kind == kind && arg.name == name &&
         arg.namespace_name == namespace_name;
}

constexpr char kEveryKind[] = R"(# A manifest with every kind the reader keeps.
apiVersion: v1
kind: Namespace
metadata:
  name: team-a
  labels:
    parent: skypilot
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: sky-sa
  namespace: team-a
  labels: {parent: skypilot, tier: "1"}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: sky-sa-role
  namespace: team-a
rules:
  - apiGroups: [""]
    resources: [pods, pods/exec]
    verbs: ["*"]
  - apiGroups: ["apps"]
    resources: [deployments]
    resourceNames: [web]
    verbs: [get, patch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: sky-sa-rb
  namespace: team-a
subjects:
  - kind: User
    name: alice
    apiGroup: rbac.authorization.k8s.io
  - kind: ServiceAccount
    name: sky-sa
    namespace: team-a
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: sky-sa-role
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: sky-sa-cluster-role
rules:
  - nonResourceURLs: [/healthz, "/metrics/*"]
    verbs: [get]
  - apiGroups: [""]
    resources: [nodes]
    verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: sky-sa-crb
subjects:
  - kind: Group
    name: ml-team
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: sky-sa-cluster-role
)";

TEST(RbacYamlReaderTest, ReadsEveryFieldOfEveryKind) {
  const absl::StatusOr<RbacObjects> objects =
      ReadRbacYaml(kEveryKind, "rbac.yaml");
  ASSERT_TRUE(objects.ok()) << objects.status();

  ASSERT_THAT(objects->namespaces, SizeIs(1));
  EXPECT_EQ(objects->namespaces[0].name, "team-a");
  EXPECT_EQ(objects->namespaces[0].namespace_name, "");
  EXPECT_THAT(objects->namespaces[0].labels,
              ElementsAre(Pair("parent", "skypilot")));

  ASSERT_THAT(objects->service_accounts, SizeIs(1));
  EXPECT_EQ(objects->service_accounts[0].name, "sky-sa");
  EXPECT_EQ(objects->service_accounts[0].namespace_name, "team-a");
  EXPECT_THAT(objects->service_accounts[0].labels,
              ElementsAre(Pair("parent", "skypilot"), Pair("tier", "1")));

  ASSERT_THAT(objects->roles, SizeIs(2));
  const RoleObject& role = objects->roles[0];
  EXPECT_EQ(role.metadata.name, "sky-sa-role");
  EXPECT_EQ(role.metadata.namespace_name, "team-a");
  EXPECT_THAT(role.metadata.labels, IsEmpty());
  EXPECT_FALSE(role.is_cluster_role());
  EXPECT_THAT(
      role.rules,
      ElementsAre(
          IsRule(PolicyRule{{""}, {"pods", "pods/exec"}, {"*"}, {}, {}}),
          IsRule(PolicyRule{
              {"apps"}, {"deployments"}, {"get", "patch"}, {"web"}, {}})));
  const RoleObject& cluster_role = objects->roles[1];
  EXPECT_EQ(cluster_role.metadata.name, "sky-sa-cluster-role");
  EXPECT_TRUE(cluster_role.is_cluster_role());
  EXPECT_THAT(
      cluster_role.rules,
      ElementsAre(
          IsRule(PolicyRule{{}, {}, {"get"}, {}, {"/healthz", "/metrics/*"}}),
          IsRule(
              PolicyRule{{""}, {"nodes"}, {"get", "list", "watch"}, {}, {}})));

  ASSERT_THAT(objects->bindings, SizeIs(2));
  const BindingObject& binding = objects->bindings[0];
  EXPECT_EQ(binding.metadata.name, "sky-sa-rb");
  EXPECT_EQ(binding.metadata.namespace_name, "team-a");
  EXPECT_FALSE(binding.is_cluster_binding());
  EXPECT_EQ(binding.role_kind, "Role");
  EXPECT_EQ(binding.role_name, "sky-sa-role");
  // Sorted by kind, so ServiceAccount comes before User whatever the YAML's
  // order.
  EXPECT_THAT(binding.subjects,
              ElementsAre(IsSubject("ServiceAccount", "sky-sa", "team-a"),
                          IsSubject("User", "alice", "")));
  const BindingObject& cluster_binding = objects->bindings[1];
  EXPECT_EQ(cluster_binding.metadata.name, "sky-sa-crb");
  EXPECT_TRUE(cluster_binding.is_cluster_binding());
  EXPECT_EQ(cluster_binding.role_kind, "ClusterRole");
  EXPECT_EQ(cluster_binding.role_name, "sky-sa-cluster-role");
  EXPECT_THAT(cluster_binding.subjects,
              ElementsAre(IsSubject("Group", "ml-team", "")));
}

TEST(RbacYamlReaderTest, ClusterScopedObjectsGetNoNamespace) {
  const absl::StatusOr<RbacObjects> objects = ReadRbacYaml(
      R"(kind: ClusterRole
metadata: {name: reader, namespace: default}
---
kind: ClusterRoleBinding
metadata: {name: reader-binding, namespace: default}
roleRef: {kind: ClusterRole, name: reader}
---
kind: Namespace
metadata: {name: team-a, namespace: default}
)",
      "rbac.yaml");
  ASSERT_TRUE(objects.ok()) << objects.status();
  ASSERT_THAT(objects->roles, SizeIs(1));
  EXPECT_EQ(objects->roles[0].metadata.namespace_name, "");
  EXPECT_TRUE(objects->roles[0].is_cluster_role());
  ASSERT_THAT(objects->bindings, SizeIs(1));
  EXPECT_EQ(objects->bindings[0].metadata.namespace_name, "");
  EXPECT_TRUE(objects->bindings[0].is_cluster_binding());
  ASSERT_THAT(objects->namespaces, SizeIs(1));
  EXPECT_EQ(objects->namespaces[0].namespace_name, "");
}

struct SpellingCase {
  std::string name;
  std::string yaml;
};

TEST(RbacYamlReaderTest, SpellingsOfTheSameRuleReadTheSame) {
  const std::vector<SpellingCase> cases = {
      {"Flow", R"(kind: ClusterRole
metadata: {name: r}
rules: [{apiGroups: ["", apps], resources: [pods, deployments], verbs: [get, list]}]
)"},
      {"Block", R"(kind: ClusterRole
metadata:
  name: r
rules:
- apiGroups:
  - ""
  - apps
  resources:
    - pods
    - deployments
  verbs:
  - get
  - list
)"},
      {"QuotedAndCommented", R"(# leading comment
kind: "ClusterRole"  # trailing comment
metadata:
  # comment inside a map
  name: 'r'
rules:
  # comment inside a list
  - apiGroups: [ "" , "apps" ]  # core and apps
    resources: [ 'pods', "deployments" ]
    # between keys
    verbs: [ get,
             list ]  # a flow list over two lines
# trailing comment
)"},
  };
  for (const SpellingCase& test_case : cases) {
    SCOPED_TRACE(test_case.name);
    const absl::StatusOr<RbacObjects> objects =
        ReadRbacYaml(test_case.yaml, "rbac.yaml");
    ASSERT_TRUE(objects.ok()) << objects.status();
    ASSERT_THAT(objects->roles, SizeIs(1));
    EXPECT_EQ(objects->roles[0].metadata.name, "r");
    EXPECT_THAT(
        objects->roles[0].rules,
        ElementsAre(IsRule(PolicyRule{
            {"", "apps"}, {"pods", "deployments"}, {"get", "list"}, {}, {}})));
  }
}

TEST(RbacYamlReaderTest, ScalarsReadAsWritten) {
  const absl::StatusOr<RbacObjects> objects = ReadRbacYaml(
      R"(kind: ClusterRole
metadata: {name: r}
rules:
  - apiGroups: [""]
    resources: ['*']
    resourceNames: [007, yes, "null", 1.50]
    verbs: ["*"]
)",
      "rbac.yaml");
  ASSERT_TRUE(objects.ok()) << objects.status();
  ASSERT_THAT(objects->roles, SizeIs(1));
  EXPECT_THAT(objects->roles[0].rules,
              ElementsAre(IsRule(PolicyRule{
                  {""}, {"*"}, {"*"}, {"007", "yes", "null", "1.50"}, {}})));
}

TEST(RbacYamlReaderTest, AbsentRulesAreNoRules) {
  const std::vector<SpellingCase> cases = {
      {"Missing", "kind: ClusterRole\nmetadata: {name: r}\n"},
      {"Null", "kind: ClusterRole\nmetadata: {name: r}\nrules: null\n"},
      {"Tilde", "kind: ClusterRole\nmetadata: {name: r}\nrules: ~\n"},
      {"Empty", "kind: ClusterRole\nmetadata: {name: r}\nrules:\n"},
      {"EmptyList", "kind: ClusterRole\nmetadata: {name: r}\nrules: []\n"},
      {"Aggregated",
       "kind: ClusterRole\nmetadata: {name: r}\naggregationRule:\n"
       "  clusterRoleSelectors: [{matchLabels: {a: b}}]\n"},
  };
  for (const SpellingCase& test_case : cases) {
    SCOPED_TRACE(test_case.name);
    const absl::StatusOr<RbacObjects> objects =
        ReadRbacYaml(test_case.yaml, "rbac.yaml");
    ASSERT_TRUE(objects.ok()) << objects.status();
    ASSERT_THAT(objects->roles, SizeIs(1));
    EXPECT_THAT(objects->roles[0].rules, IsEmpty());
  }
}

TEST(RbacYamlReaderTest, SkipsEmptyDocumentsAndOtherKinds) {
  const absl::StatusOr<RbacObjects> objects = ReadRbacYaml(
      R"(---
---
# only a comment
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
---
metadata: {name: no-kind}
rules: [{verbs: [get]}]
---
kind: ClusterRole
metadata: {name: kept}
---
)",
      "rbac.yaml");
  ASSERT_TRUE(objects.ok()) << objects.status();
  ASSERT_THAT(objects->roles, SizeIs(1));
  EXPECT_EQ(objects->roles[0].metadata.name, "kept");
  EXPECT_THAT(objects->namespaces, IsEmpty());
  EXPECT_THAT(objects->service_accounts, IsEmpty());
  EXPECT_THAT(objects->bindings, IsEmpty());
}

TEST(RbacYamlReaderTest, EmptyInputReadsNothing) {
  for (const char* yaml : {"", "\n", "# nothing\n", "---\n"}) {
    SCOPED_TRACE(yaml);
    const absl::StatusOr<RbacObjects> objects = ReadRbacYaml(yaml, "rbac.yaml");
    ASSERT_TRUE(objects.ok()) << objects.status();
    EXPECT_THAT(objects->namespaces, IsEmpty());
    EXPECT_THAT(objects->service_accounts, IsEmpty());
    EXPECT_THAT(objects->roles, IsEmpty());
    EXPECT_THAT(objects->bindings, IsEmpty());
  }
}

TEST(RbacYamlReaderTest, ReadsTheItemsOfLists) {
  const absl::StatusOr<RbacObjects> objects = ReadRbacYaml(
      R"(apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Pod
    metadata: {name: web}
  - apiVersion: rbac.authorization.k8s.io/v1
    kind: Role
    metadata: {name: reader, namespace: team-a}
    rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
  -
  - kind: List
    items:
      - kind: RoleBinding
        metadata: {name: reader-binding, namespace: team-a}
        subjects: [{kind: ServiceAccount, name: sky-sa, namespace: team-a}]
        roleRef: {kind: Role, name: reader}
metadata:
  resourceVersion: ""
---
kind: List
items: []
)",
      "rbac.yaml");
  ASSERT_TRUE(objects.ok()) << objects.status();
  ASSERT_THAT(objects->roles, SizeIs(1));
  EXPECT_EQ(objects->roles[0].metadata.name, "reader");
  EXPECT_EQ(objects->roles[0].metadata.namespace_name, "team-a");
  EXPECT_THAT(objects->roles[0].rules,
              ElementsAre(IsRule(PolicyRule{{""}, {"pods"}, {"get"}, {}, {}})));
  ASSERT_THAT(objects->bindings, SizeIs(1));
  EXPECT_EQ(objects->bindings[0].metadata.name, "reader-binding");
  EXPECT_EQ(objects->bindings[0].role_name, "reader");
  EXPECT_THAT(objects->bindings[0].subjects,
              ElementsAre(IsSubject("ServiceAccount", "sky-sa", "team-a")));
}

// The SkyPilot documentation page's RoleBinding (verbatim), whose subject has
// no namespace, and its ClusterRoleBinding (shortened), which sets one.
TEST(RbacYamlReaderTest, ReadsSkyPilotPageBindings) {
  const absl::StatusOr<RbacObjects> objects = ReadRbacYaml(
      R"(kind: RoleBinding
apiVersion: rbac.authorization.k8s.io/v1
metadata:
  name: sky-sa-rb  # Can be changed if needed
  namespace: default
subjects:
  - kind: ServiceAccount
    name: sky-sa
roleRef:
  kind: Role
  name: sky-sa-role
  apiGroup: rbac.authorization.k8s.io
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: sky-sa-cluster-role-binding  # Can be changed if needed
  namespace: default  # Change to your namespace if using a different one.
subjects:
  - kind: ServiceAccount
    name: sky-sa  # Change to your service account name
    namespace: default  # Change to your namespace if using a different one.
roleRef:
  kind: ClusterRole
  name: sky-sa-cluster-role  # Use the same name as the cluster role at line 43
  apiGroup: rbac.authorization.k8s.io
)",
      "create-sky-sa.yaml");
  ASSERT_TRUE(objects.ok()) << objects.status();
  ASSERT_THAT(objects->bindings, SizeIs(2));
  const BindingObject& binding = objects->bindings[0];
  EXPECT_EQ(binding.metadata.name, "sky-sa-rb");
  EXPECT_EQ(binding.metadata.namespace_name, "default");
  EXPECT_EQ(binding.role_kind, "Role");
  EXPECT_EQ(binding.role_name, "sky-sa-role");
  EXPECT_THAT(binding.subjects,
              ElementsAre(IsSubject("ServiceAccount", "sky-sa", "")));
  const BindingObject& cluster_binding = objects->bindings[1];
  EXPECT_EQ(cluster_binding.metadata.name, "sky-sa-cluster-role-binding");
  EXPECT_EQ(cluster_binding.metadata.namespace_name, "");
  EXPECT_EQ(cluster_binding.role_kind, "ClusterRole");
  EXPECT_EQ(cluster_binding.role_name, "sky-sa-cluster-role");
  EXPECT_THAT(cluster_binding.subjects,
              ElementsAre(IsSubject("ServiceAccount", "sky-sa", "default")));
}

struct ErrorCase {
  std::string name;
  std::string yaml;
  // "rbac.yaml:<line>:<col>: ", 1-based.
  std::string position;
  std::string message;
};

TEST(RbacYamlReaderTest, ErrorsGiveTheirPosition) {
  const std::vector<ErrorCase> cases = {
      // yaml-cpp notices the missing `]` where the input ends.
      {"UnterminatedFlowSequence",
       "kind: Role\n"
       "metadata: {name: r, namespace: ns}\n"
       "rules: [\n",
       "rbac.yaml:4:1: ", "end of sequence flow not found"},
      // yaml-cpp 0.7's YAML::LoadAll would loop forever on this.
      {"StrayComma",
       "kind: Namespace\n"
       "metadata: {name: ns}\n"
       "---\n"
       ", kind: Namespace\n",
       "rbac.yaml:4:1: ", "a YAML document cannot start with \",\""},
      {"TabIndentation",
       "kind: Role\n"
       "metadata:\n"
       "  name: r\n"
       "\tnamespace: ns\n",
       "rbac.yaml:4:1: ", "illegal tab when looking for indentation"},
      // A tab under a key reads as a value that is not a map.
      {"TabIndentationUnderAKey",
       "kind: Role\n"
       "metadata:\n"
       "\tname: r\n",
       "rbac.yaml:3:6: ", "illegal map value"},
      {"RulesNotAList",
       "kind: Role\n"
       "metadata: {name: r, namespace: ns}\n"
       "rules: 5\n",
       "rbac.yaml:3:8: ", "rules must be a list, not the scalar \"5\""},
      {"VerbsNotAList",
       "kind: Role\n"
       "metadata: {name: r, namespace: ns}\n"
       "rules:\n"
       "  - resources: [pods]\n"
       "    verbs: get\n",
       "rbac.yaml:5:12: ",
       "rules[0].verbs must be a list of strings, not the scalar \"get\""},
      {"RuleNotAMap",
       "kind: ClusterRole\n"
       "metadata: {name: r}\n"
       "rules: [get]\n",
       "rbac.yaml:3:9: ", "rules[0] must be a map, not the scalar \"get\""},
      {"ListInsideAList",
       "kind: ClusterRole\n"
       "metadata: {name: r}\n"
       "rules:\n"
       "  - verbs: [get]\n"
       "  - apiGroups: [[apps]]\n",
       "rbac.yaml:5:17: ",
       "rules[1].apiGroups[0] must be a string, not a list"},
      {"RepeatedKey",
       "kind: ClusterRole\n"
       "metadata: {name: r}\n"
       "rules:\n"
       "  - verbs: [get]\n"
       "    resources: [pods]\n"
       "    verbs: [delete]\n",
       "rbac.yaml:6:5: ", "rules[0] repeats the key \"verbs\""},
      {"MergeKey",
       "kind: ClusterRole\n"
       "metadata: {name: r}\n"
       "rules:\n"
       "  - &pods {apiGroups: [\"\"], resources: [pods], verbs: [get]}\n"
       "  - <<: *pods\n"
       "    verbs: [delete]\n",
       "rbac.yaml:5:5: ", "rules[1] uses a YAML merge key (<<)"},
      {"TopLevelList",
       "kind: Namespace\n"
       "metadata: {name: ns}\n"
       "---\n"
       "- kind: Namespace\n"
       "  metadata: {name: other}\n",
       "rbac.yaml:4:1: ",
       "document 2 must be a Kubernetes object (a map), not a list"},
      {"TopLevelScalar", "just text\n", "rbac.yaml:1:1: ",
       "document 1 must be a Kubernetes object (a map), not the scalar "
       "\"just text\""},
      {"NoName",
       "kind: Namespace\n"
       "metadata: {name: ns}\n"
       "---\n"
       "kind: ClusterRole\n"
       "metadata:\n"
       "  labels: {a: b}\n",
       "rbac.yaml:4:1: ", "ClusterRole object has no metadata.name"},
      {"NoMetadata", "kind: ServiceAccount\n",
       "rbac.yaml:1:1: ", "ServiceAccount object has no metadata.name"},
      {"NameNotAString",
       "kind: Namespace\n"
       "metadata:\n"
       "  name: {a: b}\n",
       "rbac.yaml:3:9: ", "metadata.name must be a string, not a map"},
      {"LabelsNotAMap",
       "kind: Namespace\n"
       "metadata:\n"
       "  name: ns\n"
       "  labels: [a]\n",
       "rbac.yaml:4:11: ", "metadata.labels must be a map, not a list"},
      {"RoleWithoutNamespace",
       "kind: Role\n"
       "metadata: {name: r}\n",
       "rbac.yaml:1:1: ", "Role \"r\" has no metadata.namespace"},
      {"BindingWithoutRoleRef",
       "kind: RoleBinding\n"
       "metadata: {name: b, namespace: ns}\n"
       "subjects: []\n",
       "rbac.yaml:1:1: ", "RoleBinding \"b\" has no roleRef"},
      {"RoleRefWithoutName",
       "kind: ClusterRoleBinding\n"
       "metadata: {name: b}\n"
       "roleRef: {kind: ClusterRole}\n",
       "rbac.yaml:3:10: ", "roleRef.name is not set"},
      {"SubjectWithoutName",
       "kind: ClusterRoleBinding\n"
       "metadata: {name: b}\n"
       "subjects:\n"
       "  - kind: User\n"
       "    name: alice\n"
       "  - kind: Group\n"
       "roleRef: {kind: ClusterRole, name: r}\n",
       "rbac.yaml:6:5: ", "subjects[1].name is not set"},
      {"ListItemsNotAList",
       "kind: List\n"
       "items: 5\n",
       "rbac.yaml:2:8: ", "items must be a list, not the scalar \"5\""},
      {"ErrorInAListItem",
       "kind: List\n"
       "items:\n"
       "  - kind: Role\n"
       "    metadata: {name: r, namespace: ns}\n"
       "  - [not, an, object]\n",
       "rbac.yaml:5:5: ",
       "document 1 items[1] must be a Kubernetes object (a map), not a list"},
      {"SelectorOperatorUnknown",
       "kind: ClusterRole\n"
       "metadata: {name: r}\n"
       "aggregationRule:\n"
       "  clusterRoleSelectors:\n"
       "    - matchExpressions:\n"
       "        - {key: a, operator: Matches, values: [x]}\n",
       "rbac.yaml:6:11: ",
       "aggregationRule.clusterRoleSelectors[0].matchExpressions[0].operator "
       "\"Matches\" is not In, NotIn, Exists or DoesNotExist"},
      {"SelectorInWithoutValues",
       "kind: ClusterRole\n"
       "metadata: {name: r}\n"
       "aggregationRule:\n"
       "  clusterRoleSelectors:\n"
       "    - matchExpressions: [{key: a, operator: In}]\n",
       "rbac.yaml:5:26: ", "operator In needs at least one value"},
      {"SelectorsNotAList",
       "kind: ClusterRole\n"
       "metadata: {name: r}\n"
       "aggregationRule: {clusterRoleSelectors: {matchLabels: {a: b}}}\n",
       "rbac.yaml:3:41: ",
       "aggregationRule.clusterRoleSelectors must be a list, not a map"},
  };
  for (const ErrorCase& test_case : cases) {
    SCOPED_TRACE(test_case.name);
    const absl::StatusOr<RbacObjects> objects =
        ReadRbacYaml(test_case.yaml, "rbac.yaml");
    ASSERT_FALSE(objects.ok());
    EXPECT_EQ(objects.status().code(), absl::StatusCode::kInvalidArgument);
    const std::string message(objects.status().message());
    EXPECT_THAT(message, StartsWith(test_case.position));
    EXPECT_THAT(message, HasSubstr(test_case.message));
  }
}

TEST(RbacYamlReaderTest, RulesKeepTheirPlaceAndComments) {
  const absl::StatusOr<RbacObjects> objects = ReadRbacYaml(R"(kind: Role
apiVersion: rbac.authorization.k8s.io/v1
metadata: {name: r, namespace: ns}
rules:
  # Required for pods
  # and their logs.
  - apiGroups: [""]
    resources: ["pods", "pods/log"]  # read only
    verbs: ["get"]
  - apiGroups: ["#not-a-comment"]  # after a "quoted # sign"
    resources: [x]
    verbs: [get]
  - apiGroups: [""]
    resources: [events]
    verbs: [list]
)",
                                                           "page.yaml");
  ASSERT_TRUE(objects.ok()) << objects.status();
  const std::vector<CompiledRule>& rules = objects->roles[0].rules;
  ASSERT_EQ(rules.size(), 3u);
  EXPECT_EQ(rules[0].sources[0].reason,
            "Required for pods and their logs. read only");
  EXPECT_EQ(rules[0].sources[0].location.ToString(), "page.yaml:7:5");
  EXPECT_EQ(rules[1].sources[0].reason, "after a \"quoted # sign\"");
  EXPECT_EQ(rules[1].rule.api_groups,
            std::vector<std::string>{"#not-a-comment"});
  EXPECT_EQ(rules[2].sources[0].reason, "");
}

// A document of `rules` (a YAML list) in a ClusterRole.
std::string ClusterRoleWithRules(const std::string& rules) {
  return absl::StrCat("kind: ClusterRole\nmetadata:\n  name: r\nrules:\n",
                      rules);
}

TEST(RbacYamlLimitsTest, AliasesWithinTheLimitAreExpanded) {
  const absl::StatusOr<RbacObjects> objects = ReadRbacYaml(
      ClusterRoleWithRules("- {apiGroups: [''], resources: [pods], "
                           "verbs: &read [get, list]}\n"
                           "- {apiGroups: [apps], resources: [deployments], "
                           "verbs: *read}\n"),
      "r.yaml");
  ASSERT_TRUE(objects.ok()) << objects.status();
  ASSERT_THAT(objects->roles, SizeIs(1));
  ASSERT_THAT(objects->roles[0].rules, SizeIs(2));
  EXPECT_THAT(objects->roles[0].rules[1].rule.verbs,
              ElementsAre("get", "list"));
}

TEST(RbacYamlLimitsTest, AliasExpansionBeyondTheLimitIsRefused) {
  // Each level names the one before ten times: 10^7 verbs in a few lines.
  std::string text =
      "x0: &a0 [get, list, watch, create, update, patch, "
      "delete, use, bind, escalate]\n";
  for (int level = 1; level <= 6; ++level) {
    absl::StrAppend(&text, "x", level, ": &a", level, " [");
    for (int i = 0; i < 10; ++i) {
      absl::StrAppend(&text, i == 0 ? "" : ", ", "*a", level - 1);
    }
    absl::StrAppend(&text, "]\n");
  }
  const absl::StatusOr<RbacObjects> objects = ReadRbacYaml(
      absl::StrCat(text, ClusterRoleWithRules("- verbs: *a6\n")), "b.yaml");
  EXPECT_EQ(objects.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(objects.status().message()), StartsWith("b.yaml:"));
  EXPECT_THAT(std::string(objects.status().message()),
              HasSubstr(absl::StrCat("more than ", kMaxYamlExpandedNodes,
                                     " nodes once its aliases are expanded")));
}

TEST(RbacYamlLimitsTest, NestingBeyondTheLimitIsRefusedWhereItStarts) {
  const std::string deep =
      std::string(kMaxYamlDepth, '[') + "x" + std::string(kMaxYamlDepth, ']');
  const absl::StatusOr<RbacObjects> too_deep =
      ReadRbacYaml(absl::StrCat("a: [", deep, "]\n"), "d.yaml");
  EXPECT_THAT(std::string(too_deep.status().message()),
              StartsWith("d.yaml:1:"));
  EXPECT_THAT(std::string(too_deep.status().message()),
              HasSubstr(absl::StrCat(": maps and lists nest more than ",
                                     kMaxYamlDepth, " deep here")));
  // At the limit: read (and skipped, as it is no RBAC object).
  EXPECT_TRUE(
      ReadRbacYaml(absl::StrCat("a: ", deep.substr(1, deep.size() - 2), "\n"),
                   "d.yaml")
          .ok());
}

TEST(RbacYamlReaderTest, ReadsAggregationRules) {
  const absl::StatusOr<RbacObjects> objects = ReadRbacYaml(R"(kind: ClusterRole
apiVersion: rbac.authorization.k8s.io/v1
metadata: {name: monitoring}
aggregationRule:
  clusterRoleSelectors:
    - matchLabels:
        rbac.example.com/aggregate-to-monitoring: "true"
    - matchExpressions:
        - {key: tier, operator: NotIn, values: [db, cache]}
        - {key: team, operator: Exists}
rules: []
---
kind: ClusterRole
apiVersion: rbac.authorization.k8s.io/v1
metadata: {name: plain}
)",
                                                           "agg.yaml");
  ASSERT_TRUE(objects.ok()) << objects.status();
  ASSERT_THAT(objects->roles, SizeIs(2));
  const RoleObject& monitoring = objects->roles[0];
  EXPECT_TRUE(monitoring.has_aggregation_rule);
  ASSERT_THAT(monitoring.aggregation_selectors, SizeIs(2));
  EXPECT_THAT(
      monitoring.aggregation_selectors[0].match_labels,
      ElementsAre(Pair("rbac.example.com/aggregate-to-monitoring", "true")));
  const std::vector<LabelRequirement>& expressions =
      monitoring.aggregation_selectors[1].match_expressions;
  ASSERT_THAT(expressions, SizeIs(2));
  EXPECT_EQ(expressions[0].key, "tier");
  EXPECT_EQ(expressions[0].op, "NotIn");
  EXPECT_THAT(expressions[0].values, ElementsAre("db", "cache"));
  EXPECT_EQ(expressions[1].op, "Exists");
  EXPECT_THAT(expressions[1].values, IsEmpty());
  EXPECT_FALSE(objects->roles[1].has_aggregation_rule);
}

}  // namespace
}  // namespace rbacc
