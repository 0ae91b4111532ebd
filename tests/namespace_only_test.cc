// cluster_scope none, by evaluating requests: a namespace-only compilation
// grants nothing cluster-wide and nothing outside its target namespaces, yet
// everything the same selection with cluster_scope full grants inside them;
// its rbac.yaml holds no ClusterRole, ClusterRoleBinding or Namespace; and
// what it drops (every cluster rule and fixed-namespace rule of the selected
// features) is listed in rbac.yaml's header and PERMISSIONS.md with its reason
// and what stops working. Checked for the committed namespace-only profile
// and for every feature of every bundle.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "compiler/common/authorizer.h"
#include "compiler/common/issue.h"
#include "compiler/common/rbac_objects.h"
#include "compiler/compiler.h"
#include "compiler/load/bundle_loader.h"
#include "compiler/resolve/selection.h"
#include "compiler/review/rbac_yaml_reader.h"
#include "gtest/gtest.h"
#include "proto/rbacc/v1/policy.pb.h"
#include "tests/testing/workspace.h"

namespace rbacc {
namespace {

using ::rbacc::testing::CatalogRequests;
using ::rbacc::testing::MakeWorkspace;
using ::rbacc::testing::ReadFileOrDie;
using ::rbacc::testing::RequestUniverse;
using ::rbacc::testing::RunfilePath;

// One compilation's rbac.yaml, PERMISSIONS.md and identity.
struct Compiled {
  RbacObjects objects;
  std::string rbac_yaml;
  std::string permissions;
  std::string config_yaml;
  CompiledPolicy policy;
};

// Compiles `bundle`'s `profile` (or its every feature when empty) in a scratch
// workspace, with `scope` unless UNSPECIFIED.
Compiled Compile(const std::string& bundle, const std::string& profile,
                 v1::ClusterScope scope) {
  CompileRequest options;
  options.workspace_root = MakeWorkspace(absl::StrCat(
      "namespace_only_", bundle, "_", profile, "_", static_cast<int>(scope)));
  options.bundle = bundle;
  options.profile = profile;
  options.lint = LintMode::kOff;
  if (profile.empty()) {
    // Every feature of the bundle.
    IssueList issues;
    absl::StatusOr<LoadedBundle> loaded = LoadBundle(
        BundleDirectory(options.workspace_root, bundle), bundle, &issues);
    EXPECT_TRUE(loaded.ok()) << loaded.status();
    if (!loaded.ok()) return {};
    options.overrides.features = Located<std::vector<std::string>>{
        {loaded->proto.features().begin(), loaded->proto.features().end()},
        {"--features"},
        {}};
  }
  if (scope != v1::CLUSTER_SCOPE_UNSPECIFIED) {
    options.overrides.cluster_scope =
        Located<v1::ClusterScope>{scope, {"--cluster_scope"}, {}};
  }
  Compiled compiled;
  absl::StatusOr<CompilationSet> set = PlanCompilations(options);
  EXPECT_TRUE(set.ok()) << set.status();
  if (!set.ok()) return compiled;
  EXPECT_FALSE(set->issues.has_errors()) << set->issues.Render(set->file_texts);
  EXPECT_EQ(set->compilations.size(), 1u);
  if (set->compilations.empty()) return compiled;
  const Compilation& compilation = set->compilations[0];
  compiled.policy = compilation.policy;
  for (const OutputFile& file : compilation.Files()) {
    if (file.name == "rbac.yaml") compiled.rbac_yaml = OutputText(file);
    if (file.name == "PERMISSIONS.md") compiled.permissions = OutputText(file);
    if (file.name == "config.yaml") compiled.config_yaml = OutputText(file);
  }
  absl::StatusOr<RbacObjects> objects =
      ReadRbacYaml(compiled.rbac_yaml, "rbac.yaml");
  EXPECT_TRUE(objects.ok()) << objects.status();
  if (objects.ok()) compiled.objects = *std::move(objects);
  return compiled;
}

// The identities the roles are bound to; a group through a user in it.
std::vector<UserInfo> Users(const CompiledPolicy& policy) {
  std::vector<UserInfo> users;
  for (const Subject& subject : policy.subjects) {
    if (subject.kind == "ServiceAccount") {
      users.push_back(ServiceAccountUser(subject.namespace_name, subject.name));
    } else if (subject.kind == "Group") {
      users.push_back({"probe-user", {subject.name}});
    } else {
      users.push_back({subject.name, {}});
    }
  }
  return users;
}

std::string Describe(const Request& request) {
  return request.is_resource_request
             ? absl::StrCat(request.verb, " ", request.api_group, "/",
                            request.resource, "/", request.subresource,
                            " name=", request.name,
                            " ns=", request.namespace_name)
             : absl::StrCat(request.verb, " ", request.path);
}

struct Case {
  std::string bundle;
  // A committed profile, or "" for every feature of the bundle.
  std::string profile;
};

void PrintTo(const Case& c, std::ostream* out) {
  *out << c.bundle << ":"
       << (c.profile.empty() ? "(every feature)" : c.profile);
}

class NamespaceOnlyTest : public ::testing::TestWithParam<Case> {};

TEST_P(NamespaceOnlyTest, GrantsOnlyTheTargetNamespacesAndAllOfThem) {
  const Case& c = GetParam();
  const Compiled none = Compile(c.bundle, c.profile, v1::CLUSTER_SCOPE_NONE);
  const Compiled full = Compile(c.bundle, c.profile, v1::CLUSTER_SCOPE_FULL);
  ASSERT_TRUE(none.policy.selection.namespace_only());
  ASSERT_FALSE(full.policy.selection.namespace_only());
  const std::vector<std::string>& targets = none.policy.selection.namespaces;

  // No cluster-scoped object, nothing outside the target namespaces.
  EXPECT_TRUE(none.objects.namespaces.empty());
  for (const RoleObject& role : none.objects.roles) {
    EXPECT_FALSE(role.is_cluster_role()) << role.metadata.name;
    EXPECT_NE(
        std::find(targets.begin(), targets.end(), role.metadata.namespace_name),
        targets.end())
        << role.metadata.name << " in " << role.metadata.namespace_name;
  }
  for (const BindingObject& binding : none.objects.bindings) {
    EXPECT_FALSE(binding.is_cluster_binding()) << binding.metadata.name;
  }
  EXPECT_FALSE(none.objects.roles.empty());

  std::vector<Request> universe =
      CatalogRequests({&none.objects, &full.objects});
  const std::vector<Request> probes =
      RequestUniverse({&none.objects, &full.objects});
  universe.insert(universe.end(), probes.begin(), probes.end());
  const Authorizer authorize_none(none.objects);
  const Authorizer authorize_full(full.objects);
  // What the Roles of the full compilation grant, without its ClusterRole.
  RbacObjects namespaced = full.objects;
  namespaced.bindings.erase(
      std::remove_if(namespaced.bindings.begin(), namespaced.bindings.end(),
                     [](const BindingObject& binding) {
                       return binding.is_cluster_binding();
                     }),
      namespaced.bindings.end());
  const Authorizer authorize_namespaced(namespaced);
  int inside = 0;
  for (const UserInfo& user : Users(none.policy)) {
    for (const Request& request : universe) {
      const bool in_target = request.is_resource_request &&
                             std::find(targets.begin(), targets.end(),
                                       request.namespace_name) != targets.end();
      const bool allowed = authorize_none.Allows(user, request);
      if (!in_target) {
        EXPECT_FALSE(allowed) << user.name << ": " << Describe(request);
        continue;
      }
      // Inside a target namespace: what its Role grants, exactly as with
      // cluster_scope full, less what the ClusterRole granted there.
      EXPECT_EQ(allowed, authorize_namespaced.Allows(user, request))
          << user.name << ": " << Describe(request);
      if (allowed) ++inside;
      if (authorize_full.Allows(user, request) && !allowed) {
        // Only a cluster rule may grant what the target Role does not.
        bool from_cluster = false;
        for (const DroppedRule& dropped : none.policy.dropped_rules) {
          from_cluster =
              from_cluster || (dropped.scope == RoleScope::kCluster &&
                               RuleAllows(dropped.rule, request));
        }
        EXPECT_TRUE(from_cluster) << user.name << ": " << Describe(request);
      }
    }
  }
  EXPECT_GT(inside, 0);

  // Every cluster and fixed-namespace rule of the selected features is listed
  // as dropped, in rbac.yaml's header and PERMISSIONS.md, with its reason
  // and what stops working.
  bool outside_target = false;
  for (const ScopedRole& role : full.policy.roles) {
    if (role.scope == RoleScope::kTargetNamespace) continue;
    outside_target = true;
    for (const CompiledRule& rule : role.rules.rules) {
      for (const RuleSource& source : rule.sources) {
        const bool listed = std::any_of(
            none.policy.dropped_rules.begin(), none.policy.dropped_rules.end(),
            [&](const DroppedRule& dropped) {
              return dropped.source.location.ToString() ==
                     source.location.ToString();
            });
        EXPECT_TRUE(listed) << source.location.ToString();
      }
    }
  }
  EXPECT_TRUE(outside_target);
  EXPECT_FALSE(none.policy.dropped_rules.empty());
  std::string header;
  for (size_t at = 0; none.rbac_yaml.compare(at, 1, "#") == 0;) {
    const size_t end = none.rbac_yaml.find('\n', at) + 1;
    header += none.rbac_yaml.substr(at, end - at);
    at = end;
  }
  for (const DroppedRule& dropped : none.policy.dropped_rules) {
    EXPECT_FALSE(dropped.when_denied.empty())
        << dropped.source.location.ToString()
        << ": a rule a namespace-only install drops says what stops working";
    for (const std::string* text :
         std::vector<const std::string*>{&header, &none.permissions}) {
      EXPECT_NE(text->find(dropped.source.location.ToString()),
                std::string::npos)
          << dropped.source.location.ToString();
      EXPECT_NE(text->find(dropped.source.reason), std::string::npos);
      EXPECT_NE(text->find(dropped.when_denied), std::string::npos);
    }
  }
  for (const ObjectMeta& created : full.objects.namespaces) {
    EXPECT_NE(header.find(absl::StrCat("Namespace ", created.name)),
              std::string::npos)
        << created.name;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Selections, NamespaceOnlyTest,
    ::testing::Values(Case{"skypilot-docs", "namespace-only"},
                      Case{"skypilot", ""}, Case{"skypilot", "teams"},
                      Case{"skypilot-legacy", "local-credentials"},
                      Case{"skypilot-legacy", "full"}),
    [](const ::testing::TestParamInfo<Case>& info) {
      std::string name = absl::StrCat(
          info.param.bundle, "_",
          info.param.profile.empty() ? "every_feature" : info.param.profile);
      std::replace(name.begin(), name.end(), '-', '_');
      return name;
    });

// A feature that loses its cluster or fixed-namespace rules does not work, so
// config.yaml does not turn it on: ingress's kubernetes.ports is left out (and
// the header says so), while the keys of features that keep every rule stay.
TEST(NamespaceOnlyConfigTest, LeavesOutTheKeysOfFeaturesThatLostRules) {
  const Compiled full = Compile("skypilot", "", v1::CLUSTER_SCOPE_FULL);
  EXPECT_NE(full.config_yaml.find("  ports: ingress\n"), std::string::npos)
      << full.config_yaml;
  EXPECT_EQ(full.config_yaml.find("left out"), std::string::npos)
      << full.config_yaml;

  const Compiled none = Compile("skypilot", "", v1::CLUSTER_SCOPE_NONE);
  EXPECT_EQ(none.config_yaml.find("ports: ingress"), std::string::npos)
      << none.config_yaml;
  EXPECT_NE(none.config_yaml.find(
                "# cluster_scope none: left out the keys of features whose "
                "cluster or fixed-namespace rules were dropped"),
            std::string::npos)
      << none.config_yaml;
  EXPECT_NE(none.config_yaml.find("# - kubernetes.ports (ingress)\n"),
            std::string::npos)
      << none.config_yaml;
  EXPECT_NE(none.config_yaml.find("hostNetwork: true\n"), std::string::npos)
      << none.config_yaml;
  ASSERT_EQ(none.policy.dropped_app_config.size(), 1u);
  EXPECT_EQ(none.policy.dropped_app_config[0].feature, "ingress");
}

// The committed namespace-only profile is namespace-only without a flag, and
// its committed rbac.yaml is what the compiler writes (outputs_test checks
// the bytes; this checks the profile field takes effect).
TEST(NamespaceOnlyProfileTest, CommittedOutputsHaveNoClusterObjects) {
  const std::string rbac = ReadFileOrDie(
      RunfilePath("outputs/skypilot-docs/namespace-only/rbac.yaml"));
  EXPECT_EQ(rbac.find("kind: ClusterRole"), std::string::npos);
  EXPECT_EQ(rbac.find("kind: Namespace"), std::string::npos);
  const Compiled compiled =
      Compile("skypilot-docs", "namespace-only", v1::CLUSTER_SCOPE_UNSPECIFIED);
  EXPECT_TRUE(compiled.policy.selection.namespace_only());
  EXPECT_EQ(compiled.rbac_yaml, rbac);
}

}  // namespace
}  // namespace rbacc
