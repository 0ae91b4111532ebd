#include "compiler/lint/unused_permission.h"

#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "compiler/common/authorizer.h"
#include "compiler/common/call_request.h"

namespace rbacc {
namespace {

constexpr char kAll[] = "*";

// True when a rule of `scope` can serve a call of `call`'s scope.
bool ScopeServes(const RuleScopeForCalls& scope, const v1::ApiCall& call) {
  if (scope.cluster) return true;
  if (!scope.fixed_namespace.empty()) {
    return call.scope() == v1::CALL_SCOPE_NAMED_NAMESPACE &&
           call.namespace_() == scope.fixed_namespace;
  }
  return call.scope() == v1::CALL_SCOPE_TARGET_NAMESPACE;
}

// True when `pattern` of the rule ("*", "*/sub" or a name) covers `value`.
bool Covers(const std::string& pattern, const std::string& value) {
  if (pattern == kAll || pattern == value) return true;
  return pattern.size() > 2 && pattern.compare(0, 2, "*/") == 0 &&
         value.size() > pattern.size() - 1 &&
         value.compare(value.size() - (pattern.size() - 1), pattern.size() - 1,
                       pattern, 1) == 0;
}

// `values` as a rule's text list: ["a", "b"], verbs in Kubernetes' order.
std::string Quoted(const std::set<std::string>& values, bool verbs) {
  std::vector<std::string> sorted(values.begin(), values.end());
  if (verbs) SortVerbs(sorted);
  std::vector<std::string> quoted;
  for (const std::string& value : sorted) {
    quoted.push_back(absl::StrCat("\"", value, "\""));
  }
  return absl::StrCat("[", absl::StrJoin(quoted, ", "), "]");
}

// The narrower rule(s) the calls in `used` need: one per (group, resource
// set) with the same verbs, as a policy file writes them.
std::string NarrowerRules(const std::vector<const v1::ApiCall*>& used) {
  // group -> resource -> verbs.
  std::map<std::string, std::map<std::string, std::set<std::string>>> grants;
  for (const v1::ApiCall* call : used) {
    grants[call->api_group()][call->resource()].insert(call->verb());
  }
  std::vector<std::string> rules;
  for (const auto& [group, resources] : grants) {
    // Resources sharing their verbs make one rule.
    std::map<std::set<std::string>, std::set<std::string>> by_verbs;
    for (const auto& [resource, verbs] : resources) {
      by_verbs[verbs].insert(resource);
    }
    for (const auto& [verbs, names] : by_verbs) {
      rules.push_back(absl::StrCat("api_groups: \"", group,
                                   "\" resources: ", Quoted(names, false),
                                   " verbs: ", Quoted(verbs, true)));
    }
  }
  return absl::StrJoin(rules, "; ");
}

}  // namespace

std::optional<UnusedPermission> FindUnusedPermission(
    const PolicyRule& rule, const RuleScopeForCalls& scope,
    const std::vector<const v1::ApiCall*>& calls) {
  if (!rule.non_resource_urls.empty()) return std::nullopt;
  std::vector<const v1::ApiCall*> used;
  for (const v1::ApiCall* call : calls) {
    if (ScopeServes(scope, *call) &&
        RuleAllows(rule, CallRequest(*call, call->namespace_()))) {
      used.push_back(call);
    }
  }
  if (used.empty()) {
    return UnusedPermission{
        "no recorded call of the selected features uses this rule",
        "remove the rule, or cite in `serves` the calls that need it"};
  }
  // Per resource, the verbs no call uses, in the rule's order.
  std::vector<std::string> unused;
  for (const std::string& resource : rule.resources) {
    std::vector<std::string> verbs;
    for (const std::string& verb : rule.verbs) {
      const bool is_used =
          std::any_of(used.begin(), used.end(), [&](const v1::ApiCall* call) {
            return Covers(resource, call->resource()) &&
                   Covers(verb, call->verb()) &&
                   std::any_of(rule.api_groups.begin(), rule.api_groups.end(),
                               [&](const std::string& group) {
                                 return Covers(group, call->api_group());
                               });
          });
      if (!is_used) verbs.push_back(verb);
    }
    if (!verbs.empty()) {
      unused.push_back(
          absl::StrCat(absl::StrJoin(verbs, ", "), " on ", resource));
    }
  }
  if (unused.empty()) return std::nullopt;
  return UnusedPermission{
      absl::StrCat("no recorded call of the selected features uses ",
                   absl::StrJoin(unused, "; ")),
      NarrowerRules(used)};
}

}  // namespace rbacc
