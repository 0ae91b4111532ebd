// Proven union semantics (DESIGN.md §7): for every subset of the SkyPilot
// features, and for randomly generated bundles, the compiled rbac.yaml allows a
// request of the request universe exactly when some selected feature (with the
// features it requires) declares a rule allowing it. The universe holds every
// request of the Kubernetes catalogue and every one the rules themselves name.
// The expectation is built from the declared rules directly, without the merge
// stage, so a compaction that grants too much or too little fails here.
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "compiler/cli/compile_command.h"
#include "compiler/common/authorizer.h"
#include "compiler/common/issue.h"
#include "compiler/common/rbac_objects.h"
#include "compiler/load/bundle_loader.h"
#include "compiler/merge/compile.h"
#include "gtest/gtest.h"
#include "tests/testing/workspace.h"

namespace rbacc {
namespace {

using ::rbacc::testing::AllowedRequests;
using ::rbacc::testing::CatalogRequests;
using ::rbacc::testing::MakeWorkspace;
using ::rbacc::testing::ReadRbacFile;
using ::rbacc::testing::RequestUniverse;
using ::rbacc::testing::WriteFile;

constexpr char kNamespace[] = "union-ns";
constexpr char kServiceAccount[] = "union-sa";

// `features` with everything they require, transitively, read from the
// bundle's feature files.
std::set<std::string> WithRequired(const LoadedBundle& bundle,
                                   const std::vector<std::string>& features) {
  std::set<std::string> closed;
  std::vector<std::string> pending = features;
  while (!pending.empty()) {
    const std::string name = pending.back();
    pending.pop_back();
    if (!closed.insert(name).second) continue;
    for (const std::string& required :
         bundle.features.at(name).proto.requires()) {
      pending.push_back(required);
    }
  }
  return closed;
}

// A role in `namespace_name` ("" for a ClusterRole) holding `rules` unmerged,
// bound to the service account.
void AddBoundRole(const std::string& namespace_name,
                  const google::protobuf::RepeatedPtrField<v1::Rule>& rules,
                  RbacObjects& objects) {
  const std::string name = absl::StrCat("declared-", objects.roles.size());
  RoleObject role;
  role.metadata = {name, namespace_name, {}};
  for (const v1::Rule& rule : rules)
    role.rules.push_back({ToPolicyRule(rule), {}});
  objects.roles.push_back(role);
  BindingObject binding;
  binding.metadata = {name, namespace_name, {}};
  binding.role_kind = namespace_name.empty() ? "ClusterRole" : "Role";
  binding.role_name = name;
  binding.subjects = {{"ServiceAccount", kServiceAccount, kNamespace}};
  objects.bindings.push_back(binding);
}

// What the selected features declare, each rule its own grant.
RbacObjects DeclaredGrants(const LoadedBundle& bundle,
                           const std::set<std::string>& features) {
  RbacObjects objects;
  for (const std::string& name : features) {
    const v1::Feature& feature = bundle.features.at(name).proto;
    AddBoundRole(kNamespace, feature.namespace_rules(), objects);
    AddBoundRole("", feature.cluster_rules(), objects);
    for (const v1::FixedNamespaceGrant& grant :
         feature.fixed_namespace_rules()) {
      AddBoundRole(grant.namespace_(), grant.rules(), objects);
    }
  }
  return objects;
}

// Compiles `features` of `bundle_name` in `workspace` into a fresh folder and
// returns rbac.yaml read back; fails the test when the compilation fails.
RbacObjects Compile(const std::string& workspace,
                    const std::string& bundle_name,
                    const std::vector<std::string>& features,
                    const std::string& out_dir) {
  CompileOptions options;
  options.request.workspace_root = workspace;
  options.request.bundle = bundle_name;
  options.request.overrides.features = {features, {"--features"}};
  options.request.overrides.namespaces = Located<std::vector<std::string>>{
      std::vector<std::string>{kNamespace}, {"--namespace"}, {}};
  options.request.overrides.service_account = {kServiceAccount,
                                               {"--service_account"}};
  options.request.out_dir = out_dir;
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(RunCompile(options, out, err), kExitOk) << err.str();
  return ReadRbacFile(absl::StrCat(workspace, "/", out_dir, "/rbac.yaml"));
}

// Checks that `compiled` allows exactly what the declared rules of `features`
// (with what they require) allow, for the service account and for a stranger.
void ExpectUnion(const LoadedBundle& bundle,
                 const std::vector<std::string>& features,
                 const RbacObjects& compiled) {
  const RbacObjects declared =
      DeclaredGrants(bundle, WithRequired(bundle, features));
  // The rules' own verbs, resources and names, and every request of the
  // Kubernetes catalogue.
  std::vector<Request> universe = RequestUniverse({&compiled, &declared});
  const std::vector<Request> catalog = CatalogRequests({&compiled, &declared});
  universe.insert(universe.end(), catalog.begin(), catalog.end());
  const UserInfo account = ServiceAccountUser(kNamespace, kServiceAccount);
  const std::set<std::string> allowed =
      AllowedRequests(compiled, account, universe);
  const std::set<std::string> expected =
      AllowedRequests(declared, account, universe);
  std::vector<std::string> extra;
  std::vector<std::string> missing;
  for (const std::string& request : allowed) {
    if (expected.count(request) == 0) extra.push_back(request);
  }
  for (const std::string& request : expected) {
    if (allowed.count(request) == 0) missing.push_back(request);
  }
  EXPECT_TRUE(extra.empty()) << "granted but declared by no selected feature:\n"
                             << absl::StrJoin(extra, "\n");
  EXPECT_TRUE(missing.empty()) << "declared but not granted:\n"
                               << absl::StrJoin(missing, "\n");
  EXPECT_FALSE(expected.empty());
  const UserInfo stranger = ServiceAccountUser(kNamespace, "stranger");
  EXPECT_TRUE(AllowedRequests(compiled, stranger, universe).empty());
}

// The loaded bundle `name` of `workspace`; fails the test on any issue.
LoadedBundle Load(const std::string& workspace, const std::string& name) {
  IssueList issues;
  absl::StatusOr<LoadedBundle> bundle = LoadBundle(
      absl::StrCat(workspace, "/policies/", name), "policies/" + name, &issues);
  EXPECT_TRUE(bundle.ok()) << bundle.status();
  EXPECT_FALSE(issues.has_errors()) << issues.Render();
  return bundle.ok() ? *std::move(bundle) : LoadedBundle{};
}

TEST(UnionSemanticsTest, EverySubsetOfTheSkyPilotFeatures) {
  const std::string workspace = MakeWorkspace("union_skypilot");
  const LoadedBundle bundle = Load(workspace, "skypilot");
  const std::vector<std::string> all = {"base", "show-gpus", "object-store",
                                        "ingress"};
  for (unsigned mask = 0; mask < 16; ++mask) {
    std::vector<std::string> features;
    for (size_t i = 0; i < all.size(); ++i) {
      if (mask & (1u << i)) features.push_back(all[i]);
    }
    SCOPED_TRACE(absl::StrCat("--features=", absl::StrJoin(features, ",")));
    if (features.empty()) {
      // Nothing selected: an error, and nothing is written.
      CompileOptions options;
      options.request.workspace_root = workspace;
      options.request.overrides.features = {{}, {"--features"}};
      options.request.out_dir = "empty";
      std::ostringstream out;
      std::ostringstream err;
      EXPECT_EQ(RunCompile(options, out, err), kExitError);
      EXPECT_TRUE(::rbacc::testing::ReadTree(workspace + "/empty").empty());
      continue;
    }
    ExpectUnion(
        bundle, features,
        Compile(workspace, "skypilot", features, absl::StrCat("out", mask)));
  }
}

// Generates bundles of random features whose rules mix verbs, groups,
// resources, subresources, wildcards, resource names and URLs over the three
// scopes, with random `requires`.
class RandomBundle {
 public:
  explicit RandomBundle(unsigned seed) : random_(seed) {}

