// Tests for how the diff shows wildcards: "*" with what it covers in
// Kubernetes' catalogue, and a narrowed wildcard with exactly what remains,
// checked against the authorizer's evaluation of both sides; and for the
// bound on how many single permissions a side may expand into.
#include "compiler/review/diff.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "compiler/common/authorizer.h"
#include "compiler/common/json_check.h"
#include "compiler/common/limits.h"
#include "compiler/common/rbac_objects.h"
#include "compiler/review/grants.h"
#include "gtest/gtest.h"

namespace rbacc {
namespace {

// A ClusterRole with one rule, bound cluster-wide to the user alice.
RbacObjects AliceMay(std::vector<std::string> groups,
                     std::vector<std::string> resources,
                     std::vector<std::string> verbs) {
  RbacObjects objects;
  RoleObject& role = objects.roles.emplace_back();
  role.metadata.name = "r";
  CompiledRule& rule = role.rules.emplace_back();
  rule.rule.api_groups = std::move(groups);
  rule.rule.resources = std::move(resources);
  rule.rule.verbs = std::move(verbs);
  BindingObject& binding = objects.bindings.emplace_back();
  binding.metadata.name = "b";
  binding.role_kind = "ClusterRole";
  binding.role_name = "r";
  binding.subjects.push_back({"User", "alice", ""});
  return objects;
}

bool Allows(const RbacObjects& objects, const std::string& verb) {
  Request request;
  request.verb = verb;
  request.resource = "pods";
  request.namespace_name = "default";
  return Authorizer(objects).Allows({"alice", {"system:authenticated"}},
                                    request);
}

TEST(DiffWildcardTest, NarrowingAWildcardShowsWhatRemains) {
  const RbacObjects before = AliceMay({""}, {"pods"}, {"*"});
  const RbacObjects after = AliceMay({""}, {"pods"}, {"get", "list"});
  const PolicyDiff diff = DiffPolicies(before, after);
  ASSERT_EQ(diff.removed.size(), 1u);
  EXPECT_TRUE(diff.added.empty());
  ASSERT_EQ(diff.removed_remaining.size(), 1u);
  const std::vector<std::string>& remaining = diff.removed_remaining[0];
  // Every pod verb of the catalogue: what remains is what the second side
  // allows, the rest is lost; the first side allowed them all.
  const std::vector<std::string> pod_verbs = {
      "get",    "list",  "watch",  "create",
      "update", "patch", "delete", "deletecollection"};
  for (const std::string& verb : pod_verbs) {
    EXPECT_TRUE(Allows(before, verb)) << verb;
    const bool kept =
        std::find(remaining.begin(), remaining.end(), verb) != remaining.end();
    EXPECT_EQ(kept, Allows(after, verb)) << verb;
  }
  EXPECT_EQ(remaining, (std::vector<std::string>{"get", "list"}));

  const std::string text = RenderDiff(diff, DiffFormat::kText, "a", "b");
  EXPECT_NE(text.find("- * (all 8 verbs) → get, list remain pods"),
            std::string::npos)
      << text;
  const std::string markdown =
      RenderDiff(diff, DiffFormat::kMarkdown, "a", "b");
  EXPECT_NE(markdown.find("`* (all 8 verbs) → get, list remain`"),
            std::string::npos)
      << markdown;
  const std::string json = RenderDiff(diff, DiffFormat::kJson, "a", "b");
  EXPECT_NE(json.find("\"verb\": \"*\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"remaining\": [\"get\", \"list\"]"), std::string::npos)
      << json;
}

TEST(DiffWildcardTest, RemovingAWildcardEntirelyLeavesNothing) {
  const RbacObjects before = AliceMay({""}, {"pods"}, {"*"});
  const PolicyDiff diff = DiffPolicies(before, RbacObjects{});
  ASSERT_EQ(diff.removed.size(), 1u);
  EXPECT_TRUE(diff.removed_remaining[0].empty());
  const std::string text = RenderDiff(diff, DiffFormat::kText, "a", "b");
  EXPECT_NE(text.find("- * (all 8 verbs) pods"), std::string::npos) << text;
  EXPECT_EQ(text.find("remain"), std::string::npos) << text;
}

TEST(DiffWildcardTest, WildcardResourcesAndGroupsSayWhatTheyCover) {
  const PolicyDiff diff =
      DiffPolicies(RbacObjects{}, AliceMay({"*"}, {"*"}, {"get"}));
  ASSERT_EQ(diff.added.size(), 1u);
  const std::string text = RenderDiff(diff, DiffFormat::kText, "a", "b");
  EXPECT_NE(text.find("+ get * (all "), std::string::npos) << text;
  EXPECT_NE(text.find("groups and any custom group)/* (every resource of "
                      "every group)"),
            std::string::npos)
      << text;
  const PolicyDiff apps =
      DiffPolicies(RbacObjects{}, AliceMay({"apps"}, {"*"}, {"get"}));
  EXPECT_NE(RenderDiff(apps, DiffFormat::kText, "a", "b")
                .find("+ get apps/* (all 5 resources of apps)"),
            std::string::npos)
      << RenderDiff(apps, DiffFormat::kText, "a", "b");
}

TEST(DiffJsonTest, InvalidUtf8InNamesAndLabelsStillGivesValidJson) {
  RbacObjects before = AliceMay({"\xff"}, {"pods\x80"}, {"get\xc3"});
  before.roles[0].metadata.name = "r\xe2\x82";
  before.bindings[0].role_name = "r\xe2\x82";
  before.bindings[0].subjects[0].name = "al\xedice";
  const PolicyDiff diff = DiffPolicies(before, AliceMay({""}, {"pods"}, {"*"}));
  ASSERT_FALSE(diff.removed.empty());
  ASSERT_FALSE(diff.objects.empty());
  const std::string json =
      RenderDiff(diff, DiffFormat::kJson, "a\xf0\x90", "b\xc0\xaf");
  EXPECT_TRUE(CheckJson(json).ok()) << CheckJson(json) << "\n" << json;
  EXPECT_NE(json.find("\"pods\\ufffd\""), std::string::npos) << json;
}

// `count` names with `prefix`: prefix0, prefix1, ...
std::vector<std::string> Names(const std::string& prefix, int count) {
  std::vector<std::string> names;
  for (int i = 0; i < count; ++i) names.push_back(prefix + std::to_string(i));
  return names;
}

TEST(GrantCountTest, RefusesAProductBombWithoutExpandingIt) {
  const RbacObjects bomb =
      AliceMay(Names("g", 100), Names("r", 100), Names("v", 100));
  const absl::Status status = CheckGrantCount(bomb, "cart.yaml");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "cart.yaml: grants 1000000 single permissions (largest: "
            "ClusterRole r: a rule of 100 groups x 100 resources x 100 verbs "
            "for 1 subject), more than the 100000 rbacc compares one by one; "
            "split the rule into the groups, resources and verbs it is meant "
            "to grant, or compare smaller files");
}

TEST(GrantCountTest, CountsWhatExpandGrantsGives) {
  RbacObjects objects = AliceMay(Names("g", 3), Names("r", 4), Names("v", 5));
  objects.bindings[0].subjects.push_back({"User", "bob", ""});
  EXPECT_EQ(ExpandGrants(objects).size(), 3u * 4 * 5 * 2);
  EXPECT_TRUE(CheckGrantCount(objects, "f.yaml").ok());
  // Exactly at the limit is still compared.
  const RbacObjects at_limit =
      AliceMay(Names("g", 10), Names("r", 100),
               Names("v", kMaxReviewPermissions / 1000));
  EXPECT_TRUE(CheckGrantCount(at_limit, "f.yaml").ok());
}

TEST(GrantCountTest, GrantsHoldTheirPermissionNotTheWholeRule) {
  const RbacObjects objects =
      AliceMay({"apps", ""}, {"deployments", "pods"}, {"get", "list"});
  const std::vector<Grant> grants = ExpandGrants(objects);
  ASSERT_EQ(grants.size(), 8u);
  for (const Grant& grant : grants) {
    EXPECT_EQ(grant.rule.rule.api_groups,
              std::vector<std::string>{grant.permission.group});
    EXPECT_EQ(grant.rule.rule.resources,
              std::vector<std::string>{grant.permission.target});
    EXPECT_EQ(grant.rule.rule.verbs,
              std::vector<std::string>{grant.permission.verb});
  }
}

}  // namespace
}  // namespace rbacc
