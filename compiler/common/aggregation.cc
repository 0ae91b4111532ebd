#include "compiler/common/aggregation.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "compiler/common/policy_rule.h"
#include "compiler/common/rbac_objects.h"

namespace rbacc {
namespace {

bool RequirementMatches(const LabelRequirement& requirement,
                        const std::map<std::string, std::string>& labels) {
  const auto found = labels.find(requirement.key);
  const bool present = found != labels.end();
  const bool in_values =
      present && std::find(requirement.values.begin(), requirement.values.end(),
                           found->second) != requirement.values.end();
  if (requirement.op == "In") return in_values;
  if (requirement.op == "NotIn") return !in_values;
  if (requirement.op == "Exists") return present;
  if (requirement.op == "DoesNotExist") return !present;
  return false;
}

// The rules `role` aggregates from the current rules of `objects`.
std::vector<CompiledRule> AggregatedRules(const RbacObjects& objects,
                                          const RoleObject& role) {
  std::vector<CompiledRule> rules;
  for (const LabelSelector& selector : role.aggregation_selectors) {
    std::vector<const RoleObject*> selected;
    for (const RoleObject& other : objects.roles) {
      if (other.is_cluster_role() && &other != &role &&
          other.metadata.name != role.metadata.name &&
          SelectorMatches(selector, other.metadata.labels)) {
        selected.push_back(&other);
      }
    }
    std::stable_sort(selected.begin(), selected.end(),
                     [](const RoleObject* a, const RoleObject* b) {
                       return a->metadata.name < b->metadata.name;
                     });
    for (const RoleObject* other : selected) {
      for (const CompiledRule& rule : other->rules) {
        const bool taken = std::any_of(rules.begin(), rules.end(),
                                       [&](const CompiledRule& existing) {
                                         return existing.rule == rule.rule;
                                       });
        if (taken) continue;
        CompiledRule& copy = rules.emplace_back(rule);
        for (RuleSource& source : copy.sources) {
          if (source.aggregated_from.empty()) {
            source.aggregated_from =
                absl::StrCat("ClusterRole ", other->metadata.name);
          }
        }
      }
    }
  }
  return rules;
}

bool SameRules(const std::vector<CompiledRule>& a,
               const std::vector<CompiledRule>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const CompiledRule& x, const CompiledRule& y) {
                      return x.rule == y.rule;
                    });
}

}  // namespace

bool SelectorMatches(const LabelSelector& selector,
                     const std::map<std::string, std::string>& labels) {
  for (const auto& [key, value] : selector.match_labels) {
    const auto found = labels.find(key);
    if (found == labels.end() || found->second != value) return false;
  }
  return std::all_of(selector.match_expressions.begin(),
                     selector.match_expressions.end(),
                     [&](const LabelRequirement& requirement) {
                       return RequirementMatches(requirement, labels);
                     });
}

void ResolveAggregation(RbacObjects* objects) {
  std::vector<size_t> aggregating;
  for (size_t i = 0; i < objects->roles.size(); ++i) {
    const RoleObject& role = objects->roles[i];
    if (role.is_cluster_role() && role.has_aggregation_rule) {
      aggregating.push_back(i);
    }
  }
  // Each pass lets rules travel one more level of aggregated roles; a chain
  // is at most as long as the number of aggregated roles.
  for (size_t pass = 0; pass <= aggregating.size(); ++pass) {
    bool changed = false;
    for (const size_t index : aggregating) {
      std::vector<CompiledRule> rules =
          AggregatedRules(*objects, objects->roles[index]);
      if (!SameRules(rules, objects->roles[index].rules)) {
        objects->roles[index].rules = std::move(rules);
        changed = true;
      }
    }
    if (!changed) break;
  }
}

}  // namespace rbacc
