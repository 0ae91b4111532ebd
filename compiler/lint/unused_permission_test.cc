// Tests for lint's unused-permission: what a rule grants is evaluated against
// the recorded calls, and the narrower rule it suggests allows every call the
// rule served and nothing the calls do not use.
#include "compiler/lint/unused_permission.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "compiler/common/authorizer.h"
#include "compiler/lint/lint.h"
#include "compiler/merge/compile.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace rbacc {
namespace {

v1::ApiCall Call(const std::string& verb, const std::string& group,
                 const std::string& resource,
                 v1::CallScope scope = v1::CALL_SCOPE_TARGET_NAMESPACE,
                 const std::string& namespace_name = "") {
  v1::ApiCall call;
  call.set_id(absl::StrCat(verb, ".", resource));
  call.set_verb(verb);
  call.set_api_group(group);
  call.set_resource(resource);
  call.set_scope(scope);
  call.set_namespace_(namespace_name);
  call.add_features("f");
  return call;
}

v1::Rule ParseRule(const std::string& text) {
  v1::Rule rule;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &rule))
      << text;
  return rule;
}

Request RequestOf(const v1::ApiCall& call) {
  Request request;
  request.verb = call.verb();
  request.api_group = call.api_group();
  const size_t slash = call.resource().find('/');
  request.resource = call.resource().substr(0, slash);
  if (slash != std::string::npos) {
    request.subresource = call.resource().substr(slash + 1);
  }
  return request;
}

// True when one of the suggested rules allows `request`.
bool SuggestionAllows(const std::string& suggestion, const Request& request) {
  for (absl::string_view text : absl::StrSplit(suggestion, "; ")) {
    if (RuleAllows(ToPolicyRule(ParseRule(std::string(text))), request)) {
      return true;
    }
  }
  return false;
}

