// Tests for rule compaction: the canonical form DESIGN.md §3 describes, and the
// two properties every compaction must keep: it allows exactly what the
// declared rules allow, and its result does not depend on the order of the
// declared rules.
#include "compiler/merge/compact.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "compiler/common/authorizer.h"
#include "compiler/merge/compact_steps.h"
#include "gtest/gtest.h"

namespace rbacc {
namespace {

// Parses "group|res1,res2|verb1,verb2|name1,name2" ("url:" before the resources
// for a non-resource rule: "|url:/a,/b|get|").
PolicyRule Rule(const std::string& text) {
  const std::vector<std::string> parts = absl::StrSplit(text, '|');
  const auto list = [](const std::string& field) -> std::vector<std::string> {
    if (field.empty()) return {};
    return absl::StrSplit(field, ',');
  };
  PolicyRule rule;
  if (absl::StartsWith(parts[1], "url:")) {
    rule.non_resource_urls = list(parts[1].substr(4));
  } else {
    rule.api_groups = {parts[0]};
    rule.resources = list(parts[1]);
  }
  rule.verbs = list(parts[2]);
  rule.resource_names = list(parts.size() > 3 ? parts[3] : "");
  return rule;
}

// The inverse of Rule(), for readable expectations.
std::string Text(const PolicyRule& rule) {
  if (!rule.non_resource_urls.empty()) {
    return absl::StrCat("|url:", absl::StrJoin(rule.non_resource_urls, ","),
                        "|", absl::StrJoin(rule.verbs, ","), "|");
  }
  return absl::StrCat(absl::StrJoin(rule.api_groups, ","), "|",
                      absl::StrJoin(rule.resources, ","), "|",
                      absl::StrJoin(rule.verbs, ","), "|",
                      absl::StrJoin(rule.resource_names, ","));
}

std::vector<DeclaredRule> Declare(const std::vector<std::string>& rules) {
  std::vector<DeclaredRule> declared;
  for (size_t i = 0; i < rules.size(); ++i) {
    RuleSource source;
    source.feature = absl::StrCat("f", i);
    source.reason = absl::StrCat("reason ", i);
    source.location = {"test.textproto", static_cast<int>(i), 0};
    declared.push_back({Rule(rules[i]), source});
  }
  return declared;
}

std::vector<std::string> CompactedTexts(const std::vector<std::string>& rules) {
  std::vector<std::string> texts;
  for (const CompiledRule& rule : CompactRules(Declare(rules)).rules) {
    texts.push_back(Text(rule.rule));
  }
  return texts;
}

struct CompactCase {
  std::string name;
  std::vector<std::string> declared;
  std::vector<std::string> expected;
};

class CompactTableTest : public ::testing::TestWithParam<CompactCase> {};

TEST_P(CompactTableTest, Compacts) {
  EXPECT_EQ(CompactedTexts(GetParam().declared), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CompactTableTest,
    ::testing::Values(
        CompactCase{"Duplicate", {"|pods|get|", "|pods|get|"}, {"|pods|get|"}},
        CompactCase{"VerbsInKubernetesOrder",
                    {"|pods|patch,get,watch,list,delete,create,update,"
                     "deletecollection|"},
                    {"|pods|get,list,watch,create,update,patch,delete,"
                     "deletecollection|"}},
        CompactCase{"OtherVerbsAfterStandardOnesAlphabetically",
                    {"|pods|use,get,bind|"},
                    {"|pods|get,bind,use|"}},
        CompactCase{"SameGroupAndResourceMergeVerbs",
                    {"|pods|get|", "|pods|list,watch|"},
                    {"|pods|get,list,watch|"}},
        CompactCase{"SameGroupAndVerbsMergeResources",
                    {"|services|*|", "|pods,pods/exec|*|", "|secrets|*|"},
                    {"|pods,pods/exec,secrets,services|*|"}},
        CompactCase{"StarVerbAbsorbsNamedVerbs",
                    {"|pods|get,list|", "|pods|*|"},
                    {"|pods|*|"}},
        CompactCase{"StarGroupCoversNamedGroup",
                    {"apps|deployments|get|", "*|deployments|get|"},
                    {"*|deployments|get|"}},
        CompactCase{"StarResourceCoversSubresources",
                    {"|pods/exec|get|", "|*|get|"},
                    {"|*|get|"}},
        CompactCase{"StarSlashSubresourceCoversThatSubresourceOnly",
                    {"apps|deployments/scale|get|", "apps|deployments|get|",
                     "apps|*/scale|get|"},
                    {"apps|*/scale,deployments|get|"}},
        CompactCase{"ResourceDoesNotCoverItsSubresources",
                    {"|pods|*|", "|pods/exec|*|"},
                    {"|pods,pods/exec|*|"}},
        CompactCase{"RuleWithoutNamesCoversNamedRule",
                    {"|configmaps|get|a,b", "|configmaps|get|"},
                    {"|configmaps|get|"}},
        CompactCase{"NamesSupersetCoversSubset",
                    {"|configmaps|get|a", "|configmaps|get|b,a"},
                    {"|configmaps|get|a,b"}},
        CompactCase{"NamedRuleDoesNotCoverUnnamed",
                    {"|configmaps|get|", "|configmaps|update|a"},
                    {"|configmaps|get|", "|configmaps|update|a"}},
        CompactCase{"DifferentGroupsStayApart",
                    {"|nodes|get|", "node.k8s.io|runtimeclasses|get|"},
                    {"|nodes|get|", "node.k8s.io|runtimeclasses|get|"}},
        CompactCase{
            "UrlPrefixCovers",
            {"|url:/logs/a|get|", "|url:/logs/*|get|", "|url:/healthz|get|"},
            {"|url:/healthz,/logs/*|get|"}},
        CompactCase{
            "ResourceRulesBeforeUrlRules",
            {"|url:/healthz|get|", "apps|daemonsets|get|", "|pods|get|"},
            {"|pods|get|", "apps|daemonsets|get|", "|url:/healthz|get|"}}),
    [](const ::testing::TestParamInfo<CompactCase>& info) {
      return info.param.name;
    });

TEST(CompactTest, CoveredGrantsNameTheirCoverer) {
  const CompactedRules result =
      CompactRules(Declare({"|pods|get|", "|pods|*|"}));
  ASSERT_EQ(result.covered.size(), 1u);
  EXPECT_EQ(Text(*result.covered[0].grant), "|pods|get|");
  EXPECT_EQ(result.covered[0].source->feature, "f0");
  EXPECT_EQ(result.covered[0].covered_by->feature, "f1");
}

TEST(CompactTest, SourcesKeepEachResourcesReason) {
  const CompactedRules result = CompactRules(
      Declare({"|pods,pods/exec|*|", "|services|*|", "|secrets|*|"}));
  ASSERT_EQ(result.rules.size(), 1u);
  const std::vector<RuleSource>& sources = result.rules[0].sources;
  ASSERT_EQ(sources.size(), 3u);
  EXPECT_EQ(sources[0].reason, "reason 0");
  EXPECT_EQ(sources[0].resources,
            (std::vector<std::string>{"pods", "pods/exec"}));
  EXPECT_EQ(sources[1].resources, (std::vector<std::string>{"services"}));
  EXPECT_EQ(sources[2].resources, (std::vector<std::string>{"secrets"}));
}

// The steps of CompactRules (compact_steps.h), one at a time.
using compact_internal::GroupIntoRules;
using compact_internal::MergeIntoRules;
using compact_internal::NumberAtoms;
using compact_internal::NumberedAtoms;
using compact_internal::RankVerbs;
using compact_internal::RuleKey;
using compact_internal::SourcesOfRule;
using compact_internal::VerbRanks;

// The positions of every atom of `numbered`.
std::vector<uint32_t> AllAtoms(const NumberedAtoms& numbered) {
  std::vector<uint32_t> all(numbered.atoms.size());
  for (uint32_t k = 0; k < all.size(); ++k) all[k] = k;
  return all;
}

TEST(CompactStepsTest, NumberAtomsNumbersStringsInSortedOrder) {
  const std::vector<DeclaredRule> declared = Declare({"apps|pods|watch|b,a"});
  const NumberedAtoms numbered = NumberAtoms(declared);
  // "" and "*" are always numbered; ids follow the strings' order.
  EXPECT_EQ(numbered.strings.Id(""), 0u);
  EXPECT_EQ(numbered.strings.Id("*"), 1u);
  EXPECT_LT(numbered.strings.Id("a"), numbered.strings.Id("b"));
  EXPECT_LT(numbered.strings.Id("pods"), numbered.strings.Id("watch"));
  EXPECT_EQ(numbered.strings.Id("nodes"), compact_internal::kMissing);
  ASSERT_EQ(numbered.atoms.size(), 1u);
  const std::vector<uint32_t>& names =
      numbered.name_sets.Names(numbered.atoms[0].names);
  ASSERT_EQ(names.size(), 2u);
  EXPECT_EQ(numbered.strings.Text(names[0]), "a");
  EXPECT_EQ(numbered.strings.Text(names[1]), "b");
}

TEST(CompactStepsTest, NumberAtomsSplitsAndSortsWithTheirHolders) {
  // Rules 0 and 2 both hold "|pods|get|"; rule 1 holds a URL atom.
  const std::vector<DeclaredRule> declared =
      Declare({"|pods,nodes|get|", "|url:/healthz|get|", "|pods|get|"});
  const NumberedAtoms numbered = NumberAtoms(declared);
  ASSERT_EQ(numbered.atoms.size(), 3u);
  EXPECT_TRUE(std::is_sorted(numbered.atoms.begin(), numbered.atoms.end()));
  EXPECT_EQ(numbered.strings.Text(numbered.atoms[0].target), "nodes");
  EXPECT_EQ(numbered.strings.Text(numbered.atoms[1].target), "pods");
  EXPECT_TRUE(numbered.atoms[2].is_url);
  EXPECT_EQ(numbered.strings.Text(numbered.atoms[2].target), "/healthz");
  ASSERT_EQ(numbered.first_held, (std::vector<uint32_t>{0, 1, 3, 4}));
  EXPECT_EQ(numbered.held[1].rule, 0u);
  EXPECT_EQ(numbered.held[2].rule, 2u);
  EXPECT_EQ(numbered.held[3].rule, 1u);
}

TEST(CompactStepsTest, RankVerbsFollowsKubernetesOrder) {
  const std::vector<DeclaredRule> declared =
      Declare({"|pods|watch,delete,get,list|"});
  const NumberedAtoms numbered = NumberAtoms(declared);
  const VerbRanks ranks =
      RankVerbs(numbered.atoms, numbered.strings, AllAtoms(numbered));
  ASSERT_EQ(ranks.size(), 4u);
  const auto rank = [&](const char* verb) {
    return ranks.at(numbered.strings.Id(verb));
  };
  EXPECT_LT(rank("get"), rank("list"));
  EXPECT_LT(rank("list"), rank("watch"));
  EXPECT_LT(rank("watch"), rank("delete"));
}

TEST(CompactStepsTest, GroupIntoRulesMergesVerbsThenTargets) {
  // pods and services share verbs {get, list}: one rule; secrets has only get.
  const std::vector<DeclaredRule> declared =
      Declare({"|pods,services|list,get|", "|secrets|get|"});
  const NumberedAtoms numbered = NumberAtoms(declared);
  const std::vector<uint32_t> kept = AllAtoms(numbered);
  const VerbRanks ranks = RankVerbs(numbered.atoms, numbered.strings, kept);
  const std::map<RuleKey, std::vector<uint32_t>> rules =
      GroupIntoRules(numbered.atoms, kept, ranks);
  ASSERT_EQ(rules.size(), 2u);
  std::vector<std::string> described;
  for (const auto& [key, rule_atoms] : rules) {
    std::vector<std::string> verbs;
    for (uint32_t verb : key.verbs) {
      verbs.emplace_back(numbered.strings.Text(verb));
    }
    std::vector<std::string> targets;
    for (uint32_t k : rule_atoms) {
      targets.emplace_back(numbered.strings.Text(numbered.atoms[k].target));
    }
    described.push_back(absl::StrCat(absl::StrJoin(verbs, ","), " ",
                                     absl::StrJoin(targets, ",")));
  }
  EXPECT_EQ(described, (std::vector<std::string>{"get secrets",
                                                 "get,list pods,pods,services,"
                                                 "services"}));
}

TEST(CompactStepsTest, SourcesOfRuleJoinsSameDeclaration) {
  std::vector<DeclaredRule> declared =
      Declare({"|services|get|", "|pods|get|", "|pods|get|"});
  // Rule 2 repeats rule 0's declaration: one source with both resources.
  declared[2].source = declared[0].source;
  const NumberedAtoms numbered = NumberAtoms(declared);
  const std::vector<RuleSource> sources =
      SourcesOfRule(declared, numbered, AllAtoms(numbered));
  ASSERT_EQ(sources.size(), 2u);
  EXPECT_EQ(sources[0].feature, "f0");
  EXPECT_EQ(sources[0].resources,
            (std::vector<std::string>{"pods", "services"}));
  EXPECT_EQ(sources[1].feature, "f1");
  EXPECT_EQ(sources[1].resources, (std::vector<std::string>{"pods"}));
}

TEST(CompactStepsTest, MergeIntoRulesOrdersRulesCanonically) {
  const std::vector<DeclaredRule> declared =
      Declare({"|url:/b,/a|get|", "|secrets|get|", "apps|deployments|get|",
               "|pods|get,list|"});
  const NumberedAtoms numbered = NumberAtoms(declared);
  std::vector<std::string> texts;
  for (const CompiledRule& rule :
       MergeIntoRules(declared, numbered, AllAtoms(numbered))) {
    texts.push_back(Text(rule.rule));
  }
  EXPECT_EQ(texts, (std::vector<std::string>{"|pods|get,list|", "|secrets|get|",
                                             "apps|deployments|get|",
                                             "|url:/a,/b|get|"}));
}

TEST(IsCoveredTest, Answers) {
  EXPECT_TRUE(
      IsCovered(Rule("storage.k8s.io|storageclasses|get,list|"),
                {Rule("storage.k8s.io|storageclasses|get,list,watch|")}));
  EXPECT_FALSE(
      IsCovered(Rule("storage.k8s.io|storageclasses|create|"),
                {Rule("storage.k8s.io|storageclasses|get,list,watch|")}));
  EXPECT_TRUE(IsCovered(Rule("apps|daemonsets|get|"), {Rule("*|*|*|")}));
  EXPECT_FALSE(IsCovered(Rule("|pods|get|"), {}));
}

// Random rules over a small vocabulary, so that overlaps and wildcards are
// frequent.
std::vector<std::string> RandomRules(std::mt19937& random, int count) {
  const std::vector<std::string> groups = {"", "apps", "*"};
  const std::vector<std::string> resources = {
      "pods", "pods/exec", "pods/log", "deployments", "*", "*/exec"};
  const std::vector<std::string> verbs = {"get", "list", "create", "delete",
                                          "*"};
  const std::vector<std::string> names = {"", "a", "b", "a,b"};
  const std::vector<std::string> urls = {"/healthz", "/logs/*", "/logs/x", "*"};
  const auto pick = [&](const std::vector<std::string>& from) {
    return from[std::uniform_int_distribution<size_t>(0,
                                                      from.size() - 1)(random)];
  };
  std::vector<std::string> rules;
  for (int i = 0; i < count; ++i) {
    if (std::uniform_int_distribution<int>(0, 9)(random) == 0) {
      rules.push_back(absl::StrCat("|url:", pick(urls), "|", pick(verbs), "|"));
      continue;
    }
    std::string resource_list = pick(resources);
    if (std::uniform_int_distribution<int>(0, 2)(random) == 0) {
      resource_list = absl::StrCat(resource_list, ",", pick(resources));
    }
    rules.push_back(absl::StrCat(pick(groups), "|", resource_list, "|",
                                 pick(verbs), ",", pick(verbs), "|",
                                 pick(names)));
  }
  return rules;
}

// Every request the vocabulary above can distinguish, plus some it never names.
std::vector<Request> ProbeRequests() {
  std::vector<Request> requests;
  for (const std::string verb :
       {"get", "list", "create", "delete", "watch", "patch"}) {
    for (const std::string group : {"", "apps", "batch"}) {
      for (const std::string resource : {"pods", "deployments", "services"}) {
        for (const std::string subresource : {"", "exec", "log", "status"}) {
          for (const std::string name : {"", "a", "b", "c"}) {
            requests.push_back(
                {verb, true, group, resource, subresource, name, "", ""});
          }
        }
      }
    }
    for (const std::string path :
         {"/healthz", "/logs/x", "/logs/y", "/logs", "/metrics"}) {
      Request request;
      request.verb = verb;
      request.is_resource_request = false;
      request.path = path;
      requests.push_back(request);
    }
  }
  return requests;
}

bool AnyAllows(const std::vector<PolicyRule>& rules, const Request& request) {
  return std::any_of(rules.begin(), rules.end(), [&](const PolicyRule& rule) {
    return RuleAllows(rule, request);
  });
}

TEST(CompactTest, UrlPatternsThatCoverEachOtherKeepOne) {
  // Kubernetes trims every trailing "*": /a* and /a** both allow any path
  // starting with /a, so each covers the other; one of them must stay.
  for (const auto& order : std::vector<std::vector<std::string>>{
           {"|url:/a*|get|", "|url:/a**|get|"},
           {"|url:/a**|get|", "|url:/a*|get|"}}) {
    const CompactedRules result = CompactRules(Declare(order));
    std::vector<PolicyRule> after;
    for (const CompiledRule& rule : result.rules) after.push_back(rule.rule);
    Request request;
    request.verb = "get";
    request.is_resource_request = false;
    request.path = "/a/b";
    EXPECT_TRUE(AnyAllows(after, request)) << absl::StrJoin(order, " ; ");
    ASSERT_EQ(after.size(), 1u);
    EXPECT_EQ(Text(after[0]), "|url:/a*|get|");
    ASSERT_EQ(result.covered.size(), 1u);
    EXPECT_EQ(Text(*result.covered[0].grant), "|url:/a**|get|");
  }
}

TEST(CompactPropertyTest, AllowsExactlyWhatTheDeclaredRulesAllowInAnyOrder) {
  std::mt19937 random(20261123);
  const std::vector<Request> requests = ProbeRequests();
  for (int round = 0; round < 200; ++round) {
    const std::vector<std::string> texts = RandomRules(random, 1 + round % 12);
    std::vector<DeclaredRule> declared = Declare(texts);
    std::vector<PolicyRule> before;
    for (const DeclaredRule& rule : declared) before.push_back(rule.rule);
    const CompactedRules compacted = CompactRules(declared);
    std::vector<PolicyRule> after;
    for (const CompiledRule& rule : compacted.rules) after.push_back(rule.rule);
    for (const Request& request : requests) {
      ASSERT_EQ(AnyAllows(before, request), AnyAllows(after, request))
          << "rules: " << absl::StrJoin(texts, " ; ")
          << "\nrequest: " << request.verb << " " << request.api_group << "/"
          << request.resource << "/" << request.subresource
          << " name=" << request.name << " path=" << request.path;
    }
    std::shuffle(declared.begin(), declared.end(), random);
    const CompactedRules shuffled = CompactRules(declared);
    ASSERT_EQ(shuffled.rules.size(), compacted.rules.size());
    for (size_t i = 0; i < compacted.rules.size(); ++i) {
      EXPECT_EQ(shuffled.rules[i].rule, compacted.rules[i].rule);
    }
    // Compacting the compacted rules changes nothing.
    std::vector<DeclaredRule> again;
    for (const CompiledRule& rule : compacted.rules)
      again.push_back({rule.rule, {}});
    const CompactedRules twice = CompactRules(again);
    ASSERT_EQ(twice.rules.size(), compacted.rules.size());
    for (size_t i = 0; i < compacted.rules.size(); ++i) {
      EXPECT_EQ(twice.rules[i].rule, compacted.rules[i].rule);
    }
  }
}

}  // namespace
}  // namespace rbacc
