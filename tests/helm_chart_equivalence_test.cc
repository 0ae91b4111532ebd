// values.yaml grants what rbac.yaml grants: for every committed profile of
// every bundle (outputs/<bundle>/<profile>/, and each context folder of a
// profile with contexts) and for ad-hoc selections, rendered for the Helm
// release the selection names (--chart_release, the profile's or the
// bundle's), whose objects values.yaml's comments must name, the
// objects SkyPilot's chart renders from values.yaml (tests/testing/
// skypilot_chart.h) allow the service account exactly the requests rbac.yaml
// allows it, by Kubernetes' authorizer semantics. The only differences allowed
// are the ones values.yaml's comments declare, derived here from the compiled
// policy: Roles in fixed namespaces the chart has no switch for (and rules a
// switched namespace's chart Role lacks) are missing from the chart; the
// chart's built-in rules (its ClusterRole's, and a switched namespace's Role's)
// may grant more (also for namespace-only selections: the chart cannot omit its
// ClusterRole); and the extra --subjects get nothing from the chart.
#include <algorithm>
#include <filesystem>
#include <iterator>
#include <ostream>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "compiler/common/authorizer.h"
#include "compiler/common/rbac_objects.h"
#include "compiler/compiler.h"
#include "compiler/emit/emitters.h"
#include "compiler/load/bundle_loader.h"
#include "compiler/merge/compact.h"
#include "compiler/merge/compile.h"
#include "compiler/merge/compiled_policy.h"
#include "compiler/resolve/selection.h"
#include "compiler/review/rbac_yaml_reader.h"
#include "gtest/gtest.h"
#include "proto/rbacc/v1/policy.pb.h"
#include "tests/testing/skypilot_chart.h"
#include "tests/testing/workspace.h"

