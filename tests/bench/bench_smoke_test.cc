// The benchmark's pieces at 1,000 rules, without timing: the generator is
// deterministic, the compiler binary compiles its bundle into well-formed RBAC,
// and, where kubectl is installed, `kubectl kustomize` renders the equivalent
// layout into objects that allow exactly the same requests.
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "compiler/common/authorizer.h"
#include "compiler/common/rbac_objects.h"
#include "compiler/review/rbac_yaml_reader.h"
#include "gtest/gtest.h"
#include "tests/bench/process.h"
#include "tests/bench/synthetic_bundle.h"
#include "tests/testing/workspace.h"

namespace rbacc::bench {
namespace {

namespace fs = std::filesystem;

SyntheticOptions SmokeOptions() {
  SyntheticOptions options;
  options.features = 10;
  options.rules_per_feature = 100;
  return options;
}

// Requests probing every rule of `objects`: each verb, group, resource, name
// and URL the rules mention (wildcards replaced by sample values), in each
// namespace the objects mention and cluster-wide.
void AddProbes(const RbacObjects& objects, std::set<std::string>* namespaces,
               std::vector<Request>* probes) {
  for (const RoleObject& role : objects.roles) {
    namespaces->insert(role.metadata.namespace_name);
    for (const CompiledRule& compiled : role.rules) {
      const PolicyRule& rule = compiled.rule;
      std::vector<std::string> verbs;
      for (const std::string& verb : rule.verbs) {
        if (verb == "*") {
          verbs.insert(verbs.end(), {"get", "escalate"});
        } else {
          verbs.push_back(verb);
        }
      }
      for (const std::string& verb : verbs) {
        for (const std::string& url : rule.non_resource_urls) {
          Request request;
          request.verb = verb;
          request.is_resource_request = false;
          request.path = absl::StrCat(url.substr(0, url.find('*')), "probe");
          probes->push_back(request);
          request.path = url;
          probes->push_back(request);
        }
        for (std::string group : rule.api_groups) {
          if (group == "*") group = "probe.example.com";
          for (std::string resource : rule.resources) {
            if (resource == "*") resource = "probes";
            if (resource.rfind("*/", 0) == 0) resource.replace(0, 1, "probes");
            const size_t slash = resource.find('/');
            std::vector<std::string> names = rule.resource_names;
            names.insert(names.end(), {"", "probe-name"});
            for (const std::string& name : names) {
              Request request;
              request.verb = verb;
              request.api_group = group;
              request.resource = resource.substr(0, slash);
              request.subresource =
                  slash == std::string::npos ? "" : resource.substr(slash + 1);
              request.name = name;
              probes->push_back(request);
            }
          }
        }
      }
    }
  }
}

// Every probe in every namespace of `namespaces` ("" is cluster-wide).
std::vector<Request> InNamespaces(const std::vector<Request>& probes,
                                  const std::set<std::string>& namespaces) {
  std::vector<Request> universe;
  for (const Request& probe : probes) {
    if (!probe.is_resource_request) {
      universe.push_back(probe);
      continue;
    }
    for (const std::string& namespace_name : namespaces) {
      Request request = probe;
      request.namespace_name = namespace_name;
      universe.push_back(request);
    }
  }
  return universe;
}

TEST(SyntheticBundleTest, IsDeterministic) {
  const SyntheticBundle a = GenerateSyntheticBundle(SmokeOptions());
  const SyntheticBundle b = GenerateSyntheticBundle(SmokeOptions());
  ASSERT_EQ(a.features.size(), 10u);
  EXPECT_EQ(a.bundle.SerializeAsString(), b.bundle.SerializeAsString());
  for (size_t i = 0; i < a.features.size(); ++i) {
    EXPECT_EQ(a.features[i].SerializeAsString(),
              b.features[i].SerializeAsString());
    EXPECT_EQ(a.features[i].namespace_rules_size() +
                  a.features[i].cluster_rules_size(),
              100);
  }
}

TEST(BenchSmokeTest, CompilerOutputGrantsWhatKustomizeRenders) {
  const fs::path root = fs::path(::testing::TempDir()) / "bench_smoke";
  fs::remove_all(root);
  const SyntheticBundle bundle = GenerateSyntheticBundle(SmokeOptions());
  const std::string bundle_directory = (root / kSyntheticBundleName).string();
  ASSERT_TRUE(WriteBundleFolder(bundle, bundle_directory).ok());
  ASSERT_TRUE(WriteKustomizeLayout(bundle, (root / "kustomize").string()).ok());

  const std::string out_dir = (root / "out").string();
  const absl::StatusOr<ProcessRun> compiled =
      RunProcess({rbacc::testing::RunfilePath("compiler/compiler"),
                  absl::StrCat("--bundle=", bundle_directory),
                  absl::StrCat("--profile=", kSyntheticProfileName),
                  absl::StrCat("--out_dir=", out_dir)},
                 CurrentEnvironment(), (root / "compiler.out").string(),
                 (root / "compiler.err").string());
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  ASSERT_EQ(compiled->exit_code, 0)
      << rbacc::testing::ReadFileOrDie((root / "compiler.err").string());
  const RbacObjects ours =
      rbacc::testing::ReadRbacFile((fs::path(out_dir) / "rbac.yaml").string());
  ASSERT_EQ(ours.roles.size(), 2u);
  ASSERT_EQ(ours.bindings.size(), 2u);
  for (const RoleObject& role : ours.roles) EXPECT_FALSE(role.rules.empty());

  const std::string kubectl = FindInPath("kubectl");
  if (kubectl.empty()) {
    GTEST_SKIP() << "kubectl not found: skipped the comparison with kustomize";
  }
  const std::string rendered = (root / "kustomize.yaml").string();
  const absl::StatusOr<ProcessRun> kustomized = RunProcess(
      {kubectl, "kustomize", (root / "kustomize").string()},
      CurrentEnvironment(), rendered, (root / "kustomize.err").string());
  ASSERT_TRUE(kustomized.ok()) << kustomized.status();
  ASSERT_EQ(kustomized->exit_code, 0)
      << rbacc::testing::ReadFileOrDie((root / "kustomize.err").string());
  const RbacObjects theirs = rbacc::testing::ReadRbacFile(rendered);

  std::set<std::string> namespaces = {"", "probe-namespace"};
  std::vector<Request> probes;
  AddProbes(ours, &namespaces, &probes);
  AddProbes(theirs, &namespaces, &probes);
  const std::vector<Request> universe = InNamespaces(probes, namespaces);
  const UserInfo user = ServiceAccountUser("default", "bench-sa");
  const std::set<std::string> allowed_by_ours =
      rbacc::testing::AllowedRequests(ours, user, universe);
  const std::set<std::string> allowed_by_theirs =
      rbacc::testing::AllowedRequests(theirs, user, universe);
  EXPECT_FALSE(allowed_by_ours.empty());
  EXPECT_TRUE(allowed_by_ours == allowed_by_theirs)
      << allowed_by_ours.size() << " requests allowed by rbacc's rbac.yaml, "
      << allowed_by_theirs.size() << " by kubectl kustomize's output";
}

}  // namespace
}  // namespace rbacc::bench
