// The review tools agree with the authorizer: `import` round-trips the page's
// example and every committed output (every subject either side binds is
// allowed the same requests), and `explain` names, for every permission of
// every committed profile, exactly the features whose declared rules grant
// it. (`diff` has review_diff_test, `can-i` can_i_test.)
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "compiler/common/aggregation.h"
#include "compiler/common/authorizer.h"
#include "compiler/common/issue.h"
#include "compiler/compiler.h"
#include "compiler/load/bundle_loader.h"
#include "compiler/merge/compile.h"
#include "compiler/review/diff.h"
#include "compiler/review/explain.h"
#include "compiler/review/importer.h"
#include "compiler/review/policy_input.h"
#include "compiler/review/rbac_yaml_reader.h"
#include "gtest/gtest.h"
#include "tests/testing/workspace.h"

namespace rbacc {
namespace {

using ::rbacc::testing::AllowedRequests;
using ::rbacc::testing::BoundUsers;
using ::rbacc::testing::CatalogRequestsIn;
using ::rbacc::testing::CommittedOutputs;
using ::rbacc::testing::CommittedProfile;
using ::rbacc::testing::CommittedProfiles;
using ::rbacc::testing::LoadPolicyOrFail;
using ::rbacc::testing::MakeWorkspace;
using ::rbacc::testing::ReadFileOrDie;
using ::rbacc::testing::ReadRbacFile;
using ::rbacc::testing::RequestUniverse;
using ::rbacc::testing::RunfilePath;
using ::rbacc::testing::WriteFile;

const UserInfo& SkyUser() {
  static const auto* const kUser =
      new UserInfo(ServiceAccountUser("default", "sky-sa"));
  return *kUser;
}

// An identity mode without an account, added to the scratch bundle: the
// SkyPilot bundle's modes all have SkyPilot's own account.
constexpr char kSubjectsOnlyMode[] = "SUBJECTS_ONLY";

// The selection overrides that compile feature `feature` for the subjects
// `imported` names. Without an account, the mode without one
// (kSubjectsOnlyMode) binds the roles to the subjects alone.
SelectionOverrides ImportedSelection(const std::string& feature,
                                     const ImportedSubjects& imported) {
  const SourceLocation flag{"test"};
  SelectionOverrides overrides;
  overrides.features = {{feature}, flag, {}};
  overrides.namespaces = {imported.namespaces, flag, {}};
  if (imported.service_account.empty()) {
    overrides.remote_identity = {kSubjectsOnlyMode, flag, {}};
  } else {
    overrides.service_account = {imported.service_account, flag, {}};
    overrides.create_service_account = {
        imported.create_service_account, flag, {}};
  }
  std::vector<std::string> subjects;
  for (const Subject& subject : imported.other_subjects) {
    subjects.push_back(
        subject.kind == "ServiceAccount"
            ? absl::StrCat("ServiceAccount:", subject.namespace_name, "/",
                           subject.name)
            : absl::StrCat(subject.kind, ":", subject.name));
  }
  if (!subjects.empty()) overrides.subjects = {subjects, flag, {}};
  return overrides;
}

// Imports the YAML at `path` into a scratch copy of the SkyPilot bundle
// (workspace "review_import_<name>"),
// compiles it for the subjects the import names, and checks that every
// subject either side binds (and one nothing binds) is allowed the same
// requests as on a cluster (aggregated ClusterRoles resolved, as `rbacc
// import` resolves them).
void ExpectImportRoundTrips(const std::string& path, const std::string& name) {
  SCOPED_TRACE(path);
  RbacObjects source = ReadRbacFile(path);
  ResolveAggregation(&source);
  absl::StatusOr<std::string> feature =
      ImportFeature(source, {"imported", "source.yaml"});
  ASSERT_TRUE(feature.ok()) << feature.status();
  const ImportedSubjects imported = ImportSubjects(source);
  EXPECT_NE(feature->find(imported.Flags()), std::string::npos) << *feature;

  const std::string workspace = MakeWorkspace(
      absl::StrCat("review_import_", absl::StrReplaceAll(name, {{"/", "_"}})));
  WriteFile(workspace + "/policies/skypilot/imported.textproto", *feature);
  const std::string bundle_file =
      workspace + "/policies/skypilot/bundle.textproto";
  WriteFile(bundle_file,
            absl::StrCat(absl::StrReplaceAll(
                             ReadFileOrDie(bundle_file),
                             {{"\napplication {\n",
                               absl::StrCat("\napplication {\n  identity_modes "
                                            "{ name: \"",
                                            kSubjectsOnlyMode, "\" }\n")}}),
                         "\nfeatures: \"imported\"\n"));
  PolicySpec spec;
  spec.bundle = "skypilot";
  spec.overrides = ImportedSelection("imported", imported);
  IssueList issues;
  std::map<std::string, std::string> texts;
  absl::StatusOr<PolicyInput> compiled =
      LoadPolicyInput(spec, workspace, &issues, &texts);
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  ASSERT_FALSE(issues.has_errors()) << issues.Render(texts) << *feature;

  const std::vector<Request> universe =
      RequestUniverse({&source, &compiled->objects});
  std::vector<UserInfo> users = BoundUsers({&source, &compiled->objects});
  ASSERT_FALSE(users.empty());
  users.push_back({"probe-outsider", {"system:authenticated"}});
  for (const UserInfo& user : users) {
    EXPECT_TRUE(AllowedRequests(source, user, universe) ==
                AllowedRequests(compiled->objects, user, universe))
        << user.name << "\n"
        << *feature;
  }
  const PolicyDiff diff = DiffPolicies(source, compiled->objects);
  EXPECT_TRUE(diff.added.empty() && diff.removed.empty())
      << RenderDiff(diff, DiffFormat::kText, path, "imported");
}

TEST(ReviewTest, ImportRoundTripsThePageAndEveryCommittedOutput) {
  ExpectImportRoundTrips(RunfilePath("tests/testdata/create-sky-sa.yaml"),
                         "page");
  for (const std::string& output : CommittedOutputs()) {
    // An identity mode whose application bootstraps its own account binds
    // two identities to different roles (the application's objects and the
    // launcher's), which one imported feature cannot express;
    // bootstrap_identity_test covers those outputs.
    if (absl::StrContains(ReadFileOrDie(RunfilePath(output)),
                          ", its roles and bindings are ")) {
      continue;
    }
    ExpectImportRoundTrips(RunfilePath(output), output);
  }
}

// An aggregated ClusterRole's grants (the rules of the roles it selects) are
// imported: the round trip grants what the cluster grants.
TEST(ReviewTest, ImportRoundTripsAnAggregatedClusterRole) {
  const std::string path = RunfilePath("tests/testdata/aggregated-roles.yaml");
  ExpectImportRoundTrips(path, "aggregated");
  RbacObjects source = ReadRbacFile(path);
  ResolveAggregation(&source);
  Request list_deployments;
  list_deployments.verb = "list";
  list_deployments.api_group = "apps";
  list_deployments.resource = "deployments";
  list_deployments.namespace_name = "default";
  // Not vacuous: the aggregation is what grants it.
  EXPECT_TRUE(Authorizer(source).Allows(
      ServiceAccountUser("monitoring", "agent"), list_deployments));
  // The header does not say the aggregated roles grant nothing.
  absl::StatusOr<std::string> feature =
      ImportFeature(source, {"imported", "aggregated-roles.yaml"});
  ASSERT_TRUE(feature.ok()) << feature.status();
  for (const char* role : {"monitoring-pods", "monitoring-apps"}) {
    EXPECT_TRUE(absl::StrContains(
        *feature, absl::StrCat("# Not imported: ClusterRole ", role,
                               " is bound by nothing itself; its rules are "
                               "imported as those of the ClusterRole that "
                               "aggregates it.\n")))
        << *feature;
  }
}

// The account is the bound one, not one the YAML creates and binds nothing
// to; a group bound beside it becomes --subjects, which bind it to every role:
// the header says so when the YAML binds it to some only.
TEST(ReviewTest, ImportBindsWhatTheYamlBinds) {
  const std::string path = RunfilePath("tests/testdata/import-subjects.yaml");
  const RbacObjects source = ReadRbacFile(path);
  const ImportedSubjects imported = ImportSubjects(source);
  EXPECT_EQ(imported.Flags(),
            "--namespace=team-b --service_account=robot "
            "--subjects=Group:ml-team");
  EXPECT_TRUE(imported.create_service_account);
  absl::StatusOr<std::string> feature =
      ImportFeature(source, {"imported", "source.yaml"});
  ASSERT_TRUE(feature.ok()) << feature.status();
  EXPECT_NE(feature->find("# Group ml-team is bound to some of the roles only; "
                          "--subjects binds it to all of them."),
            std::string::npos)
      << *feature;

  // Bound to both roles, the group round-trips.
  const std::string text = ReadFileOrDie(path);
  const std::string both = absl::StrReplaceAll(
      text, {{"    namespace: team-b\nroleRef:\n  kind: Role\n",
              "    namespace: team-b\n  - kind: Group\n    name: ml-team\n"
              "    apiGroup: rbac.authorization.k8s.io\nroleRef:\n  kind: "
              "Role\n"}});
  ASSERT_NE(both, text);
  const std::string workspace = MakeWorkspace("review_import_input");
  WriteFile(workspace + "/both.yaml", both);
  ExpectImportRoundTrips(workspace + "/both.yaml", "both");
  absl::StatusOr<std::string> both_feature = ImportFeature(
      ReadRbacFile(workspace + "/both.yaml"), {"imported", "both.yaml"});
  ASSERT_TRUE(both_feature.ok()) << both_feature.status();
  EXPECT_EQ(both_feature->find("some of the roles only"), std::string::npos);
}

TEST(ReviewTest, ImportKeepsThePagesCommentsAsReasons) {
  const RbacObjects page =
      ReadRbacFile(RunfilePath("tests/testdata/create-sky-sa.yaml"));
  absl::StatusOr<std::string> feature =
      ImportFeature(page, {"page", "create-sky-sa.yaml"});
  ASSERT_TRUE(feature.ok()) << feature.status();
  EXPECT_NE(feature->find("reason: \"Required for managing SSH keys\""),
            std::string::npos);
  EXPECT_NE(feature->find("reason: \"Required for getting node resources.\""),
            std::string::npos);
}

// The features of `selection` whose rules, as declared in the policy files,
// grant `request` to `user`: cluster rules to every subject the selection
// binds, anywhere; namespace rules in each target namespace to its account
// and the extra subjects; fixed-namespace rules in that namespace to every
// subject.
std::set<std::string> DeclaringFeatures(const LoadedBundle& bundle,
                                        const Selection& selection,
                                        const UserInfo& user,
                                        const Request& request) {
  const auto binds = [&](const std::vector<Subject>& subjects) {
    return std::any_of(subjects.begin(), subjects.end(),
                       [&](const Subject& subject) {
                         return SubjectAppliesTo(subject, user, "");
                       });
  };
  std::vector<Subject> everyone = selection.ServiceAccounts();
  everyone.insert(everyone.end(), selection.extra_subjects.begin(),
                  selection.extra_subjects.end());
  bool in_target_namespace = false;
  for (const Subject& account : selection.ServiceAccounts()) {
    std::vector<Subject> bound = selection.extra_subjects;
    bound.push_back(account);
    in_target_namespace |=
        account.namespace_name == request.namespace_name && binds(bound);
  }
  if (selection.service_account.empty()) {
    in_target_namespace =
        std::find(selection.namespaces.begin(), selection.namespaces.end(),
                  request.namespace_name) != selection.namespaces.end() &&
        binds(selection.extra_subjects);
  }
  const bool bound = binds(everyone);
  const auto any_allows =
      [&](const google::protobuf::RepeatedPtrField<v1::Rule>& rules) {
        return std::any_of(rules.begin(), rules.end(), [&](const v1::Rule& r) {
          return RuleAllows(ToPolicyRule(r), request);
        });
      };
  // A namespace-only selection (cluster_scope none) keeps only the rules of
  // the target namespaces.
  const bool outside_kept = bound && !selection.namespace_only();
  std::set<std::string> features;
  for (const std::string& name : selection.features) {
    const v1::Feature& feature = bundle.features.at(name).proto;
    bool grants = outside_kept && any_allows(feature.cluster_rules());
    grants |= in_target_namespace && any_allows(feature.namespace_rules());
    for (const v1::FixedNamespaceGrant& fixed :
         feature.fixed_namespace_rules()) {
      grants |= outside_kept && fixed.namespace_() == request.namespace_name &&
                any_allows(fixed.rules());
    }
    if (grants) features.insert(name);
  }
  return features;
}

// The features the explanation of a request names as granting it: the
// sources of its granting rules and the covered declarations it lists.
std::set<std::string> ExplainedFeatures(const RequestExplanation& explanation) {
  std::set<std::string> features;
  for (const RuleChain& chain : explanation.granting) {
    for (const RuleSource& source : chain.rule.sources) {
      features.insert(source.feature);
    }
    for (const RuleSource& source : chain.covered) {
      features.insert(source.feature);
    }
  }
  return features;
}

// Checks, for the selection `reference` of bundle `bundle_name` in
// `workspace`, that explain lists every source's feature and place, and that
// for every request of the catalogue (in the target and fixed namespaces,
// another one and cluster-wide) that a bound subject is allowed, the features
// it names are exactly those whose declared rules grant the request. Returns
// how many granted requests it checked.
int ExpectExplainNamesTheDeclaringFeatures(const std::string& workspace,
                                           const std::string& bundle_name,
                                           const std::string& reference) {
  SCOPED_TRACE(reference);
  const PolicyInput input = LoadPolicyOrFail(reference, workspace);
  EXPECT_TRUE(input.compiled.has_value());
  if (!input.compiled) return 0;
  const Selection& selection = input.compiled->selection;
  IssueList issues;
  absl::StatusOr<LoadedBundle> bundle =
      LoadBundle(BundleDirectory(workspace, bundle_name), bundle_name, &issues);
  EXPECT_TRUE(bundle.ok()) << bundle.status();
  if (!bundle.ok()) return 0;

  // Without a request: every source's feature and place is listed.
  const std::string listing = RenderPolicyExplanation(input);
  for (const ScopedRole& role : input.compiled->roles) {
    for (const CompiledRule& rule : role.rules.rules) {
      for (const RuleSource& source : rule.sources) {
        EXPECT_NE(listing.find(absl::StrCat("feature ", source.feature, " ",
                                            source.location.file, ":",
                                            source.location.line + 1)),
                  std::string::npos)
            << source.feature << " " << source.location.ToString();
      }
    }
  }

  // With a request: exactly the features whose declared rules grant it.
  std::set<std::string> namespaces = {"", "probe-namespace"};
  namespaces.insert(selection.namespaces.begin(), selection.namespaces.end());
  for (const v1::FixedNamespace& fixed : bundle->proto.fixed_namespaces()) {
    namespaces.insert(fixed.name());
  }
  const std::vector<Request> requests = CatalogRequestsIn(namespaces);
  const Authorizer authorizer(input.objects);
  int granted = 0, wrong = 0;
  const std::string bootstrapped_account =
      selection.bootstraps() ? ServiceAccountUser(selection.primary_namespace(),
                                                  selection.service_account)
                                   .name
                             : "";
  for (const UserInfo& user : BoundUsers({&input.objects})) {
    // The account an application bootstraps is bound only by the
    // application's own objects, which no feature declares.
    if (user.name == bootstrapped_account) continue;
    for (const Request& request : requests) {
      const std::set<std::string> declaring =
          DeclaringFeatures(*bundle, selection, user, request);
      if (!authorizer.Allows(user, request)) {
        EXPECT_TRUE(declaring.empty());
        continue;
      }
      ++granted;
      std::set<std::string> explained =
          ExplainedFeatures(ExplainPolicyRequest(input, user, request));
      // The launcher's bootstrap rules are the identity mode's, not a
      // feature's.
      if (selection.bootstraps()) {
        explained.erase(selection.identity_mode->name());
      }
      if (explained != declaring && ++wrong <= 10) {
        ADD_FAILURE() << user.name << " " << request.verb << " "
                      << request.api_group << "/" << request.resource << "/"
                      << request.subresource << " name=" << request.name
                      << " ns=" << request.namespace_name << ": explained ["
                      << absl::StrJoin(explained, ", ") << "], declared by ["
                      << absl::StrJoin(declaring, ", ") << "]";
      }
    }
  }
  EXPECT_EQ(wrong, 0) << "of " << granted << " granted requests";
  return granted;
}

TEST(ReviewTest, ExplainNamesExactlyTheFeaturesThatGrantEachPermission) {
  const std::string workspace = MakeWorkspace("review_explain");
  for (const CommittedProfile& profile : CommittedProfiles()) {
    EXPECT_GT(ExpectExplainNamesTheDeclaringFeatures(workspace, profile.bundle,
                                                     profile.Reference()),
              20);
  }
}

// Two features declaring one resource with different verbs share a compiled
// rule, and a feature's rule that another one covers is dropped: explain
// still names exactly the features that grant each request.
TEST(ReviewTest, ExplainNamesExactlyTheFeaturesOfMergedAndCoveredRules) {
  const std::string workspace = MakeWorkspace("review_explain_overlap");
  const std::string bundle = workspace + "/policies/skypilot-docs/";
  WriteFile(bundle + "get-pods.textproto", R"(name: "get-pods"
summary: "Reads pods everywhere."
cluster_rules {
  api_groups: ""
  resources: "pods"
  verbs: "get"
  reason: "Merges with show-gpus' get and list."
}
)");
  WriteFile(bundle + "read-secrets.textproto", R"(name: "read-secrets"
summary: "Reads secrets."
namespace_rules {
  api_groups: ""
  resources: "secrets"
  verbs: ["get", "list"]
  reason: "Covered by base's secrets rule."
}
)");
  WriteFile(bundle + "bundle.textproto",
            absl::StrCat(ReadFileOrDie(bundle + "bundle.textproto"),
                         "\nfeatures: \"get-pods\"\nfeatures: "
                         "\"read-secrets\"\n"));
  const std::string reference =
      "skypilot-docs:base,show-gpus,get-pods,read-secrets";
  EXPECT_GT(ExpectExplainNamesTheDeclaringFeatures(workspace, "skypilot-docs",
                                                   reference),
            100);

  // The cases themselves: list pods is show-gpus' alone, get pods both.
  const PolicyInput input = LoadPolicyOrFail(reference, workspace);
  Request request;
  request.verb = "list";
  request.resource = "pods";
  EXPECT_EQ(ExplainedFeatures(ExplainPolicyRequest(input, SkyUser(), request)),
            (std::set<std::string>{"show-gpus"}));
  request.verb = "get";
  EXPECT_EQ(ExplainedFeatures(ExplainPolicyRequest(input, SkyUser(), request)),
            (std::set<std::string>{"get-pods", "show-gpus"}));
  request.resource = "secrets";
  request.namespace_name = "default";
  const RequestExplanation secrets =
      ExplainPolicyRequest(input, SkyUser(), request);
  EXPECT_EQ(ExplainedFeatures(secrets),
            (std::set<std::string>{"base", "read-secrets"}));
  EXPECT_NE(RenderRequestExplanation(secrets, request)
                .find("also feature read-secrets policies/skypilot-docs/"
                      "read-secrets.textproto:3"),
            std::string::npos)
      << RenderRequestExplanation(secrets, request);
}

TEST(ReviewTest, ExplainGivesTheClosestRuleWhenDenied) {
  const std::string workspace = MakeWorkspace("review_explain_denied");
  const PolicyInput input =
      LoadPolicyOrFail("skypilot-docs:minimal", workspace);
  Request request;
  request.verb = "delete";
  request.resource = "events";
  request.namespace_name = "default";
  const RequestExplanation explanation =
      ExplainPolicyRequest(input, SkyUser(), request);
  EXPECT_FALSE(explanation.allowed);
  ASSERT_EQ(explanation.closest.size(), 1u);
  EXPECT_EQ(explanation.closest[0].rule.rule.resources,
            std::vector<std::string>{"events"});
  EXPECT_EQ(
      explanation.mismatches,
      std::vector<std::string>{"verb delete is not in [get, list, watch]"});
}

}  // namespace
}  // namespace rbacc