namespace rbacc {
namespace {

using ::rbacc::testing::AllowedRequests;
using ::rbacc::testing::HelmRelease;
using ::rbacc::testing::MakeWorkspace;
using ::rbacc::testing::ReadFileOrDie;
using ::rbacc::testing::RenderSkyPilotChartRbac;
using ::rbacc::testing::RequestUniverse;
using ::rbacc::testing::RunfilePath;

namespace fs = std::filesystem;

// Requests of `a` that `b` does not allow, one per line.
std::string Difference(const std::set<std::string>& a,
                       const std::set<std::string>& b) {
  std::vector<std::string> lines;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(),
                      std::back_inserter(lines));
  return absl::StrJoin(lines, "\n  ");
}

std::vector<PolicyRule> ToPolicyRules(
    const google::protobuf::RepeatedPtrField<v1::Rule>& rules) {
  std::vector<PolicyRule> result;
  for (const v1::Rule& rule : rules) result.push_back(ToPolicyRule(rule));
  return result;
}

// Adds a role with `rules` in `namespace_name` ("" for a ClusterRole) bound to
// `account`.
void AddBoundRole(const std::string& namespace_name,
                  const std::vector<PolicyRule>& rules, const Subject& account,
                  RbacObjects& objects) {
  if (rules.empty()) return;
  const std::string name =
      absl::StrCat("exception-", objects.roles.size(), "-", namespace_name);
  RoleObject role{{name, namespace_name, {}}, {}};
  for (const PolicyRule& rule : rules) role.rules.push_back({rule, {}});
  objects.roles.push_back(std::move(role));
  objects.bindings.push_back({{name, namespace_name, {}},
                              namespace_name.empty() ? "ClusterRole" : "Role",
                              name,
                              {account}});
}

// What values.yaml declares the chart cannot grant: the rules of fixed
// namespaces the chart has no switch for, and the rules of a switched
// namespace that the chart's Role there does not cover.
RbacObjects NotExpressible(const CompiledPolicy& policy,
                           const Subject& account) {
  RbacObjects objects;
  for (const ScopedRole& role : policy.roles) {
    if (role.scope != RoleScope::kFixedNamespace) continue;
    const std::vector<PolicyRule> chart_rules =
        ToPolicyRules(role.fixed_namespace.helm_rules());
    std::vector<PolicyRule> missing;
    for (const CompiledRule& rule : role.rules.rules) {
      if (role.fixed_namespace.helm_switch().empty() ||
          !IsCovered(rule.rule, chart_rules)) {
        missing.push_back(rule.rule);
      }
    }
    AddBoundRole(role.namespace_name, missing, account, objects);
  }
  return objects;
}

// What values.yaml declares the chart grants by itself: its ClusterRole's
// built-in rules, and the Role it creates in each switched fixed namespace.
RbacObjects ChartBuiltins(const CompiledPolicy& policy,
                          const v1::HelmChart& chart, const Subject& account) {
  RbacObjects objects;
  AddBoundRole("", ToPolicyRules(chart.builtin_cluster_rules()), account,
               objects);
  for (const ScopedRole& role : policy.roles) {
    if (role.scope != RoleScope::kFixedNamespace ||
        role.fixed_namespace.helm_switch().empty()) {
      continue;
    }
    AddBoundRole(role.namespace_name,
                 ToPolicyRules(role.fixed_namespace.helm_rules()), account,
                 objects);
  }
  return objects;
}

// The identity of a --subjects entry; a group is probed through a user in it.
UserInfo UserOf(const Subject& subject) {
  if (subject.kind == "ServiceAccount") {
    return ServiceAccountUser(subject.namespace_name, subject.name);
  }
  if (subject.kind == "Group") return UserInfo{"probe-user", {subject.name}};
  return UserInfo{subject.name, {}};
}

// Checks that the chart, installed from `values_yaml` into the compiled target
// namespace, grants what `rbac_yaml` grants, up to the declared exceptions.
void ExpectChartGrantsWhatRbacYamlGrants(const Compilation& compilation,
                                         const std::string& rbac_yaml,
                                         const std::string& values_yaml) {
  const CompiledPolicy& policy = compilation.policy;
  const Selection& selection = policy.selection;
  const absl::StatusOr<RbacObjects> rbac = ReadRbacYaml(rbac_yaml, "rbac.yaml");
  ASSERT_TRUE(rbac.ok()) << rbac.status();
  const std::string& release_namespace = selection.primary_namespace();
  // The release values.yaml is written for (--chart_release, the profile's or
  // the bundle's): its comments name what the chart creates for it.
  const std::string& release = selection.chart_release;
  ASSERT_FALSE(release.empty());
  const absl::StatusOr<RbacObjects> chart = RenderSkyPilotChartRbac(
      values_yaml, HelmRelease{release, release_namespace});
  ASSERT_TRUE(chart.ok()) << chart.status();
  EXPECT_NE(
      values_yaml.find(absl::StrCat("helm upgrade --install ", release, " ")),
      std::string::npos)
      << "values.yaml does not install release " << release;
  for (const RoleObject& role : chart->roles) {
    EXPECT_NE(values_yaml.find(absl::StrCat(
                  role.is_cluster_role() ? "ClusterRole " : "Role ",
                  role.metadata.name)),
              std::string::npos)
        << "values.yaml does not name the chart's " << role.metadata.name;
  }
  for (const BindingObject& binding : chart->bindings) {
    EXPECT_NE(values_yaml.find(absl::StrCat(binding.is_cluster_binding()
                                                ? "ClusterRoleBinding "
                                                : "RoleBinding ",
                                            binding.metadata.name)),
              std::string::npos)
        << "values.yaml does not name the chart's " << binding.metadata.name;
  }

  // The chart runs as its account: the one rbac.yaml binds, or for an identity
  // without an account, its default one (values.yaml names none). rbac.yaml
  // grants the same to the account, or else to the first --subjects entry.
  const std::string chart_account_name = selection.service_account.empty()
                                             ? absl::StrCat(release, "-api-sa")
                                             : selection.service_account;
  ASSERT_EQ(chart->service_accounts.size(), 1u);
  EXPECT_EQ(chart->service_accounts[0].name, chart_account_name);
  EXPECT_EQ(chart->service_accounts[0].namespace_name, release_namespace);
  const Subject chart_account{"ServiceAccount", chart_account_name,
                              release_namespace};
  ASSERT_TRUE(!selection.service_account.empty() ||
              !selection.extra_subjects.empty());
  const Subject account =
      selection.service_account.empty()
          ? selection.extra_subjects.front()
          : Subject{"ServiceAccount", selection.service_account,
                    release_namespace};
  const UserInfo user = UserOf(account);
  const UserInfo chart_user = UserOf(chart_account);

  const RbacObjects not_expressible = NotExpressible(policy, account);
  const RbacObjects builtins = ChartBuiltins(
      policy, compilation.bundle->proto.helm_chart(), chart_account);
  const std::vector<Request> universe =
      RequestUniverse({&*rbac, &*chart, &not_expressible, &builtins});
  const std::set<std::string> rbac_allowed =
      AllowedRequests(*rbac, user, universe);
  const std::set<std::string> chart_allowed =
      AllowedRequests(*chart, chart_user, universe);
  const std::set<std::string> missing_allowed =
      AllowedRequests(not_expressible, user, universe);
  const std::set<std::string> builtin_allowed =
      AllowedRequests(builtins, chart_user, universe);
  EXPECT_FALSE(rbac_allowed.empty());
  EXPECT_EQ(Difference(missing_allowed, rbac_allowed), "")
      << "declared as not expressible, but rbac.yaml does not grant them";

  std::set<std::string> only_rbac;
  std::set_difference(rbac_allowed.begin(), rbac_allowed.end(),
                      chart_allowed.begin(), chart_allowed.end(),
                      std::inserter(only_rbac, only_rbac.end()));
  EXPECT_EQ(Difference(only_rbac, missing_allowed), "")
      << "rbac.yaml allows these, the chart does not, and values.yaml does "
         "not say so";
  std::set<std::string> only_chart;
  std::set_difference(chart_allowed.begin(), chart_allowed.end(),
                      rbac_allowed.begin(), rbac_allowed.end(),
                      std::inserter(only_chart, only_chart.end()));
  EXPECT_EQ(Difference(only_chart, builtin_allowed), "")
      << "the chart allows these, rbac.yaml does not, and values.yaml does "
         "not say so";

  // values.yaml names every Role it cannot express: fixed namespaces without a
  // switch (by name), target namespaces beyond the chart's one.
  for (const ScopedRole& role : policy.roles) {
    if (role.scope == RoleScope::kTargetNamespace &&
        role.namespace_name != release_namespace) {
      EXPECT_NE(values_yaml.find(absl::StrCat("the Role in namespace ",
                                              role.namespace_name)),
                std::string::npos)
          << "values.yaml does not point at the Role in "
          << role.namespace_name;
    }
    if (role.scope == RoleScope::kFixedNamespace &&
        role.fixed_namespace.helm_switch().empty()) {
      EXPECT_NE(
          values_yaml.find(absl::StrCat("Role ", role.role_name,
                                        " in namespace ", role.namespace_name)),
          std::string::npos)
          << "values.yaml does not point at Role " << role.role_name;
    }
  }
  // A namespace-only rbac.yaml has no ClusterRole, but the chart cannot omit
  // its own: values.yaml says so, and what that ClusterRole grants is the
  // declared built-in exception above.
  if (selection.namespace_only()) {
    EXPECT_TRUE(std::none_of(
        rbac->roles.begin(), rbac->roles.end(),
        [](const RoleObject& role) { return role.is_cluster_role(); }));
    EXPECT_TRUE(std::any_of(
        chart->roles.begin(), chart->roles.end(),
        [](const RoleObject& role) { return role.is_cluster_role(); }));
    EXPECT_NE(values_yaml.find("chart always creates its ClusterRole and "
                               "ClusterRoleBinding"),
              std::string::npos);
  }
  // The extra subjects get rbac.yaml's permissions and nothing from the chart,
  // which binds only its own account; values.yaml names them.
  for (const Subject& subject : selection.extra_subjects) {
    EXPECT_EQ(AllowedRequests(*rbac, UserOf(subject), universe), rbac_allowed)
        << subject.kind << " " << subject.name;
    EXPECT_TRUE(AllowedRequests(*chart, UserOf(subject), universe).empty())
        << subject.kind << " " << subject.name;
    EXPECT_NE(values_yaml.find(subject.name), std::string::npos)
        << "values.yaml does not name " << subject.name;
  }
}

// ExpectChartGrantsWhatRbacYamlGrants on the rbac.yaml and values.yaml that
// `compilation` would write.
void ExpectCompiledChartGrantsWhatRbacYamlGrants(
    const Compilation& compilation) {
  std::string rbac_yaml;
  std::string values_yaml;
  for (const OutputFile& file : compilation.Files()) {
    if (file.name == "rbac.yaml") rbac_yaml = OutputText(file);
    if (file.name == "values.yaml") values_yaml = OutputText(file);
  }
  ExpectChartGrantsWhatRbacYamlGrants(compilation, rbac_yaml, values_yaml);
}

// The compilation `options` selects whose context folder is `context_folder`
// ("" for a selection without contexts), prepared in a scratch workspace.
Compilation Prepare(const std::string& workspace, CompileRequest options,
                    const std::string& context_folder = "") {
  options.workspace_root = MakeWorkspace(workspace);
  absl::StatusOr<CompilationSet> set = PlanCompilations(options);
  EXPECT_TRUE(set.ok()) << set.status();
  if (!set.ok()) return {};
  EXPECT_FALSE(set->issues.has_errors()) << set->issues.Render();
  for (const Compilation& compilation : set->compilations) {
    if (compilation.context_folders.empty() &&
        compilation.policy.selection.context_folder == context_folder) {
      return compilation;
    }
  }
  ADD_FAILURE() << "no compilation for context folder \"" << context_folder
                << "\"";
  return {};
}

// A committed output folder: outputs/<bundle>/<profile>, or
// outputs/<bundle>/<profile>/<context> for a profile with contexts.
struct CommittedProfile {
  std::string bundle;
  std::string profile;
  // The context's folder, or "".
  std::string context_folder;

