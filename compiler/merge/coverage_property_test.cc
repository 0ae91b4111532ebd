// Property test of the one coverage definition (common/coverage.h): over
// random rules and every request of a small alphabet (groups, resources,
// subresources, names, URLs with "*" and prefix "*", verbs with "*"), each
// index built on it answers "is this request granted?" exactly as the
// authorizer's RuleAllows (evaluation_helpers.go) does: PermissionIndex
// (review's diff) and RuleCoverage, whose AtomIndex serves compaction, lint and
// the Helm plan. A request is asked as the single permission it needs: its
// group, resource (with subresource) or path, verb, and its name (none when it
// names no object).
#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "compiler/common/authorizer.h"
#include "compiler/common/coverage.h"
#include "compiler/common/policy_rule.h"
#include "compiler/merge/compact.h"
#include "gtest/gtest.h"

namespace rbacc {
namespace {

constexpr int kRounds = 400;
constexpr unsigned kSeed = 20261207;

template <typename Value>
const Value& Pick(std::mt19937& random, const std::vector<Value>& from) {
  return from[std::uniform_int_distribution<size_t>(0,
                                                    from.size() - 1)(random)];
}

// 1 to `most` distinct values of `from`, in the order picked.
std::vector<std::string> PickSome(std::mt19937& random,
                                  const std::vector<std::string>& from,
                                  int most) {
  std::vector<std::string> picked;
  const int count = std::uniform_int_distribution<int>(1, most)(random);
  for (int i = 0; i < count; ++i) {
    const std::string& value = Pick(random, from);
    if (std::find(picked.begin(), picked.end(), value) == picked.end()) {
      picked.push_back(value);
    }
  }
  return picked;
}

// A resource rule or (one in five) a URL rule over the alphabet, wildcards
// and prefix patterns included.
PolicyRule RandomRule(std::mt19937& random) {
  static const std::vector<std::string> kVerbs = {"get", "list", "create", "*"};
  static const std::vector<std::string> kGroups = {"", "apps", "*"};
  static const std::vector<std::string> kResources = {
      "pods", "pods/exec", "pods/log", "deployments", "deployments/scale",
      "*",    "*/exec",    "*/scale"};
  static const std::vector<std::string> kNames = {"a", "b", "c"};
  static const std::vector<std::string> kUrls = {
      "/healthz", "/healthz/*", "/healthz*", "/logs/**", "/logs",
      "/l*",      "/*",         "*",         "/metrics"};
  PolicyRule rule;
  rule.verbs = PickSome(random, kVerbs, 2);
  if (std::uniform_int_distribution<int>(0, 4)(random) == 0) {
    rule.non_resource_urls = PickSome(random, kUrls, 2);
    return rule;
  }
  rule.api_groups = PickSome(random, kGroups, 2);
  rule.resources = PickSome(random, kResources, 2);
  if (std::uniform_int_distribution<int>(0, 1)(random) == 0) {
    rule.resource_names = PickSome(random, kNames, 2);
  }
  return rule;
}

// Every request the alphabet can tell apart, and some it never names.
std::vector<Request> EveryRequest() {
  std::vector<Request> requests;
  for (const std::string verb : {"get", "list", "create", "delete"}) {
    for (const std::string group : {"", "apps", "batch"}) {
      for (const std::string resource : {"pods", "deployments", "jobs"}) {
        for (const std::string subresource : {"", "exec", "log", "scale"}) {
          for (const std::string name : {"", "a", "b", "d"}) {
            requests.push_back(
                {verb, true, group, resource, subresource, name, "", ""});
          }
        }
      }
    }
    for (const std::string path :
         {"/healthz", "/healthz/ready", "/healthzx", "/logs", "/logs/x", "/l",
          "/metrics", "/", "/other"}) {
      Request request;
      request.verb = verb;
      request.is_resource_request = false;
      request.path = path;
      requests.push_back(request);
    }
  }
  return requests;
}

// The single permission `request` needs.
Permission PermissionOf(const Request& request) {
  if (!request.is_resource_request) {
    return Permission{true, "", request.path, request.verb, {}};
  }
  Permission permission{
      false, request.api_group, request.resource, request.verb, {}};
  if (!request.subresource.empty()) {
    absl::StrAppend(&permission.target, "/", request.subresource);
  }
  if (!request.name.empty()) permission.names = {request.name};
  return permission;
}

// The same permission as a rule.
PolicyRule RuleOf(const Permission& permission) {
  PolicyRule rule;
  rule.verbs = {permission.verb};
  if (permission.is_url) {
    rule.non_resource_urls = {permission.target};
    return rule;
  }
  rule.api_groups = {permission.group};
  rule.resources = {permission.target};
  rule.resource_names = permission.names;
  return rule;
}

std::string Describe(const std::vector<PolicyRule>& rules,
                     const Request& request) {
  std::vector<std::string> texts;
  for (const PolicyRule& rule : rules) {
    texts.push_back(absl::StrCat(absl::StrJoin(rule.api_groups, ","), "|",
                                 absl::StrJoin(rule.resources, ","), "|",
                                 absl::StrJoin(rule.non_resource_urls, ","),
                                 "|", absl::StrJoin(rule.verbs, ","), "|",
                                 absl::StrJoin(rule.resource_names, ",")));
  }
  return absl::StrCat("rules: ", absl::StrJoin(texts, " ; "),
                      "\nrequest: ", request.verb, " ", request.api_group, "/",
                      request.resource, "/", request.subresource,
                      " name=", request.name, " path=", request.path);
}

TEST(CoveragePropertyTest, EveryIndexAnswersAsTheAuthorizer) {
  std::mt19937 random(kSeed);
  const std::vector<Request> requests = EveryRequest();
  int granted = 0;
  int denied = 0;
  for (int round = 0; round < kRounds; ++round) {
    std::vector<PolicyRule> rules;
    const int count = 1 + round % 6;
    for (int i = 0; i < count; ++i) rules.push_back(RandomRule(random));
    std::vector<Permission> permissions;
    for (const PolicyRule& rule : rules) {
      for (Permission& permission : SplitIntoPermissions(rule)) {
        permissions.push_back(std::move(permission));
      }
    }
    PermissionIndex permission_index;
    for (const Permission& permission : permissions) {
      permission_index.Add(&permission);
    }
    const RuleCoverage rule_coverage(rules);
    for (const Request& request : requests) {
      const bool allowed = std::any_of(
          rules.begin(), rules.end(),
          [&](const PolicyRule& rule) { return RuleAllows(rule, request); });
      (allowed ? granted : denied)++;
      const Permission needed = PermissionOf(request);
      ASSERT_EQ(
          permission_index.FindCoverer(needed, /*allow_equal=*/true) != nullptr,
          allowed)
          << "PermissionIndex\n"
          << Describe(rules, request);
      ASSERT_EQ(rule_coverage.Covers(RuleOf(needed)), allowed)
          << "RuleCoverage\n"
          << Describe(rules, request);
    }
  }
  // Both answers occur often, so the comparison means something.
  EXPECT_GT(granted, kRounds * 10);
  EXPECT_GT(denied, kRounds * 10);
}

}  // namespace
}  // namespace rbacc
