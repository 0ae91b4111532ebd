// Tests for the coverage analysis: the calls-demo bundle's calls evaluated
// against its compilations, by the authorizer, per scope, identity, feature
// and identity mode.
#include "compiler/review/coverage.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "compiler/common/authorizer.h"
#include "compiler/common/json_check.h"
#include "compiler/review/policy_input.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "tests/testing/workspace.h"

namespace rbacc {
namespace {

using ::rbacc::testing::LoadPolicyOrFail;
using ::rbacc::testing::MakeWorkspace;
using ::rbacc::testing::ReadFileOrDie;
using ::rbacc::testing::RunfilePath;

constexpr char kDemo[] = "tests/testdata/calls-demo";

v1::CallRecord DemoCalls() {
  v1::CallRecord calls;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(
      ReadFileOrDie(RunfilePath(absl::StrCat(kDemo, "/calls.textproto"))),
      &calls));
  return calls;
}

// The compilation of `selection` ("full", "minimal", "base,ingress") of the
// demo bundle, with its service account as launcher and pods.
CoverageTarget DemoTarget(const std::string& selection) {
  const PolicyInput input =
      LoadPolicyOrFail(absl::StrCat(RunfilePath(kDemo), ":", selection),
                       MakeWorkspace("coverage_" + selection));
  CoverageTarget target;
  target.label = selection;
  target.objects = input.objects;
  if (!input.compiled.has_value()) return target;
  target.features = input.compiled->selection.features;
  target.namespaces = input.compiled->selection.namespaces;
  const CoverageIdentity account{"ServiceAccount:default/demo-sa",
                                 ServiceAccountUser("default", "demo-sa")};
  target.launchers = {account};
  target.pods = {account};
  return target;
}

std::vector<std::string> DeniedIds(const CoverageReport& report) {
  std::vector<std::string> ids;
  for (const DeniedCall& denied : report.denied) {
    ids.push_back(denied.call->id());
  }
  return ids;
}

TEST(CoverageTest, ReportsEveryCallTheCompilationDenies) {
  const v1::CallRecord calls = DemoCalls();
  const CoverageReport report = EvaluateCoverage(calls, DemoTarget("full"));
  EXPECT_EQ(report.evaluated_calls, calls.calls_size());
  EXPECT_EQ(report.skipped_calls, 0);
  // The demo's rules grant no events and no update on ingresses.
  EXPECT_EQ(DeniedIds(report),
            (std::vector<std::string>{"events.create",
                                      "network_utils.replace_ingress"}));
  EXPECT_EQ(report.denied[0].feature, "base");
  EXPECT_EQ(report.denied[0].namespace_name, "default");
  EXPECT_EQ(report.denied[1].feature, "ingress");
  EXPECT_TRUE(report.fails());
}

TEST(CoverageTest, EveryAllowedCallIsAllowedByTheAuthorizer) {
  const v1::CallRecord calls = DemoCalls();
  const CoverageTarget target = DemoTarget("full");
  const CoverageReport report = EvaluateCoverage(calls, target);
  const std::vector<std::string> denied = DeniedIds(report);
  const Authorizer authorizer(target.objects);
  for (const v1::ApiCall& call : calls.calls()) {
    Request request;
    request.verb = call.verb();
    request.api_group = call.api_group();
    const size_t slash = call.resource().find('/');
    request.resource = call.resource().substr(0, slash);
    if (slash != std::string::npos) {
      request.subresource = call.resource().substr(slash + 1);
    }
    request.namespace_name =
        call.scope() == v1::CALL_SCOPE_TARGET_NAMESPACE  ? "default"
        : call.scope() == v1::CALL_SCOPE_NAMED_NAMESPACE ? call.namespace_()
                                                         : "";
    const bool is_denied =
        std::find(denied.begin(), denied.end(), call.id()) != denied.end();
    EXPECT_EQ(authorizer.Allows(target.pods[0].user, request), !is_denied)
        << call.id();
  }
}

TEST(CoverageTest, CallsOfUnselectedFeaturesAreSkipped) {
  const v1::CallRecord calls = DemoCalls();
  const CoverageReport report = EvaluateCoverage(calls, DemoTarget("minimal"));
  int ingress_calls = 0;
  for (const v1::ApiCall& call : calls.calls()) {
    if (call.features(0) == "ingress") ++ingress_calls;
  }
  EXPECT_EQ(report.skipped_calls, ingress_calls);
  EXPECT_EQ(DeniedIds(report), std::vector<std::string>{"events.create"});
  // The only denial degrades.
  EXPECT_FALSE(report.fails());
}

TEST(CoverageTest, ScopesAddressTheirNamespaces) {
  v1::CallRecord calls = DemoCalls();
  // A Role in the target namespace grants list on pods there, not across
  // namespaces; the ingress-nginx Role grants services there, not elsewhere.
  v1::ApiCall* all = calls.add_calls();
  *all = calls.calls(1);
  all->set_id("list_all_pods");
  all->set_scope(v1::CALL_SCOPE_ALL_NAMESPACES);
  v1::ApiCall* other = calls.add_calls();
  *other = calls.calls(9);
  ASSERT_EQ(other->namespace_(), "ingress-nginx");
  other->set_id("services_elsewhere");
  other->set_namespace_("kube-system");
  const CoverageReport report = EvaluateCoverage(calls, DemoTarget("full"));
  const std::vector<std::string> denied = DeniedIds(report);
  EXPECT_NE(std::find(denied.begin(), denied.end(), "list_all_pods"),
            denied.end());
  EXPECT_NE(std::find(denied.begin(), denied.end(), "services_elsewhere"),
            denied.end());
  EXPECT_EQ(std::find(denied.begin(), denied.end(),
                      "network_utils.list_controller_services"),
            denied.end());
}

TEST(CoverageTest, IdentityModesAndIdentitiesSelectWhoIsAsked) {
  v1::CallRecord calls = DemoCalls();
  calls.mutable_calls(5)->add_identity_modes("SERVICE_ACCOUNT");
  CoverageTarget target = DemoTarget("full");
  // A custom account: the call of SERVICE_ACCOUNT mode alone is skipped.
  CoverageReport report = EvaluateCoverage(calls, target);
  EXPECT_EQ(report.skipped_calls, 1);
  EXPECT_EQ(DeniedIds(report),
            std::vector<std::string>{"network_utils.replace_ingress"});
  // A launcher no role is bound to is denied every launcher call, and only
  // those.
  target.launchers = {{"User:mallory", UserInfo{"mallory", {}}}};
  report = EvaluateCoverage(calls, target);
  for (const DeniedCall& denied : report.denied) {
    EXPECT_EQ(denied.call->identity(), v1::CALL_IDENTITY_LAUNCHER);
    EXPECT_EQ(denied.identity, "User:mallory");
  }
  int launcher_calls = 0;
  for (const v1::ApiCall& call : calls.calls()) {
    if (call.identity() == v1::CALL_IDENTITY_LAUNCHER) ++launcher_calls;
  }
  EXPECT_EQ(static_cast<int>(report.denied.size()), launcher_calls);
}

TEST(CoverageTest, RendersCitationsAndOutcomes) {
  const v1::CallRecord calls = DemoCalls();
  const CoverageReport report = EvaluateCoverage(calls, DemoTarget("full"));
  const std::string text = RenderCoverage(report, CoverageFormat::kText);
  EXPECT_NE(text.find("network_utils.py:171 replace_namespaced_ingress: "
                      "update networking.k8s.io/ingresses in default"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("replacing the ingress for a port fails"),
            std::string::npos);
  EXPECT_NE(text.find("recording the autodown event degrades"),
            std::string::npos);
  const std::string json = RenderCoverage(report, CoverageFormat::kJson);
  EXPECT_NE(json.find("\"fails\": true"), std::string::npos) << json;
  const std::string markdown =
      RenderCoverage(report, CoverageFormat::kMarkdown);
  EXPECT_NE(markdown.find("#### ingress"), std::string::npos) << markdown;
  EXPECT_EQ(CallCitation(calls.calls(7)),
            "network_utils.py:165 create_namespaced_ingress");
}

TEST(CoverageTest, InvalidUtf8InCallsAndLabelsStillGivesValidJson) {
  v1::CallRecord calls = DemoCalls();
  for (v1::ApiCall& call : *calls.mutable_calls()) {
    call.set_site(call.site() + "\xff");
    call.set_degrades("\xc3(");
  }
  CoverageReport report = EvaluateCoverage(calls, DemoTarget("full"));
  ASSERT_FALSE(report.denied.empty());
  report.label = "full\x80";
  report.notes.push_back("note \xed\xa0\x80");
  report.denied[0].identity = "User:\xf4\x90\x80\x80";
  const std::string json = RenderCoverage(report, CoverageFormat::kJson);
  EXPECT_TRUE(CheckJson(json).ok()) << CheckJson(json) << "\n" << json;
  EXPECT_NE(json.find("\"full\\ufffd\""), std::string::npos) << json;
}

}  // namespace
}  // namespace rbacc
