// Tests for the lint checks: for each, a rule that must fire it and one that
// must not, and acknowledgements.
#include "compiler/lint/lint.h"

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "compiler/lint/broad_subject.h"
#include "compiler/lint/system_namespace.h"
#include "compiler/load/text_format_reader.h"
#include "compiler/merge/compact.h"
#include "compiler/merge/compile.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace rbacc {
namespace {

struct LintCase {
  std::string name;
  // A Rule in text format.
  std::string rule;
  // True: a cluster rule; false: a rule in the target namespace.
  bool cluster;
  // The check IDs expected, sorted.
  std::vector<std::string> expected;
};

// Lints one feature holding one rule; returns the IDs found, sorted.
LintResult LintOneRule(
    const std::string& rule_text, bool cluster,
    const std::vector<std::string>& extra_cluster_rules = {}) {
  LoadedBundle bundle;
  LoadedFeature feature;
  feature.proto.set_name("f");
  feature.source.display_path = "f.textproto";
  std::vector<DeclaredRule> cluster_rules;
  const auto add = [&](const std::string& text, bool to_cluster) {
    v1::Rule* rule = to_cluster ? feature.proto.add_cluster_rules()
                                : feature.proto.add_namespace_rules();
    EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, rule))
        << text;
    if (to_cluster) cluster_rules.push_back({ToPolicyRule(*rule), {}});
  };
  add(rule_text, cluster);
  for (const std::string& text : extra_cluster_rules) add(text, true);
  bundle.features.emplace("f", feature);

  CompiledPolicy policy;
  policy.selection.features = {"f"};
  policy.selection.namespaces = {"default"};
  if (!cluster_rules.empty()) {
    ScopedRole role;
    role.scope = RoleScope::kCluster;
    role.rules = CompactRules(cluster_rules);
    policy.roles.push_back(role);
  }
  absl::StatusOr<ResourceCatalog> catalog = ResourceCatalog::Builtin();
  EXPECT_TRUE(catalog.ok());
  return LintPolicy(bundle, policy, *catalog);
}

std::vector<std::string> Ids(const LintResult& result) {
  std::set<std::string> ids;
  for (const LintFinding& finding : result.findings)
    ids.insert(finding.check->id);
  return std::vector<std::string>(ids.begin(), ids.end());
}

class LintTableTest : public ::testing::TestWithParam<LintCase> {};

TEST_P(LintTableTest, FindsExactlyTheExpectedChecks) {
  EXPECT_EQ(Ids(LintOneRule(GetParam().rule, GetParam().cluster)),
            GetParam().expected)
      << GetParam().rule;
}

constexpr char kReadPods[] =
    R"(api_groups: "" resources: "pods" verbs: ["get", "list"] reason: "r")";

