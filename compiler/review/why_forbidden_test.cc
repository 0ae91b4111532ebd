// Tests for Diagnose: its verdicts on the committed skypilot bundle, and that
// the smallest rule it suggests grants the denied request, by the authorizer.
#include "compiler/review/why_forbidden.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "compiler/catalog/catalog.h"
#include "compiler/common/authorizer.h"
#include "compiler/common/issue.h"
#include "compiler/common/rbac_objects.h"
#include "compiler/load/bundle_loader.h"
#include "compiler/load/source_file.h"
#include "compiler/merge/compile.h"
#include "compiler/review/forbidden_message.h"
#include "compiler/validate/catalog_checks.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/testing/workspace.h"

namespace rbacc {
namespace {

using ::rbacc::testing::LoadPolicyOrFail;
using ::rbacc::testing::MakeWorkspace;

// Spells a compile command as "compile BUNDLE:PROFILE FEATURES", enough to
// tell what Diagnose asks to compile.
std::string SpellCommand(const std::string& bundle_argument,
                         const std::string& profile, const Selection& selection,
                         const SelectionOverrides& overrides,
                         const std::optional<std::string>& out_dir) {
  return absl::StrCat("compile ", bundle_argument, ":", profile, " ",
                      overrides.features
                          ? absl::StrJoin(selection.requested_features, ",")
                          : "",
                      out_dir ? absl::StrCat(" ", *out_dir) : "");
}

class DiagnoseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    workspace_ = MakeWorkspace("diagnose");
    IssueList issues;
    absl::StatusOr<LoadedBundle> bundle = LoadBundle(
        workspace_ + "/policies/skypilot", "policies/skypilot", &issues);
    ASSERT_TRUE(bundle.ok()) << bundle.status();
    ASSERT_FALSE(issues.has_errors());
    bundle_ = std::make_shared<const LoadedBundle>(*std::move(bundle));
    absl::StatusOr<ResourceCatalog> catalog =
        CatalogForBundle(*bundle_, &issues);
    ASSERT_TRUE(catalog.ok()) << catalog.status();
    catalog_ = std::make_shared<const ResourceCatalog>(*std::move(catalog));
  }

  // The input examining profile `profile` of the skypilot bundle, as given by
  // the user.
  DiagnoseInput ForProfile(const std::string& profile) {
    DiagnoseInput input;
    input.bundles = {{"skypilot", bundle_, catalog_}};
    input.selection_given = true;
    input.compile_command = SpellCommand;
    ExaminedSelection examined;
    examined.spec.bundle = "skypilot";
    examined.spec.profile = profile;
    examined.spec.label = absl::StrCat("skypilot:", profile);
    examined.input = LoadPolicyOrFail(examined.spec.label, workspace_);
    examined.bundle = bundle_;
    input.selections.push_back(std::move(examined));
    return input;
  }

  // Diagnose's answer to `text` (a Forbidden message), failing on an error.
  Report Answer(const std::string& text, const DiagnoseInput& input) {
    const absl::StatusOr<ForbiddenMessage> message =
        ParseForbiddenMessage(text);
    EXPECT_TRUE(message.ok()) << message.status();
    if (!message.ok()) return Report();
    absl::StatusOr<Report> report = Diagnose(*message, input);
    EXPECT_TRUE(report.ok()) << report.status();
    return report.ok() ? *std::move(report) : Report();
  }

  std::string workspace_;
  std::shared_ptr<const LoadedBundle> bundle_;
  std::shared_ptr<const ResourceCatalog> catalog_;
};

constexpr char kListPods[] =
    "pods is forbidden: User \"system:serviceaccount:default:sky-sa\" cannot "
    "list resource \"pods\" in API group \"\" in the namespace \"default\"";

constexpr char kCreateIngress[] =
    "ingresses.networking.k8s.io is forbidden: User "
    "\"system:serviceaccount:default:sky-sa\" cannot create resource "
    "\"ingresses\" in API group \"networking.k8s.io\" in the namespace "
    "\"default\"";