  // Writes bundle `name` with `features` features under `workspace`/policies.
  void Write(const std::string& workspace, const std::string& name,
             int features) {
    std::string bundle = absl::StrCat(
        "name: \"", name, "\"\n",
        "application { name: \"app\" config_file: \"config.yaml\" "
        "identity_config_key: \"app.identity\" }\n",
        "defaults { namespace: \"default\" service_account: \"sa\" "
        "object_names { role: \"{service_account}-role\" "
        "role_binding: \"{service_account}-rb\" "
        "cluster_role: \"{service_account}-cluster-role\" "
        "cluster_role_binding: \"{service_account}-cluster-rb\" } }\n",
        "fixed_namespaces { name: \"fixed-ns\" create: true "
        "role_name: \"{service_account}-fixed\" "
        "role_binding_name: \"{service_account}-fixed-rb\" }\n");
    for (int i = 0; i < features; ++i) {
      absl::StrAppend(&bundle, "features: \"f", i, "\"\n");
      std::string feature =
          absl::StrCat("name: \"f", i, "\"\nsummary: \"s\"\n");
      // Only earlier features are required, so there are no cycles.
      if (i > 0 && Pick(3) == 0) {
        absl::StrAppend(&feature, "requires: \"f", Pick(i), "\"\n");
      }
      const int rules = 1 + Pick(6);
      std::string fixed;
      for (int r = 0; r < rules; ++r) {
        switch (Pick(3)) {
          case 0:
            absl::StrAppend(&feature, "namespace_rules ", NamespacedRule(),
                            "\n");
            break;
          case 1:
            absl::StrAppend(&feature, "cluster_rules ", ClusterRule(), "\n");
            break;
          default:
            absl::StrAppend(&fixed, "rules ", NamespacedRule(), "\n");
        }
      }
      if (!fixed.empty()) {
        absl::StrAppend(&feature,
                        "fixed_namespace_rules { namespace: "
                        "\"fixed-ns\"\n",
                        fixed, "}\n");
      }
      WriteFile(
          absl::StrCat(workspace, "/policies/", name, "/f", i, ".textproto"),
          feature);
    }
    WriteFile(absl::StrCat(workspace, "/policies/", name, "/bundle.textproto"),
              bundle);
  }