INSTANTIATE_TEST_SUITE_P(
    Checks, LintTableTest,
    ::testing::Values(
        LintCase{"ReadingPodsIsFine", kReadPods, true, {}},
        LintCase{
            "WildcardVerbs",
            R"(api_groups: "" resources: "services" verbs: "*" reason: "r")",
            false,
            {"wildcard-verbs"}},
        LintCase{
            "WildcardResources",
            R"(api_groups: "apps" resources: "*" verbs: "get" reason: "r")",
            false,
            {"wildcard-resources"}},
        LintCase{
            "WildcardGroups",
            R"(api_groups: "*" resources: "deployments" verbs: "get" reason: "r")",
            false,
            {"wildcard-api-groups"}},
        LintCase{
            "SecretsReadClusterWide",
            R"(api_groups: "" resources: "secrets" verbs: "list" reason: "r")",
            true,
            {"secrets-read-cluster-wide"}},
        LintCase{
            "SecretsReadInANamespaceIsFine",
            R"(api_groups: "" resources: "secrets" verbs: "list" reason: "r")",
            false,
            {}},
        LintCase{
            "SecretsWriteOnlyClusterWideIsNotARead",
            R"(api_groups: "" resources: "secrets" verbs: "create" reason: "r")",
            true,
            {}},
        LintCase{
            "PodsExec",
            R"(api_groups: "" resources: "pods/exec" verbs: "create" reason: "r")",
            false,
            {"pods-exec"}},
        LintCase{
            "PodsExecThroughStarSubresource",
            R"(api_groups: "" resources: "*/exec" verbs: "get" reason: "r")",
            false,
            {"pods-exec", "wildcard-resources"}},
        LintCase{
            "PodsAttach",
            R"(api_groups: "" resources: "pods/attach" verbs: "create" reason: "r")",
            false,
            {"pods-attach"}},
        LintCase{
            "PodsPortforward",
            R"(api_groups: "" resources: "pods/portforward" verbs: "create" reason: "r")",
            false,
            {"pods-portforward"}},
        LintCase{
            "PodsEphemeralContainers",
            R"(api_groups: "" resources: "pods/ephemeralcontainers" verbs: "patch" reason: "r")",
            false,
            {"pods-ephemeralcontainers"}},
        LintCase{
            "PodsLogIsFine",
            R"(api_groups: "" resources: "pods/log" verbs: "get" reason: "r")",
            false,
            {}},
        LintCase{
            "NodesProxy",
            R"(api_groups: "" resources: "nodes/proxy" verbs: "get" reason: "r")",
            true,
            {"nodes-proxy"}},
        LintCase{
            "Escalate",
            R"(api_groups: "rbac.authorization.k8s.io" resources: "clusterroles" verbs: "escalate" reason: "r")",
            true,
            {"escalate-verb"}},
        LintCase{
            "Bind",
            R"(api_groups: "rbac.authorization.k8s.io" resources: "roles" verbs: "bind" reason: "r")",
            false,
            {"bind-verb"}},
        LintCase{
            "Impersonate",
            R"(api_groups: "" resources: "users" verbs: "impersonate" reason: "r")",
            true,
            {"impersonate-verb"}},
        LintCase{
            "RbacWrite",
            R"(api_groups: "rbac.authorization.k8s.io" resources: "rolebindings" verbs: "create" reason: "r")",
            false,
            {"rbac-write"}},
        LintCase{
            "RbacReadIsFine",
            R"(api_groups: "rbac.authorization.k8s.io" resources: ["roles", "rolebindings"] verbs: ["get", "list", "watch"] reason: "r")",
            false,
            {}},
        LintCase{
            "ServiceAccountTokenCreate",
            R"(api_groups: "" resources: "serviceaccounts/token" verbs: "create" reason: "r")",
            false,
            {"serviceaccount-token-create"}},
        LintCase{
            "CsrApprove",
            R"(api_groups: "certificates.k8s.io" resources: "signers" verbs: "approve" reason: "r")",
            true,
            {"csr-approve"}},
        LintCase{
            "CsrApprovalSubresource",
            R"(api_groups: "certificates.k8s.io" resources: "certificatesigningrequests/approval" verbs: "update" reason: "r")",
            true,
            {"csr-approve"}},
        LintCase{
            "ClusterPodCreate",
            R"(api_groups: "" resources: "pods" verbs: "create" reason: "r")",
            true,
            {"cluster-workload-create"}},
        LintCase{
            "ClusterDeploymentCreate",
            R"(api_groups: "apps" resources: "deployments" verbs: "create" reason: "r")",
            true,
            {"cluster-workload-create"}},
        LintCase{
            "NamespacedPodCreateIsFine",
            R"(api_groups: "" resources: "pods" verbs: "create" reason: "r")",
            false,
            {}},
        LintCase{
            "AdmissionWebhookWrite",
            R"(api_groups: "admissionregistration.k8s.io" resources: "validatingwebhookconfigurations" verbs: "update" reason: "r")",
            true,
            {"admission-webhook-write"}},
        LintCase{
            "CrdWrite",
            R"(api_groups: "apiextensions.k8s.io" resources: "customresourcedefinitions" verbs: "create" reason: "r")",
            true,
            {"crd-write"}},
        LintCase{
            "CrdReadIsFine",
            R"(api_groups: "apiextensions.k8s.io" resources: "customresourcedefinitions" verbs: "get" reason: "r")",
            true,
            {}}),
    [](const ::testing::TestParamInfo<LintCase>& info) {
      return info.param.name;
    });

TEST(LintTest, NamespacedRuleCoveredByClusterRule) {
  EXPECT_EQ(Ids(LintOneRule(kReadPods, false, {kReadPods})),
            std::vector<std::string>{"namespaced-covered-by-cluster"});
  EXPECT_TRUE(
      Ids(LintOneRule(
              R"(api_groups: "" resources: "pods" verbs: "delete" reason: "r")",
              false, {kReadPods}))
          .empty());
}