  std::string Folder() const {
    return absl::StrCat(
        "outputs/", bundle, "/", profile,
        context_folder.empty() ? "" : absl::StrCat("/", context_folder));
  }
};

// Names the folder in test failures.
void PrintTo(const CommittedProfile& profile, std::ostream* out) {
  *out << profile.Folder();
}

// Every committed output folder holding an rbac.yaml, from the runfiles.
std::vector<CommittedProfile> CommittedProfiles() {
  std::vector<CommittedProfile> profiles;
  const fs::path outputs = RunfilePath("outputs");
  if (!fs::is_directory(outputs)) return profiles;
  for (const fs::directory_entry& bundle : fs::directory_iterator(outputs)) {
    if (!bundle.is_directory()) continue;
    for (const fs::directory_entry& profile :
         fs::directory_iterator(bundle.path())) {
      if (!profile.is_directory()) continue;
      const std::string bundle_name = bundle.path().filename().string();
      const std::string profile_name = profile.path().filename().string();
      if (fs::exists(profile.path() / "rbac.yaml")) {
        profiles.push_back({bundle_name, profile_name, ""});
        continue;
      }
      for (const fs::directory_entry& context :
           fs::directory_iterator(profile.path())) {
        if (fs::exists(context.path() / "rbac.yaml")) {
          profiles.push_back(
              {bundle_name, profile_name, context.path().filename().string()});
        }
      }
    }
  }
  std::sort(profiles.begin(), profiles.end(),
            [](const CommittedProfile& a, const CommittedProfile& b) {
              return std::tie(a.bundle, a.profile, a.context_folder) <
                     std::tie(b.bundle, b.profile, b.context_folder);
            });
  return profiles;
}

class CommittedProfileTest : public ::testing::TestWithParam<CommittedProfile> {
};

TEST_P(CommittedProfileTest, ValuesYamlGrantsWhatRbacYamlGrants) {
  const CommittedProfile& committed = GetParam();
  CompileRequest options;
  options.bundle = committed.bundle;
  options.profile = committed.profile;
  const Compilation compilation =
      Prepare(absl::StrCat("committed_", committed.bundle, "_",
                           committed.profile, "_", committed.context_folder),
              options, committed.context_folder);
  ASSERT_NE(compilation.bundle, nullptr);
  const std::string folder = committed.Folder() + "/";
  const std::string rbac_yaml =
      ReadFileOrDie(RunfilePath(folder + "rbac.yaml"));
  if (absl::StrContains(rbac_yaml, ", its roles and bindings are ")) {
    // An identity mode whose application bootstraps its own account: the
    // chart carries only the launcher's roles (its API server launches), and
    // the application's own objects come only from rbac.yaml, as values.yaml
    // says; bootstrap_identity_test covers those outputs.
    GTEST_SKIP() << "the application's own objects are rbac.yaml's only";
  }
  ExpectChartGrantsWhatRbacYamlGrants(
      compilation, ReadFileOrDie(RunfilePath(folder + "rbac.yaml")),
      ReadFileOrDie(RunfilePath(folder + "values.yaml")));
}

INSTANTIATE_TEST_SUITE_P(
    Outputs, CommittedProfileTest, ::testing::ValuesIn(CommittedProfiles()),
    [](const ::testing::TestParamInfo<CommittedProfile>& info) {
      return absl::StrReplaceAll(
          absl::StrCat(info.param.bundle, "_", info.param.profile,
                       info.param.context_folder.empty() ? "" : "_",
                       info.param.context_folder),
          {{"-", "_"}});
    });

// The parameterized test above covers every bundle under policies/.
TEST(CommittedProfilesTest, EveryBundleHasCommittedProfiles) {
  std::set<std::string> committed;
  for (const CommittedProfile& profile : CommittedProfiles()) {
    committed.insert(profile.bundle);
  }
  std::set<std::string> bundles;
  for (const fs::directory_entry& entry :
       fs::directory_iterator(RunfilePath("policies"))) {
    if (fs::exists(entry.path() / "bundle.textproto")) {
      bundles.insert(entry.path().filename().string());
    }
  }
  EXPECT_FALSE(bundles.empty());
  EXPECT_EQ(committed, bundles);
}

// An ad-hoc selection: flags over a bundle's defaults or profile.
struct AdHocCase {
  std::string name;
  std::string bundle;
  std::string profile;
  std::vector<std::string> features;
  std::string namespace_name;
  std::string service_account;
  std::vector<std::string> subjects;
  std::string chart_release;
};

// Names the case in test failures.
void PrintTo(const AdHocCase& adhoc, std::ostream* out) { *out << adhoc.name; }

class AdHocSelectionTest : public ::testing::TestWithParam<AdHocCase> {};

TEST_P(AdHocSelectionTest, ValuesYamlGrantsWhatRbacYamlGrants) {
  const AdHocCase& adhoc = GetParam();
  CompileRequest options;
  options.bundle = adhoc.bundle;
  options.profile = adhoc.profile;
  if (!adhoc.features.empty()) {
    options.overrides.features =
        Located<std::vector<std::string>>{adhoc.features, {"--features"}, {}};
  }
  if (!adhoc.namespace_name.empty()) {
    options.overrides.namespaces = Located<std::vector<std::string>>{
        std::vector<std::string>{adhoc.namespace_name}, {"--namespace"}, {}};
  }
  if (!adhoc.service_account.empty()) {
    options.overrides.service_account = {
        {adhoc.service_account}, {"--service_account"}, {}};
  }
  if (!adhoc.subjects.empty()) {
    options.overrides.subjects =
        Located<std::vector<std::string>>{adhoc.subjects, {"--subjects"}, {}};
  }
  if (!adhoc.chart_release.empty()) {
    options.overrides.chart_release = {
        {adhoc.chart_release}, {"--chart_release"}, {}};
  }
  options.out_dir = "out";
  const Compilation compilation =
      Prepare(absl::StrCat("adhoc_", adhoc.name), options);
  ASSERT_NE(compilation.bundle, nullptr);
  ExpectCompiledChartGrantsWhatRbacYamlGrants(compilation);
}

INSTANTIATE_TEST_SUITE_P(
    Selections, AdHocSelectionTest,
    ::testing::Values(
        AdHocCase{"OtherNamespaceAndAccount",
                  "skypilot",
                  "full",
                  {},
                  "team-a",
                  "robot",
                  {}},
        AdHocCase{
            "ObjectStoreOnly", "skypilot", "", {"object-store"}, "", "", {}},
        AdHocCase{"ShowGpusAndIngress",
                  "skypilot",
                  "",
                  {"show-gpus", "ingress"},
                  "ml",
                  "",
                  {}},
        AdHocCase{
            "ExtraSubjects",
            "skypilot",
            "full",
            {},
            "",
            "",
            {"User:alice", "Group:ml-team", "ServiceAccount:ci/deployer"}},
        AdHocCase{"ChartRelease",
                  "skypilot",
                  "full",
                  {},
                  "ml",
                  "",
                  {},
                  "team-sky.prod"},
        AdHocCase{"LegacyOtherNamespaceAndAccount",
                  "skypilot-legacy",
                  "full",
                  {},
                  "team-b",
                  "legacy-robot",
                  {}}),
    [](const ::testing::TestParamInfo<AdHocCase>& info) {
      return info.param.name;
    });

// Every feature of the bundle, namespace-only (cluster_scope none): the
// chart's ClusterRole is the one declared exception.
TEST(NamespaceOnlySelectionTest, ValuesYamlGrantsWhatRbacYamlGrants) {
  CompileRequest options;
  options.bundle = "skypilot";
  options.overrides.features = Located<std::vector<std::string>>{
      {"base", "show-gpus", "object-store", "ingress"}, {"--features"}, {}};
  options.overrides.namespaces =
      Located<std::vector<std::string>>{{"tenant"}, {"--namespace"}, {}};
  options.overrides.cluster_scope = Located<v1::ClusterScope>{
      v1::CLUSTER_SCOPE_NONE, {"--cluster_scope"}, {}};
  const Compilation compilation = Prepare("adhoc_namespace_only", options);
  ASSERT_NE(compilation.bundle, nullptr);
  ASSERT_TRUE(compilation.policy.selection.namespace_only());
  ExpectCompiledChartGrantsWhatRbacYamlGrants(compilation);
}

}  // namespace
}  // namespace rbacc