TEST(UnusedPermissionTest, RuleEveryPermissionOfWhichIsUsedIsSilent) {
  const v1::ApiCall get = Call("get", "", "pods");
  const v1::ApiCall create = Call("create", "", "pods");
  const PolicyRule rule = ToPolicyRule(ParseRule(R"pb(api_groups: ""
                                                      resources: "pods"
                                                      verbs: [ "get", "create" ]
  )pb"));
  EXPECT_FALSE(FindUnusedPermission(rule, {}, {&get, &create}).has_value());
}

TEST(UnusedPermissionTest, SuggestsTheUnionOfTheCallsServed) {
  const std::vector<v1::ApiCall> calls = {
      Call("get", "", "pods"), Call("create", "", "pods/exec"),
      Call("list", "", "services"),
      // Served by no rule below: another group.
      Call("update", "networking.k8s.io", "ingresses")};
  std::vector<const v1::ApiCall*> pointers;
  for (const v1::ApiCall& call : calls) pointers.push_back(&call);
  const PolicyRule rule = ToPolicyRule(ParseRule(
      R"pb(api_groups: ""
           resources: [ "pods", "pods/exec", "services", "secrets" ]
           verbs: [ "get", "list", "create", "delete" ])pb"));
  const std::optional<UnusedPermission> unused =
      FindUnusedPermission(rule, {}, pointers);
  ASSERT_TRUE(unused.has_value());
  EXPECT_NE(unused->message.find("get, list, create, delete on secrets"),
            std::string::npos)
      << unused->message;
  // The suggestion allows each call the rule allows, and no request the rule
  // grants that no call makes.
  for (const v1::ApiCall& call : calls) {
    EXPECT_EQ(SuggestionAllows(unused->suggestion, RequestOf(call)),
              RuleAllows(rule, RequestOf(call)))
        << call.id() << " in " << unused->suggestion;
  }
  for (const char* verb : {"list", "delete"}) {
    Request request = RequestOf(calls[0]);
    request.verb = verb;
    EXPECT_TRUE(RuleAllows(rule, request));
    EXPECT_FALSE(SuggestionAllows(unused->suggestion, request)) << verb;
  }
}

TEST(UnusedPermissionTest, CallsAreServedOnlyInTheirScope) {
  const v1::ApiCall target = Call("list", "", "services");
  const v1::ApiCall named = Call(
      "list", "", "services", v1::CALL_SCOPE_NAMED_NAMESPACE, "ingress-nginx");
  const PolicyRule rule = ToPolicyRule(ParseRule(R"pb(api_groups: ""
                                                      resources: "services"
                                                      verbs: "list")pb"));
  // A Role in the target namespace does not serve a call to ingress-nginx.
  EXPECT_TRUE(FindUnusedPermission(rule, {}, {&named}).has_value());
  EXPECT_FALSE(FindUnusedPermission(rule, {}, {&target}).has_value());
  // A Role in ingress-nginx serves it, and not the target namespace's.
  EXPECT_FALSE(FindUnusedPermission(rule, {false, "ingress-nginx"}, {&named})
                   .has_value());
  EXPECT_TRUE(FindUnusedPermission(rule, {false, "ingress-nginx"}, {&target})
                  .has_value());
  // A ClusterRole serves both.
  EXPECT_FALSE(FindUnusedPermission(rule, {true, ""}, {&target}).has_value());
  EXPECT_FALSE(FindUnusedPermission(rule, {true, ""}, {&named}).has_value());
}

// Lints feature "f" holding `rule_text` as a namespaced rule, with `calls`
// recorded (none: the bundle records no calls).
LintResult LintWithCalls(const std::string& rule_text,
                         const std::vector<v1::ApiCall>* calls) {
  LoadedBundle bundle;
  LoadedFeature feature;
  feature.proto.set_name("f");
  feature.source.display_path = "f.textproto";
  *feature.proto.add_namespace_rules() = ParseRule(rule_text);
  bundle.features.emplace("f", feature);
  if (calls != nullptr) {
    bundle.calls.emplace();
    for (const v1::ApiCall& call : *calls) {
      *bundle.calls->proto.add_calls() = call;
    }
  }
  CompiledPolicy policy;
  policy.selection.features = {"f"};
  policy.selection.namespaces = {"default"};
  absl::StatusOr<ResourceCatalog> catalog = ResourceCatalog::Builtin();
  EXPECT_TRUE(catalog.ok());
  return LintPolicy(bundle, policy, *catalog);
}

int CountUnused(const LintResult& result, bool acknowledged) {
  int count = 0;
  for (const LintFinding& finding : result.findings) {
    if (std::string(finding.check->id) == "unused-permission" &&
        finding.acknowledged == acknowledged) {
      ++count;
    }
  }
  return count;
}

TEST(UnusedPermissionTest, LintReportsItOnlyForBundlesWithCalls) {
  const std::string rule =
      R"pb(api_groups: "" resources: "secrets" verbs: "get" reason: "r")pb";
  const std::vector<v1::ApiCall> calls = {Call("get", "", "pods")};
  EXPECT_EQ(CountUnused(LintWithCalls(rule, &calls), false), 1);
  EXPECT_EQ(CountUnused(LintWithCalls(rule, nullptr), false), 0);
  // A call of a feature the selection does not have is not a use.
  std::vector<v1::ApiCall> other = {Call("get", "", "secrets")};
  other[0].set_features(0, "g");
  EXPECT_EQ(CountUnused(LintWithCalls(rule, &other), false), 1);
  other[0].set_features(0, "f");
  EXPECT_EQ(CountUnused(LintWithCalls(rule, &other), false), 0);
}

TEST(UnusedPermissionTest, AllowAcknowledgesIt) {
  const std::vector<v1::ApiCall> calls = {Call("get", "", "pods")};
  const LintResult result = LintWithCalls(
      R"pb(api_groups: ""
           resources: "secrets"
           verbs: "get"
           reason: "r"
           allow { id: "unused-permission" reason: "kept for the page" })pb",
      &calls);
  EXPECT_EQ(CountUnused(result, true), 1);
  EXPECT_EQ(CountUnused(result, false), 0);
  EXPECT_TRUE(result.unused_allowances.empty());
}

}  // namespace
}  // namespace rbacc