TEST(LintTest, AllowAcknowledgesItsFindingOnly) {
  const LintResult result = LintOneRule(
      R"(api_groups: "" resources: "pods/exec" verbs: "*" reason: "r"
         allow { id: "pods-exec" reason: "Runs job commands." })",
      false);
  ASSERT_EQ(result.findings.size(), 2u);
  for (const LintFinding& finding : result.findings) {
    const bool is_exec = std::string(finding.check->id) == "pods-exec";
    EXPECT_EQ(finding.acknowledged, is_exec) << finding.check->id;
    EXPECT_EQ(finding.acknowledgement, is_exec ? "Runs job commands." : "");
    EXPECT_EQ(finding.feature, "f");
  }
  EXPECT_TRUE(result.unused_allowances.empty());
}

TEST(LintTest, UnusedAllowanceIsReported) {
  const LintResult result = LintOneRule(
      R"(api_groups: "" resources: "pods" verbs: "get" reason: "r"
         allow { id: "pods-exec" reason: "Not needed any more." })",
      false);
  EXPECT_TRUE(result.findings.empty());
  ASSERT_EQ(result.unused_allowances.size(), 1u);
  EXPECT_EQ(result.unused_allowances[0].id, "pods-exec");
}

TEST(LintTest, WildcardVerbsSuggestsTheServedVerbs) {
  const LintResult result = LintOneRule(
      R"(api_groups: "" resources: "pods/log" verbs: "*" reason: "r")", false);
  ASSERT_EQ(result.findings.size(), 1u);
  EXPECT_EQ(result.findings[0].suggestion,
            "verbs: [\"get\"], less the ones the application does not use");
}

// The scope a finding's message names: "cluster-wide" or "in namespace
// default" (or "?").
std::string ScopeOf(const std::string& message) {
  for (const char* scope : {"cluster-wide", "in namespace default"}) {
    if (absl::StrContains(message, scope)) return scope;
  }
  return "?";
}

// Lints feature "f" of `bundle` for namespace default, without a ClusterRole.
LintResult LintFeatureF(const LoadedBundle& bundle) {
  CompiledPolicy policy;
  policy.selection.features = {"f"};
  policy.selection.namespaces = {"default"};
  absl::StatusOr<ResourceCatalog> catalog = ResourceCatalog::Builtin();
  EXPECT_TRUE(catalog.ok());
  return LintPolicy(bundle, policy, *catalog);
}

TEST(LintTest, FindingsOfRulesWithoutPositionsSortByIdThenDeclaration) {
  // Without recorded positions every rule is located at the file: findings
  // sort by ID, those of one ID in declaration order.
  LoadedBundle bundle;
  LoadedFeature& feature = bundle.features["f"];
  feature.proto.set_name("f");
  feature.source.display_path = "f.textproto";
  for (const auto& [text, cluster] : std::vector<std::pair<std::string, bool>>{
           {R"(api_groups: "" resources: "pods/exec" verbs: "get")", false},
           {R"(api_groups: "" resources: "services" verbs: "*")", false},
           {R"(api_groups: "" resources: "pods/exec" verbs: "get")", true}}) {
    v1::Rule* rule = cluster ? feature.proto.add_cluster_rules()
                             : feature.proto.add_namespace_rules();
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(text, rule));
  }
  const LintResult result = LintFeatureF(bundle);
  std::vector<std::string> found;
  for (const LintFinding& finding : result.findings) {
    EXPECT_EQ(finding.location.ToString(), "f.textproto");
    found.push_back(
        absl::StrCat(finding.check->id, " ", ScopeOf(finding.message)));
  }
  EXPECT_EQ(found,
            (std::vector<std::string>{"pods-exec in namespace default",
                                      "pods-exec cluster-wide",
                                      "wildcard-verbs in namespace default"}));
}