  // A random non-empty subset of `features` feature names.
  std::vector<std::string> Subset(int features) {
    std::vector<std::string> names;
    while (names.empty()) {
      for (int i = 0; i < features; ++i) {
        if (Pick(2) == 0) names.push_back(absl::StrCat("f", i));
      }
    }
    return names;
  }

 private:
  int Pick(int n) {
    return std::uniform_int_distribution<int>(0, n - 1)(random_);
  }

  // 1 to 3 distinct elements of `choices`, as a text-format list.
  std::string Some(const std::vector<std::string>& choices) {
    std::set<std::string> picked;
    const int count = 1 + Pick(3);
    for (int i = 0; i < count; ++i)
      picked.insert(choices[Pick(choices.size())]);
    std::vector<std::string> quoted;
    for (const std::string& value : picked)
      quoted.push_back(absl::StrCat("\"", value, "\""));
    return absl::StrCat("[", absl::StrJoin(quoted, ", "), "]");
  }

  std::string Verbs() {
    return Some({"get", "list", "watch", "create", "update", "patch", "delete",
                 "deletecollection", "*"});
  }

  std::string NamespacedRule() {
    static const std::vector<std::pair<std::string, std::vector<std::string>>>
        kGroups = {
            {"",
             {"pods", "pods/log", "pods/exec", "services", "secrets",
              "configmaps", "*/status"}},
            {"apps", {"deployments", "deployments/scale", "daemonsets", "*"}},
            {"batch", {"jobs", "cronjobs"}},
        };
    const auto& [group, resources] = kGroups[Pick(kGroups.size())];
    std::string rule =
        absl::StrCat("{ api_groups: \"", group,
                     "\" resources: ", Some(resources), " verbs: ", Verbs());
    if (Pick(4) == 0)
      absl::StrAppend(&rule, " resource_names: ", Some({"a", "b"}));
    return absl::StrCat(rule, " reason: \"r\" }");
  }

  std::string ClusterRule() {
    switch (Pick(4)) {
      case 0:
        return absl::StrCat("{ non_resource_urls: ",
                            Some({"/healthz", "/metrics", "/api/*", "*"}),
                            " verbs: [\"get\"] reason: \"r\" }");
      case 1:
        return absl::StrCat("{ api_groups: \"storage.k8s.io\" resources: ",
                            Some({"storageclasses", "csidrivers"}),
                            " verbs: ", Verbs(), " reason: \"r\" }");
      default:
        return absl::StrCat("{ api_groups: \"\" resources: ",
                            Some({"nodes", "namespaces", "pods"}),
                            " verbs: ", Verbs(), " reason: \"r\" }");
    }
  }

  std::mt19937 random_;
};

TEST(UnionSemanticsTest, RandomBundles) {
  const std::string workspace = MakeWorkspace("union_random");
  constexpr int kBundles = 25;
  constexpr int kFeatures = 6;
  for (unsigned seed = 1; seed <= kBundles; ++seed) {
    SCOPED_TRACE(absl::StrCat("seed ", seed));
    RandomBundle generator(seed);
    const std::string name = absl::StrCat("random", seed);
    generator.Write(workspace, name, kFeatures);
    const LoadedBundle bundle = Load(workspace, name);
    for (int run = 0; run < 3; ++run) {
      const std::vector<std::string> features = generator.Subset(kFeatures);
      SCOPED_TRACE(absl::StrCat("--features=", absl::StrJoin(features, ",")));
      ExpectUnion(bundle, features,
                  Compile(workspace, "./policies/" + name, features,
                          absl::StrCat("out-", name, "-", run)));
    }
  }
}

}  // namespace
}  // namespace rbacc
