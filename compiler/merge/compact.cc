#include "compiler/merge/compact.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_join.h"
#include "compiler/common/policy_rule.h"

namespace rbacc {
namespace {

constexpr char kAll[] = "*";

// Sources in declaration order within each feature.
bool SourceLess(const RuleSource& a, const RuleSource& b) {
  return std::tie(a.feature, a.location, a.reason) <
         std::tie(b.feature, b.location, b.reason);
}

std::vector<std::string> SortedUnique(std::vector<std::string> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

bool IsSubset(const std::vector<std::string>& sorted_small,
              const std::vector<std::string>& sorted_large) {
  return std::includes(sorted_large.begin(), sorted_large.end(),
                       sorted_small.begin(), sorted_small.end());
}

// The targets that may grant everything `atom.target` grants: itself, "*",
// "*/<sub>" for a subresource, and for URLs every "<prefix>*".
std::vector<std::string> CoveringTargets(const Permission& atom) {
  std::vector<std::string> targets = {atom.target, kAll};
  if (atom.is_url) {
    for (size_t length = 0; length <= atom.target.size(); ++length) {
      targets.push_back(atom.target.substr(0, length) + kAll);
    }
    return targets;
  }
  const size_t slash = atom.target.find('/');
  if (slash != std::string::npos) {
    targets.push_back(std::string("*/") + atom.target.substr(slash + 1));
  }
  return targets;
}

}  // namespace

void PermissionIndex::Add(const Permission* permission) {
  index_[{permission->is_url, permission->group, permission->target,
          permission->verb}]
      .push_back(permission);
}

const Permission* PermissionIndex::FindCoverer(const Permission& atom,
                                               bool allow_equal) const {
  std::vector<std::string> groups = {atom.group};
  if (!atom.is_url && atom.group != kAll) groups.push_back(kAll);
  std::vector<std::string> verbs = {atom.verb};
  if (atom.verb != kAll) verbs.push_back(kAll);
  const std::vector<std::string> targets = CoveringTargets(atom);
  const Permission* best = nullptr;
  for (const std::string& group : groups) {
    for (const std::string& target : targets) {
      for (const std::string& verb : verbs) {
        const auto found = index_.find({atom.is_url, group, target, verb});
        if (found == index_.end()) continue;
        for (const Permission* candidate : found->second) {
          if (!allow_equal && *candidate == atom) continue;
          const bool names_cover =
              candidate->names.empty() ||
              (!atom.names.empty() && IsSubset(atom.names, candidate->names));
          if (!names_cover) continue;
          if (best == nullptr || *candidate < *best) best = candidate;
        }
      }
    }
  }
  return best;
}

std::vector<Permission> SplitIntoPermissions(const PolicyRule& rule) {
  std::vector<Permission> split;
  const std::vector<std::string> names = SortedUnique(rule.resource_names);
  for (const std::string& verb : rule.verbs) {
    for (const std::string& url : rule.non_resource_urls) {
      split.push_back(Permission{true, "", url, verb, {}});
    }
    for (const std::string& group : rule.api_groups) {
      for (const std::string& resource : rule.resources) {
        split.push_back(Permission{false, group, resource, verb, names});
      }
    }
  }
  return split;
}

RuleCoverage::RuleCoverage(const std::vector<PolicyRule>& by) {
  for (const PolicyRule& covering : by) {
    std::vector<Permission> split = SplitIntoPermissions(covering);
    permissions_.insert(permissions_.end(),
                        std::make_move_iterator(split.begin()),
                        std::make_move_iterator(split.end()));
  }
  std::sort(permissions_.begin(), permissions_.end());
  permissions_.erase(std::unique(permissions_.begin(), permissions_.end()),
                     permissions_.end());
  for (const Permission& permission : permissions_) index_.Add(&permission);
}

bool RuleCoverage::Covers(const PolicyRule& rule) const {
  const std::vector<Permission> atoms = SplitIntoPermissions(rule);
  return std::all_of(atoms.begin(), atoms.end(), [&](const Permission& atom) {
    return index_.FindCoverer(atom, /*allow_equal=*/true) != nullptr;
  });
}

bool IsCovered(const PolicyRule& rule, const std::vector<PolicyRule>& by) {
  return RuleCoverage(by).Covers(rule);
}

CompactedRules CompactRules(const std::vector<DeclaredRule>& declared) {
  // 1. Split into atoms, each with the sources that declare it.
  std::map<Permission, std::vector<const RuleSource*>> atoms;
  for (const DeclaredRule& rule : declared) {
    for (Permission& atom : SplitIntoPermissions(rule.rule)) {
      atoms[std::move(atom)].push_back(&rule.source);
    }
  }

  // 2. Drop atoms another atom covers.
  PermissionIndex index;
  for (const auto& [atom, sources] : atoms) {
    index.Add(&atom);
  }
  CompactedRules result;
  std::vector<const Permission*> kept;
  for (const auto& [atom, sources] : atoms) {
    const Permission* coverer = index.FindCoverer(atom);
    if (coverer == nullptr) {
      kept.push_back(&atom);
      continue;
    }
    PolicyRule grant;
    (atom.is_url ? grant.non_resource_urls : grant.resources)
        .push_back(atom.target);
    if (!atom.is_url) grant.api_groups.push_back(atom.group);
    grant.verbs.push_back(atom.verb);
    grant.resource_names = atom.names;
    // The coverer itself may be covered; follow the chain to a kept atom.
    const Permission* top = coverer;
    while (const Permission* next = index.FindCoverer(*top)) top = next;
    const RuleSource& covered_by = *atoms.at(*top).front();
    for (const RuleSource* source : sources) {
      result.covered.push_back({grant, *source, covered_by});
    }
  }

  // 3. Merge verbs per (kind, group, target, names), then targets per (kind,
  // group, names,
  //    verbs).
  using TargetKey =
      std::tuple<bool, std::string, std::string, std::vector<std::string>>;
  std::map<TargetKey, std::vector<const Permission*>> by_target;
  for (const Permission* atom : kept) {
    by_target[{atom->is_url, atom->group, atom->target, atom->names}].push_back(
        atom);
  }
  using RuleKey = std::tuple<bool, std::string, std::vector<std::string>,
                             std::vector<std::string>>;
  std::map<RuleKey, std::vector<const Permission*>> by_rule;
  for (const auto& [key, target_atoms] : by_target) {
    std::vector<std::string> verbs;
    for (const Permission* atom : target_atoms) verbs.push_back(atom->verb);
    SortVerbs(verbs);
    RuleKey rule_key{std::get<0>(key), std::get<1>(key), std::get<3>(key),
                     verbs};
    auto& rule_atoms = by_rule[rule_key];
    rule_atoms.insert(rule_atoms.end(), target_atoms.begin(),
                      target_atoms.end());
  }

  for (const auto& [key, rule_atoms] : by_rule) {
    const auto& [is_url, group, names, verbs] = key;
    CompiledRule compiled;
    std::set<std::string> targets;
    std::map<const RuleSource*, std::set<std::string>> source_targets;
    for (const Permission* atom : rule_atoms) {
      targets.insert(atom->target);
      for (const RuleSource* source : atoms.at(*atom)) {
        source_targets[source].insert(atom->target);
      }
    }
    std::vector<std::string>& target_list =
        is_url ? compiled.rule.non_resource_urls : compiled.rule.resources;
    target_list.assign(targets.begin(), targets.end());
    if (!is_url) compiled.rule.api_groups = {group};
    compiled.rule.verbs = verbs;
    compiled.rule.resource_names = names;
    // One source per declared rule; several declared rules may share feature
    // and reason.
    std::map<std::tuple<std::string, std::string, SourceLocation>, RuleSource>
        merged;
    for (const auto& [source, source_target_set] : source_targets) {
      RuleSource& entry =
          merged[{source->feature, source->reason, source->location}];
      entry.feature = source->feature;
      entry.reason = source->reason;
      entry.location = source->location;
      entry.resources.insert(entry.resources.end(), source_target_set.begin(),
                             source_target_set.end());
    }
    for (auto& [unused_key, source] : merged) {
      source.resources = SortedUnique(source.resources);
      compiled.sources.push_back(std::move(source));
    }
    std::sort(compiled.sources.begin(), compiled.sources.end(), SourceLess);
    result.rules.push_back(std::move(compiled));
  }

  const auto rule_order = [](const CompiledRule& a, const CompiledRule& b) {
    const bool a_url = !a.rule.non_resource_urls.empty();
    const bool b_url = !b.rule.non_resource_urls.empty();
    if (a_url != b_url) return !a_url;
    if (a.rule.api_groups != b.rule.api_groups) {
      return a.rule.api_groups < b.rule.api_groups;
    }
    const std::vector<std::string>& a_targets =
        a_url ? a.rule.non_resource_urls : a.rule.resources;
    const std::vector<std::string>& b_targets =
        b_url ? b.rule.non_resource_urls : b.rule.resources;
    if (a_targets != b_targets) return a_targets < b_targets;
    if (a.rule.verbs != b.rule.verbs) {
      return std::lexicographical_compare(
          a.rule.verbs.begin(), a.rule.verbs.end(), b.rule.verbs.begin(),
          b.rule.verbs.end(), VerbLess);
    }
    return a.rule.resource_names < b.rule.resource_names;
  };
  std::sort(result.rules.begin(), result.rules.end(), rule_order);
  return result;
}

}  // namespace rbacc