TEST(LintTest, FindingsOfManyRulesAreInOrderOfPlaceThenId) {
  // More rules than one lint task takes, namespace and cluster rules
  // interleaved in the file: rule k is on line k; every rule grants pods/exec,
  // every third all its verbs.
  constexpr int kRules = 1000;
  LoadedBundle bundle;
  LoadedFeature& feature = bundle.features["f"];
  feature.source.display_path = "f.textproto";
  feature.source.text = "name: \"f\"\n";
  for (int k = 1; k < kRules; ++k) {
    absl::StrAppend(&feature.source.text,
                    k % 2 == 0 ? "cluster_rules" : "namespace_rules",
                    " { api_groups: \"\" resources: \"pods/exec\" verbs: \"",
                    k % 3 == 0 ? "*" : "create", "\" reason: \"r\" }\n");
  }
  IssueList issues;
  ASSERT_TRUE(ParseTextFormat(feature.source, &feature.proto, &issues))
      << issues.Render();
  const LintResult result = LintFeatureF(bundle);

  std::vector<std::string> expected;
  for (int k = 1; k < kRules; ++k) {
    const char* scope = k % 2 == 0 ? "cluster-wide" : "in namespace default";
    expected.push_back(
        absl::StrCat("f.textproto:", k + 1, ":1 pods-exec ", scope));
    if (k % 3 == 0) {
      expected.push_back(
          absl::StrCat("f.textproto:", k + 1, ":1 wildcard-verbs ", scope));
    }
  }
  std::vector<std::string> found;
  for (const LintFinding& finding : result.findings) {
    found.push_back(absl::StrCat(finding.location.ToString(), " ",
                                 finding.check->id, " ",
                                 ScopeOf(finding.message)));
  }
  ASSERT_EQ(found.size(), expected.size());
  for (size_t i = 0; i < found.size(); ++i) {
    ASSERT_EQ(found[i], expected[i]) << "finding " << i;
  }
}

TEST(ReportedFindingsTest, RemembersPlaceAndCheck) {
  LintFinding finding;
  finding.check = FindLintCheck("pods-exec");
  finding.location = {"a.textproto", 3, 0};
  ReportedFindings reported;
  EXPECT_TRUE(reported.Insert(finding));
  EXPECT_FALSE(reported.Insert(finding));
  // Another compilation's copy of the finding, with another message.
  LintFinding again = finding;
  again.message = "in namespace other";
  EXPECT_FALSE(reported.Insert(again));

  LintFinding other_check = finding;
  other_check.check = FindLintCheck("wildcard-verbs");
  EXPECT_TRUE(reported.Insert(other_check));
  for (const SourceLocation& place :
       {SourceLocation{"b.textproto", 3, 0},
        SourceLocation{"a.textproto", 4, 0},
        SourceLocation{"a.textproto", 3, 2}, SourceLocation{"a.textproto"}}) {
    LintFinding elsewhere = finding;
    elsewhere.location = place;
    EXPECT_TRUE(reported.Insert(elsewhere)) << place.ToString();
    EXPECT_FALSE(reported.Insert(elsewhere)) << place.ToString();
  }

  // Unused allowances are remembered apart from findings of the same ID.
  const UnusedAllowance unused{finding.location, "pods-exec"};
  EXPECT_TRUE(reported.Insert(unused));
  EXPECT_FALSE(reported.Insert(unused));
  EXPECT_TRUE(reported.Insert(UnusedAllowance{finding.location, "bind-verb"}));
  EXPECT_TRUE(
      reported.Insert(UnusedAllowance{{"a.textproto", 5, 0}, "pods-exec"}));
}

// A policy of one feature without rules, for the target namespaces
// `namespaces` (the i-th given at 0-based line i + 1 of profile.textproto) and
// the
// profile's `allowances`.
CompiledPolicy PolicyForNamespaces(
    const std::vector<std::string>& namespaces,
    const std::vector<std::string>& allowances = {}) {
  CompiledPolicy policy;
  policy.selection.features = {"f"};
  policy.selection.namespaces = namespaces;
  for (size_t i = 0; i < namespaces.size(); ++i) {
    policy.selection.namespace_locations.push_back(
        {"profile.textproto", static_cast<int>(i) + 1, 12});
  }
  for (const std::string& id : allowances) {
    v1::LintAllowance allowance;
    allowance.set_id(id);
    allowance.set_reason("The cluster's own add-on.");
    policy.selection.allowances.push_back(allowance);
  }
  return policy;
}

// Lints `policy` with a bundle of one feature without rules.
LintResult LintWithoutRules(const CompiledPolicy& policy) {
  LoadedBundle bundle;
  LoadedFeature feature;
  feature.proto.set_name("f");
  bundle.features.emplace("f", feature);
  absl::StatusOr<ResourceCatalog> catalog = ResourceCatalog::Builtin();
  EXPECT_TRUE(catalog.ok());
  return LintPolicy(bundle, policy, *catalog);
}

