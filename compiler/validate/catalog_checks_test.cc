// Tests for checking rules against the catalogue: each case a rule, where it is
// granted, and the exact messages expected (empty when the rule is right).
#include "compiler/validate/catalog_checks.h"

#include <string>
#include <vector>

#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace rbacc {
namespace {

struct CatalogCase {
  std::string name;
  std::string rule;
  bool cluster;
  std::vector<std::string> expected;
};

std::vector<std::string> Check(const std::string& text, bool cluster) {
  v1::Rule rule;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &rule))
      << text;
  absl::StatusOr<ResourceCatalog> catalog = ResourceCatalog::Builtin();
  EXPECT_TRUE(catalog.ok());
  v1::CustomResource workloads;
  workloads.set_api_group("kueue.x-k8s.io");
  workloads.set_resource("workloads");
  workloads.set_namespaced(true);
  catalog->AddCustomResource(workloads);
  SourceFile source;
  source.display_path = "f.textproto";
  IssueList issues;
  CheckRuleAgainstCatalog(rule, cluster, *catalog, source, "rules[0]", &issues);
  std::vector<std::string> messages;
  for (const Issue& issue : issues.issues()) {
    messages.push_back(absl::StrCat(
        issue.severity == Severity::kError ? "error: " : "warning: ",
        issue.message));
  }
  return messages;
}

class CatalogChecksTest : public ::testing::TestWithParam<CatalogCase> {};

TEST_P(CatalogChecksTest, Reports) {
  EXPECT_EQ(Check(GetParam().rule, GetParam().cluster), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CatalogChecksTest,
    ::testing::Values(
        CatalogCase{
            "PodsAreFine",
            R"(api_groups: "" resources: ["pods", "pods/exec"] verbs: "*")",
            false,
            {}},
        CatalogCase{"StarEverythingIsKnown",
                    R"(api_groups: "*" resources: "*" verbs: "*")",
                    true,
                    {}},
        CatalogCase{
            "StarGroupWithKnownResource",
            R"(api_groups: "*" resources: "deployments/scale" verbs: "get")",
            false,
            {}},
        CatalogCase{"StarSubresourceOfCore",
                    R"(api_groups: "" resources: "*/status" verbs: "get")",
                    false,
                    {}},
        CatalogCase{"StarSubresourceOfAnyGroup",
                    R"(api_groups: "*" resources: "*/status" verbs: "get")",
                    true,
                    {}},
        CatalogCase{"StarSubresourceNoGroupHas",
                    R"(api_groups: "*" resources: "*/frob" verbs: "get")",
                    true,
                    {"error: no resource of any group has a subresource "
                     "\"frob\", so \"*/frob\" grants nothing"}},
        CatalogCase{
            "CustomResource",
            R"(api_groups: "kueue.x-k8s.io" resources: "workloads" verbs: "get")",
            false,
            {}},
        CatalogCase{
            "CustomVerb",
            R"(api_groups: "" resources: "pods" verbs: ["get", "frob"] custom_verbs: "frob")",
            false,
            {}},
        CatalogCase{"NamespacesInARoleAreAllowed",
                    R"(api_groups: "" resources: "namespaces" verbs: "get")",
                    false,
                    {}},
        CatalogCase{
            "UnknownVerb",
            R"(api_groups: "" resources: "pods" verbs: "gett")",
            false,
            {"error: unknown verb \"gett\" (did you mean \"get\"?); if the "
             "application defines it, declare it in custom_verbs"}},
        CatalogCase{"ResourceInAnotherGroup",
                    R"(api_groups: "" resources: "daemonsets" verbs: "get")",
                    false,
                    {"error: \"daemonsets\" is in group \"apps\", not \"\"; "
                     "set api_groups "
                     "to \"apps\""}},
        CatalogCase{
            "ResourceInTwoOtherGroups",
            R"(api_groups: "apps" resources: "events" verbs: "get")",
            false,
            {"error: \"events\" is in group \"\" and \"events.k8s.io\", not "
             "\"apps\"; set api_groups to \"\" and \"events.k8s.io\""}},
        CatalogCase{
            "Swapped",
            R"(api_groups: "*" resources: "apps" verbs: "daemonsets")",
            false,
            {"error: fields look swapped: \"apps\" in resources is an API "
             "group "
             "and \"daemonsets\" in verbs is a resource of that group; write "
             "api_groups: \"apps\", resources: \"daemonsets\" and the verbs in "
             "verbs (e.g. verbs: \"get\")"}},
        CatalogCase{
            "ClusterScopedInRole",
            R"(api_groups: "node.k8s.io" resources: "runtimeclasses" verbs: "get")",
            false,
            {"error: \"runtimeclasses\" is cluster-scoped: a Role cannot grant "
             "it, "
             "so this rule would grant nothing; move it to cluster_rules"}},
        CatalogCase{
            "ClusterScopedInClusterRuleIsFine",
            R"(api_groups: "node.k8s.io" resources: "runtimeclasses" verbs: "get")",
            true,
            {}},
        CatalogCase{
            "UnknownSubresource",
            R"(api_groups: "apps" resources: "deployments/scael" verbs: "get")",
            false,
            {"error: \"deployments\" has no subresource \"scael\" (did you "
             "mean "
             "\"scale\"?); it has: scale, status"}},
        CatalogCase{
            "ResourceNamesWithDeletecollection",
            R"(api_groups: "" resources: "configmaps" verbs: ["get", "deletecollection"] resource_names: "a")",
            false,
            {"warning: \"deletecollection\" never matches a rule with "
             "resource_names (the request names no object); move it to a rule "
             "without resource_names"}}),
    [](const ::testing::TestParamInfo<CatalogCase>& info) {
      return info.param.name;
    });

}  // namespace
}  // namespace rbacc
