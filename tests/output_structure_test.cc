// For every subset of the SkyPilot features, the outputs are well-formed for
// their consumers: every YAML file parses; rbac.yaml follows Kubernetes' rules
// (no namespace on cluster-scoped objects, every ServiceAccount subject with
// its namespace, bindings pointing at roles that exist); kustomization.yaml
// names rbac.yaml; values.yaml carries the same rules as rbac.yaml and the
// chart switches the features need; config.yaml has the keys the features need.
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "compiler/cli/compile_command.h"
#include "compiler/common/authorizer.h"
#include "gtest/gtest.h"
#include "tests/testing/workspace.h"
#include "yaml-cpp/yaml.h"

namespace rbacc {
namespace {

using ::rbacc::testing::MakeWorkspace;
using ::rbacc::testing::ReadFileOrDie;
using ::rbacc::testing::ReadRbacFile;

const std::vector<std::string> kFeatures = {"base", "ingress", "object-store",
                                            "show-gpus"};

std::vector<std::string> StringList(const YAML::Node& node) {
  std::vector<std::string> values;
  for (const YAML::Node& value : node)
    values.push_back(value.as<std::string>());
  return values;
}

// Rules of a values.yaml rules list as PolicyRules.
std::vector<PolicyRule> RulesFromYaml(const YAML::Node& rules) {
  std::vector<PolicyRule> result;
  for (const YAML::Node& rule : rules) {
    PolicyRule policy_rule;
    policy_rule.api_groups = StringList(rule["apiGroups"]);
    policy_rule.resources = StringList(rule["resources"]);
    policy_rule.verbs = StringList(rule["verbs"]);
    policy_rule.resource_names = StringList(rule["resourceNames"]);
    result.push_back(policy_rule);
  }
  return result;
}

std::vector<PolicyRule> RulesOf(const RbacObjects& objects,
                                const std::string& name) {
  std::vector<PolicyRule> rules;
  for (const RoleObject& role : objects.roles) {
    if (role.metadata.name != name) continue;
    for (const CompiledRule& rule : role.rules) rules.push_back(rule.rule);
  }
  return rules;
}

class OutputStructureTest : public ::testing::TestWithParam<int> {};

TEST_P(OutputStructureTest, OutputsAreWellFormed) {
  std::vector<std::string> selected;
  for (size_t i = 0; i < kFeatures.size(); ++i) {
    if (GetParam() & (1 << i)) selected.push_back(kFeatures[i]);
  }
  if (selected.empty())
    GTEST_SKIP() << "no features: covered by bad_input_test";
  const std::set<std::string> compiled_features = [&] {
    std::set<std::string> features(selected.begin(), selected.end());
    features.insert("base");
    return features;
  }();
  SCOPED_TRACE(absl::StrJoin(selected, ","));

  CompileOptions options;
  options.request.workspace_root =
      MakeWorkspace("structure_" + std::to_string(GetParam()));
  options.request.overrides.features = {selected, {"--features"}};
  options.request.out_dir = "out";
  std::ostringstream out;
  std::ostringstream err;
  ASSERT_EQ(RunCompile(options, out, err), kExitOk) << err.str();
  const std::string folder = options.request.workspace_root + "/out/";

  // rbac.yaml, as Kubernetes sees it.
  const std::vector<YAML::Node> documents =
      YAML::LoadAll(ReadFileOrDie(folder + "rbac.yaml"));
  const std::vector<std::string> install_order = {
      "Namespace",          "ServiceAccount", "ClusterRole",
      "ClusterRoleBinding", "Role",           "RoleBinding"};
  size_t last_kind = 0;
  for (const YAML::Node& document : documents) {
    const std::string kind = document["kind"].as<std::string>();
    const size_t rank =
        std::find(install_order.begin(), install_order.end(), kind) -
        install_order.begin();
    ASSERT_LT(rank, install_order.size()) << kind;
    EXPECT_GE(rank, last_kind) << kind << " is out of Helm's install order";
    last_kind = rank;
    const bool cluster_scoped = kind == "Namespace" || kind == "ClusterRole" ||
                                kind == "ClusterRoleBinding";
    EXPECT_EQ(document["metadata"]["namespace"].IsDefined(), !cluster_scoped)
        << kind;
    EXPECT_EQ(document["metadata"]["labels"]["parent"].as<std::string>(),
              "skypilot");
    for (const YAML::Node& subject : document["subjects"]) {
      if (subject["kind"].as<std::string>() == "ServiceAccount") {
        EXPECT_EQ(subject["namespace"].as<std::string>(), "default");
      }
    }
  }
  const RbacObjects objects = ReadRbacFile(folder + "rbac.yaml");
  for (const BindingObject& binding : objects.bindings) {
    const std::string role_namespace =
        binding.role_kind == "Role" ? binding.metadata.namespace_name : "";
    EXPECT_FALSE(RulesOf(objects, binding.role_name).empty())
        << binding.metadata.name << " refers to a role without rules";
    EXPECT_TRUE(std::any_of(objects.roles.begin(), objects.roles.end(),
                            [&](const RoleObject& role) {
                              return role.metadata.name == binding.role_name &&
                                     role.metadata.namespace_name ==
                                         role_namespace;
                            }))
        << binding.metadata.name << " refers to a missing role";
  }
  const bool object_store = compiled_features.count("object-store") > 0;
  const bool ingress = compiled_features.count("ingress") > 0;
  EXPECT_EQ(objects.namespaces.size(), object_store ? 1u : 0u);

  // kustomization.yaml.
  const YAML::Node kustomization =
      YAML::LoadFile(folder + "kustomization.yaml");
  EXPECT_EQ(kustomization["kind"].as<std::string>(), "Kustomization");
  EXPECT_EQ(StringList(kustomization["resources"]),
            std::vector<std::string>{"rbac.yaml"});

  // values.yaml grants what rbac.yaml's namespaced and cluster roles grant.
  const YAML::Node values = YAML::LoadFile(folder + "values.yaml");
  const YAML::Node rbac = values["rbac"];
  EXPECT_FALSE(rbac["rules"].IsDefined())
      << "the chart fails on the deprecated rbac.rules";
  EXPECT_TRUE(rbac["create"].as<bool>());
  EXPECT_FALSE(rbac["manageRbacPolicies"].as<bool>());
  EXPECT_EQ(rbac["manageSystemComponents"].as<bool>(), object_store);
  EXPECT_EQ(rbac["serviceAccountName"].as<std::string>(), "sky-sa");
  EXPECT_EQ(
      values["kubernetesCredentials"]["inclusterNamespace"].as<std::string>(),
      "default");
  EXPECT_EQ(RulesFromYaml(rbac["namespaceRules"]),
            RulesOf(objects, "sky-sa-role"));
  std::vector<PolicyRule> chart_cluster_rules =
      RulesFromYaml(rbac["clusterRules"]);
  for (const PolicyRule& rule : chart_cluster_rules) {
    EXPECT_NE(rule.resources, std::vector<std::string>{"storageclasses"})
        << "the chart adds storageclasses itself";
  }
  const std::string values_text = ReadFileOrDie(folder + "values.yaml");
  EXPECT_EQ(values_text.find("sky-sa-role-ingress-nginx") != std::string::npos,
            ingress)
      << "values.yaml must say the ingress-nginx Role is not expressible";

  // config.yaml.
  const YAML::Node config = YAML::LoadFile(folder + "config.yaml");
  EXPECT_EQ(config["kubernetes"]["remote_identity"].as<std::string>(),
            "sky-sa");
  EXPECT_EQ(config["kubernetes"]["ports"].IsDefined(), ingress);
  if (ingress)
    EXPECT_EQ(config["kubernetes"]["ports"].as<std::string>(), "ingress");

  // PERMISSIONS.md has a table per role.
  const std::string permissions = ReadFileOrDie(folder + "PERMISSIONS.md");
  for (const RoleObject& role : objects.roles) {
    EXPECT_NE(permissions.find("`" + role.metadata.name + "`"),
              std::string::npos);
  }
}

INSTANTIATE_TEST_SUITE_P(AllSubsets, OutputStructureTest,
                         ::testing::Range(0, 16));

}  // namespace
}  // namespace rbacc
