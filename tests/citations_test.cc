// Tests that the calls a declared rule serves (Rule.serves) travel with it:
// through compaction, whether the rule is merged with another or dropped as
// covered, and through compilation of a bundle with recorded calls.
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "compiler/common/authorizer.h"
#include "compiler/compiler.h"
#include "compiler/merge/compact.h"
#include "gtest/gtest.h"
#include "tests/testing/workspace.h"

namespace rbacc {
namespace {

DeclaredRule Declared(std::vector<std::string> resources,
                      std::vector<std::string> verbs, const std::string& reason,
                      const std::string& serves, int line) {
  DeclaredRule declared;
  declared.rule.api_groups = {""};
  declared.rule.resources = std::move(resources);
  declared.rule.verbs = std::move(verbs);
  declared.source.feature = "f";
  declared.source.reason = reason;
  declared.source.serves = serves;
  declared.source.location = {"f.textproto", line, 0};
  return declared;
}

TEST(CitationsTest, MergedRulesKeepEachSourcesCitations) {
  // Same verbs: one compiled rule for both resources, with both sources.
  const CompactedRules compacted = CompactRules(
      {Declared({"pods"}, {"get"}, "pods", "a.py:1 read_namespaced_pod", 1),
       Declared({"services"}, {"get"}, "services", "", 2)});
  ASSERT_EQ(compacted.rules.size(), 1u);
  ASSERT_EQ(compacted.rules[0].sources.size(), 2u);
  for (const RuleSource& source : compacted.rules[0].sources) {
    EXPECT_EQ(source.serves,
              source.reason == "pods" ? "a.py:1 read_namespaced_pod" : "");
  }
}

TEST(CitationsTest, CoveredRulesKeepTheirCitations) {
  const CompactedRules compacted = CompactRules(
      {Declared({"pods"}, {"*"}, "wide", "a.py:1 list_namespaced_pod", 1),
       Declared({"pods"}, {"get"}, "narrow", "a.py:9 read_namespaced_pod", 2)});
  ASSERT_FALSE(compacted.covered.empty());
  bool found = false;
  for (const RuleSource& source : *compacted.covered_sources) {
    if (source.reason == "narrow") {
      EXPECT_EQ(source.serves, "a.py:9 read_namespaced_pod");
      found = true;
    }
  }
  EXPECT_TRUE(found);
}

TEST(CitationsTest, TheRuleGrantingACallCitesIt) {
  const PolicyInput input = ::rbacc::testing::LoadPolicyOrFail(
      ::rbacc::testing::RunfilePath("tests/testdata/calls-demo") + ":full",
      ::rbacc::testing::MakeWorkspace("citations"));
  ASSERT_TRUE(input.compiled.has_value());
  Request request;
  request.verb = "create";
  request.api_group = "networking.k8s.io";
  request.resource = "ingresses";
  request.namespace_name = "default";
  const CompiledRule* granting = nullptr;
  ASSERT_TRUE(Authorizer(input.objects)
                  .Allows(ServiceAccountUser("default", "demo-sa"), request,
                          &granting));
  ASSERT_NE(granting, nullptr);
  // The compiled policy's rule with the same permissions carries the sources.
  bool cited = false;
  for (const ScopedRole& role : input.compiled->roles) {
    for (const CompiledRule& rule : role.rules.rules) {
      if (!(rule.rule == granting->rule)) continue;
      for (const RuleSource& source : rule.sources) {
        cited =
            cited || source.serves.find(
                         "network_utils.py:165 create_namespaced_ingress") !=
                         std::string::npos;
      }
    }
  }
  EXPECT_TRUE(cited);
}

TEST(CitationsTest, EachCallSiteIsCitedOncePerSource) {
  // instance.py:149 serves two recorded calls (two operations of one
  // list_namespaced_deployment site): the rule serving both cites it once.
  const PolicyInput input = ::rbacc::testing::LoadPolicyOrFail(
      "skypilot:full", ::rbacc::testing::MakeWorkspace("citations-once"));
  ASSERT_TRUE(input.compiled.has_value());
  bool saw_shared_site = false;
  for (const ScopedRole& role : input.compiled->roles) {
    for (const CompiledRule& rule : role.rules.rules) {
      for (const RuleSource& source : rule.sources) {
        const std::vector<std::string> cited =
            absl::StrSplit(source.serves, ", ", absl::SkipEmpty());
        const std::set<std::string> distinct(cited.begin(), cited.end());
        EXPECT_EQ(distinct.size(), cited.size()) << source.serves;
        saw_shared_site =
            saw_shared_site ||
            distinct.count("instance.py:149 list_namespaced_deployment") > 0;
      }
    }
  }
  EXPECT_TRUE(saw_shared_site);
}

}  // namespace
}  // namespace rbacc