TEST(LintTest, SystemTargetNamespaceIsFoundWhereItWasGiven) {
  const LintResult result = LintWithoutRules(PolicyForNamespaces(
      {"team-a", "kube-system", "default", "kube-node-lease", "kubeflow"}));
  ASSERT_EQ(result.findings.size(), 2u);
  EXPECT_EQ(std::string(result.findings[0].check->id),
            "system-target-namespace");
  EXPECT_EQ(result.findings[0].check->severity, LintSeverity::kHigh);
  EXPECT_EQ(result.findings[0].location.line, 2);
  EXPECT_TRUE(absl::StartsWith(result.findings[0].message,
                               "target namespace kube-system is a Kubernetes "
                               "system namespace"))
      << result.findings[0].message;
  EXPECT_FALSE(result.findings[0].suggestion.empty());
  EXPECT_FALSE(result.findings[0].acknowledged);
  EXPECT_EQ(result.findings[1].location.line, 4);
  EXPECT_TRUE(absl::StartsWith(result.findings[1].message,
                               "target namespace kube-node-lease "));
}

TEST(LintTest, SystemTargetNamespaceIsAcknowledgedByTheProfile) {
  const LintResult acknowledged = LintWithoutRules(
      PolicyForNamespaces({"kube-public"}, {"system-target-namespace"}));
  ASSERT_EQ(acknowledged.findings.size(), 1u);
  EXPECT_TRUE(acknowledged.findings[0].acknowledged);
  EXPECT_EQ(acknowledged.findings[0].acknowledgement,
            "The cluster's own add-on.");
  const LintResult other = LintWithoutRules(
      PolicyForNamespaces({"kube-public"}, {"identity-mode-cost"}));
  ASSERT_EQ(other.findings.size(), 1u);
  EXPECT_FALSE(other.findings[0].acknowledged);
}

TEST(LintTest, OrdinaryTargetNamespacesHaveNoFinding) {
  EXPECT_TRUE(
      LintWithoutRules(PolicyForNamespaces({"default", "skypilot", "kubeflow"}))
          .findings.empty());
  EXPECT_TRUE(IsKubernetesSystemNamespace("kube-system"));
  EXPECT_FALSE(IsKubernetesSystemNamespace("kube"));
}

TEST(LintTest, ChecksHaveUniqueSortedIds) {
  std::vector<std::string> ids;
  for (const LintCheck& check : LintChecks()) ids.push_back(check.id);
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
  EXPECT_NE(FindLintCheck("pods-exec"), nullptr);
  EXPECT_EQ(FindLintCheck("pods-exe"), nullptr);
}

// Each of Kubernetes' subjects for people nobody named is a finding at the
// place that gave it, and only those; the profile's allowance acknowledges
// them.
TEST(BroadSubjectTest, FindsEveryUnnamedCrowdAndOnlyThose) {
  Selection selection;
  const std::vector<Subject> broad = {
      {"User", "system:anonymous", ""},
      {"Group", "system:unauthenticated", ""},
      {"Group", "system:authenticated", ""},
      {"Group", "system:serviceaccounts", ""},
      {"Group", "system:serviceaccounts:ml", ""}};
  const std::vector<Subject> named = {
      {"User", "alice", ""},
      {"Group", "system:masters-of-nothing", ""},
      {"ServiceAccount", "system:anonymous", "default"},
      {"User", "system:authenticated", ""}};
  for (const std::vector<Subject>* subjects : {&broad, &named}) {
    for (const Subject& subject : *subjects) {
      selection.extra_subjects.push_back(subject);
      selection.extra_subject_locations[subject] = {
          "profile.textproto",
          static_cast<int>(selection.extra_subjects.size()), 1};
    }
  }
  const std::vector<LintFinding> findings = BroadSubjectFindings(selection);
  ASSERT_EQ(findings.size(), broad.size());
  for (size_t i = 0; i < broad.size(); ++i) {
    EXPECT_EQ(std::string(findings[i].check->id), "broad-subject");
    EXPECT_TRUE(absl::StrContains(findings[i].message,
                                  absl::StrCat("subject ", broad[i].kind, ":",
                                               broad[i].name, " stands for ")))
        << findings[i].message;
    EXPECT_EQ(findings[i].location.line, static_cast<int>(i + 1));
    EXPECT_FALSE(findings[i].acknowledged);
  }
  v1::LintAllowance allowance;
  allowance.set_id("broad-subject");
  allowance.set_reason("a public read-only cluster");
  selection.allowances.push_back(allowance);
  for (const LintFinding& finding : BroadSubjectFindings(selection)) {
    EXPECT_TRUE(finding.acknowledged);
    EXPECT_EQ(finding.acknowledgement, "a public read-only cluster");
  }
}

}  // namespace
}  // namespace rbacc