TEST_F(DiagnoseTest, AGrantingProfileIsGranted) {
  const Report report = Answer(kListPods, ForProfile("minimal"));
  EXPECT_EQ(report.verdict, Verdict::kGranted);
  EXPECT_EQ(VerdictName(report.verdict), "granted");
  EXPECT_EQ(report.subject, (Subject{"ServiceAccount", "sky-sa", "default"}));
  ASSERT_EQ(report.selections.size(), 1u);
  EXPECT_EQ(report.selections[0].command, "compile skypilot:minimal ");
  EXPECT_FALSE(report.suggested_fix.has_value());
}

TEST_F(DiagnoseTest, AnotherSubjectIsBoundToAnotherSubject) {
  const Report report = Answer(
      "pods is forbidden: User \"alice\" cannot list resource \"pods\" in API "
      "group \"\" in the namespace \"default\"",
      ForProfile("minimal"));
  EXPECT_EQ(report.verdict, Verdict::kBoundToAnotherSubject);
  EXPECT_EQ(report.subject, (Subject{"User", "alice", ""}));
}

TEST_F(DiagnoseTest, AFeatureTheProfileLacksIsMissing) {
  const Report report = Answer(kCreateIngress, ForProfile("minimal"));
  EXPECT_EQ(report.verdict, Verdict::kMissingFeature);
  ASSERT_FALSE(report.features.empty());
  EXPECT_EQ(report.features[0].feature, "ingress");
  EXPECT_EQ(report.features[0].scope, RoleScope::kTargetNamespace);
  ASSERT_EQ(report.selections.size(), 1u);
  EXPECT_EQ(report.selections[0].finding, Verdict::kMissingFeature);
  // A committed profile is edited, then compiled as it is: flags overriding
  // it would overwrite its committed outputs.
  ASSERT_TRUE(report.selections[0].profile_edit.has_value());
  EXPECT_EQ(report.selections[0].profile_edit->file,
            "policies/skypilot/profiles/minimal.textproto");
  EXPECT_EQ(report.selections[0].profile_edit->edits,
            std::vector<std::string>{"add \"ingress\" to features"});
  EXPECT_EQ(report.selections[0].command, "compile skypilot:minimal ");
  // SkyPilot creates the Ingress in network_utils.py, and fails without it.
  std::vector<std::string> calls;
  for (const CallMatch& match : report.calls) {
    EXPECT_EQ(match.application, "SkyPilot");
    calls.push_back(match.call.id());
  }
  EXPECT_EQ(calls, std::vector<std::string>{"network_utils.create_ingress"});
  ASSERT_EQ(report.calls.size(), 1u);
  EXPECT_EQ(report.calls[0].call.on_forbidden(), v1::FORBIDDEN_FAILS);
}

TEST_F(DiagnoseTest, ACallNamingItsObjectAfterTheNamespaceMatchesThatName) {
  const std::string message =
      "rolebindings.rbac.authorization.k8s.io "
      "\"skypilot-system-service-account-role-binding-ml\" is forbidden: User "
      "\"alice\" cannot patch resource \"rolebindings\" in API group "
      "\"rbac.authorization.k8s.io\" in the namespace \"skypilot-system\"";
  std::vector<std::string> calls;
  for (const CallMatch& match : Answer(message, ForProfile("full")).calls) {
    calls.push_back(match.call.id());
  }
  EXPECT_EQ(calls, std::vector<std::string>{
                       "config.patch_skypilot_system_role_binding"});
  // Another object's name is not that call's.
  const std::string other =
      absl::StrReplaceAll(message, {{"role-binding-ml", "other-binding"}});
  EXPECT_TRUE(Answer(other, ForProfile("full")).calls.empty());
}

TEST_F(DiagnoseTest, AnAdHocSelectionGetsTheChangedCommand) {
  DiagnoseInput input = ForProfile("minimal");
  ExaminedSelection& examined = input.selections[0];
  examined.spec.overrides.features =
      Located<std::vector<std::string>>{{"base"}, {"--features"}, {}};
  const Report report = Answer(kCreateIngress, input);
  ASSERT_EQ(report.selections.size(), 1u);
  EXPECT_FALSE(report.selections[0].profile_edit.has_value());
  EXPECT_EQ(report.selections[0].command,
            "compile skypilot:minimal base,ingress");
}

TEST_F(DiagnoseTest, RbacYamlNamesTheCommittedProfilesBindingTheAsker) {
  DiagnoseInput input = ForProfile("minimal");
  input.selection_given = false;
  input.rbac = PolicyInput();
  input.rbac->label = "empty.yaml";
  const Report report = Answer(kCreateIngress, input);
  // The YAML decides the verdict; the committed profile binding the asker
  // says how it would grant it, not a new selection "no profile binds".
  EXPECT_EQ(report.verdict, Verdict::kMissingFeature);
  ASSERT_EQ(report.selections.size(), 2u);
  EXPECT_EQ(report.selections[0].selection, "empty.yaml");
  EXPECT_EQ(report.selections[0].finding, Verdict::kNotGranted);
  EXPECT_EQ(report.selections[1].selection, "skypilot:minimal");
  EXPECT_EQ(report.selections[1].finding, Verdict::kMissingFeature);
}

TEST_F(DiagnoseTest, SearchesAtLeastOneBundle) {
  const absl::StatusOr<ForbiddenMessage> message =
      ParseForbiddenMessage(kListPods);
  ASSERT_TRUE(message.ok());
  DiagnoseInput input;
  input.compile_command = SpellCommand;
  EXPECT_EQ(Diagnose(*message, input).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// The objects a feature's one rule compiles to, bound to `user_subject`:
// a ClusterRole for a cluster rule, else a Role in `namespace_name`.
RbacObjects GrantFix(const SuggestedFix& fix, const Subject& user_subject,
                     const std::string& namespace_name) {
  const v1::Feature& feature = fix.feature;
  v1::Rule rule;
  std::string role_namespace;
  if (feature.cluster_rules_size() == 1) {
    rule = feature.cluster_rules(0);
  } else if (feature.namespace_rules_size() == 1) {
    rule = feature.namespace_rules(0);
    role_namespace = namespace_name;
  } else {
    EXPECT_EQ(feature.fixed_namespace_rules_size(), 1);
    rule = feature.fixed_namespace_rules(0).rules(0);
    role_namespace = feature.fixed_namespace_rules(0).namespace_();
  }
  RbacObjects objects;
  RoleObject role;
  role.metadata.name = "suggested";
  role.metadata.namespace_name = role_namespace;
  role.rules.push_back({ToPolicyRule(rule), {}});
  objects.roles.push_back(role);
  BindingObject binding;
  binding.metadata = role.metadata;
  binding.role_kind = role_namespace.empty() ? "ClusterRole" : "Role";
  binding.role_name = "suggested";
  binding.subjects = {user_subject};
  objects.bindings.push_back(binding);
  return objects;
}

struct UngrantedCase {
  std::string name;
  std::string message;
  // Which field holds the rule: "cluster_rules", "namespace_rules" or
  // "fixed_namespace_rules".
  std::string field;
  // True when the resource is a CRD's, unknown to the catalogue.
  bool custom_resource = false;
};

void PrintTo(const UngrantedCase& ungranted, std::ostream* out) {
  *out << ungranted.name;
}

class SuggestedFixTest : public DiagnoseTest,
                         public ::testing::WithParamInterface<UngrantedCase> {};

TEST_P(SuggestedFixTest, GrantsExactlyTheDeniedRequest) {
  const UngrantedCase& ungranted = GetParam();
  DiagnoseInput input = ForProfile("full");
  const Report report = Answer(ungranted.message, input);
  ASSERT_EQ(report.verdict, Verdict::kNotGranted);
  ASSERT_TRUE(report.suggested_fix.has_value());
  const SuggestedFix& fix = *report.suggested_fix;
  EXPECT_EQ(fix.bundle_name, "skypilot");
  const v1::Feature& feature = fix.feature;
  EXPECT_EQ(ungranted.field == "cluster_rules", feature.cluster_rules_size());
  EXPECT_EQ(ungranted.field == "namespace_rules",
            feature.namespace_rules_size());
  EXPECT_EQ(ungranted.field == "fixed_namespace_rules",
            feature.fixed_namespace_rules_size());

  const Request& request = report.message.request;
  const RbacObjects objects =
      GrantFix(fix, report.subject, request.namespace_name);
  const Authorizer authorizer(objects);
  const UserInfo user = ServiceAccountUser("default", "sky-sa");
  EXPECT_TRUE(authorizer.Allows(user, request));
  Request other = request;
  other.verb = request.verb == "get" ? "delete" : "get";
  EXPECT_FALSE(authorizer.Allows(user, other));
  if (!request.name.empty()) {
    other = request;
    other.name = "another-name";
    EXPECT_FALSE(authorizer.Allows(user, other));
  }

  // The rule passes the validator's catalogue checks, with the custom
  // resource declared when the catalogue does not know the resource.
  EXPECT_EQ(fix.custom_resource.has_value(), ungranted.custom_resource);
  LoadedBundle declared = *bundle_;
  if (fix.custom_resource) {
    *declared.proto.add_custom_resources() = *fix.custom_resource;
  }
  IssueList issues;
  const absl::StatusOr<ResourceCatalog> catalog =
      CatalogForBundle(declared, &issues);
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  const bool cluster_scope = ungranted.field == "cluster_rules";
  const v1::Rule& rule = cluster_scope ? feature.cluster_rules(0)
                         : ungranted.field == "namespace_rules"
                             ? feature.namespace_rules(0)
                             : feature.fixed_namespace_rules(0).rules(0);
  CheckRuleAgainstCatalog(rule, cluster_scope, *catalog, SourceFile(), "rule",
                          &issues);
  EXPECT_FALSE(issues.has_errors()) << issues.Render({});

  // The file holds the feature, as protobuf's text format reads it back.
  v1::Feature read_back;
  ASSERT_TRUE(
      google::protobuf::TextFormat::ParseFromString(fix.file_text, &read_back))
      << fix.file_text;
  EXPECT_TRUE(
      google::protobuf::util::MessageDifferencer::Equals(read_back, feature))
      << fix.file_text;
}

INSTANTIATE_TEST_SUITE_P(
    Requests, SuggestedFixTest,
    ::testing::Values(
        UngrantedCase{"NamedInTargetNamespace",
                      "cronjobs.batch \"nightly\" is forbidden: User "
                      "\"system:serviceaccount:default:sky-sa\" cannot get "
                      "resource \"cronjobs\" in API group \"batch\" in the "
                      "namespace \"default\"",
                      "namespace_rules"},
        UngrantedCase{
            "FixedNamespace",
            "leases.coordination.k8s.io is forbidden: User "
            "\"system:serviceaccount:default:sky-sa\" cannot list resource "
            "\"leases\" in API group \"coordination.k8s.io\" in the namespace "
            "\"skypilot-system\"",
            "fixed_namespace_rules"},
        UngrantedCase{"CustomResourceWithCustomVerb",
                      "jobs.batch.volcano.sh \"job-1\" is forbidden: User "
                      "\"system:serviceaccount:default:sky-sa\" cannot "
                      "suspend resource \"jobs/status\" in API group "
                      "\"batch.volcano.sh\" in the namespace \"default\"",
                      "namespace_rules", true},
        UngrantedCase{
            "NonResourceUrl",
            "forbidden: User \"system:serviceaccount:default:sky-sa\" "
            "cannot get path \"/metrics\"",
            "cluster_rules"}),
    [](const ::testing::TestParamInfo<UngrantedCase>& info) {
      return info.param.name;
    });

}  // namespace
}  // namespace rbacc
