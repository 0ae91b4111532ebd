#include "compiler/merge/compact_steps.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "compiler/common/policy_rule.h"
#include "compiler/merge/compact.h"

namespace rbacc {
namespace compact_internal {
namespace {

constexpr char kAll[] = "*";

// Sources in declaration order within each feature.
bool SourceLess(const RuleSource& a, const RuleSource& b) {
  return std::tie(a.feature, a.location, a.reason) <
         std::tie(b.feature, b.location, b.reason);
}

// Declared rules are told apart by (feature, reason, location).
bool SameDeclarationLess(const RuleSource* a, const RuleSource* b) {
  return std::tie(a->feature, a->reason, a->location) <
         std::tie(b->feature, b->reason, b->location);
}

// The canonical order of the rules (see CompactedRules::rules), over ids:
// ids compare as their strings do, and verb ranks as VerbLess does.
struct RuleOrder {
  bool is_url;
  uint32_t group;
  std::vector<uint32_t> targets;
  std::vector<size_t> verb_ranks;
  uint32_t names;
  bool operator<(const RuleOrder& other) const {
    return std::tie(is_url, group, targets, verb_ranks, names) <
           std::tie(other.is_url, other.group, other.targets, other.verb_ranks,
                    other.names);
  }
};

// Numbers every string of `declared`, with "" and "*".
void NumberStrings(const std::vector<DeclaredRule>& declared,
                   StringIds& strings) {
  strings.Add("");
  strings.Add(kAll);
  for (const DeclaredRule& declared_rule : declared) {
    const PolicyRule& rule = declared_rule.rule;
    for (const auto* values : {&rule.api_groups, &rule.resources, &rule.verbs,
                               &rule.resource_names, &rule.non_resource_urls}) {
      for (const std::string& value : *values) strings.Add(value);
    }
  }
  strings.Freeze();
}

// The sorted, unique targets of the atoms `rule_atoms`.
std::vector<uint32_t> TargetsOf(const std::vector<Atom>& atoms,
                                const std::vector<uint32_t>& rule_atoms) {
  std::vector<uint32_t> targets;
  for (uint32_t k : rule_atoms) targets.push_back(atoms[k].target);
  std::sort(targets.begin(), targets.end());
  targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
  return targets;
}

// The compiled rule for `key` over `targets`, without sources.
CompiledRule RuleOf(const RuleKey& key, const std::vector<uint32_t>& targets,
                    const NumberedAtoms& numbered) {
  const StringIds& strings = numbered.strings;
  CompiledRule compiled;
  std::vector<std::string>& target_list =
      key.is_url ? compiled.rule.non_resource_urls : compiled.rule.resources;
  for (uint32_t target : targets) {
    target_list.emplace_back(strings.Text(target));
  }
  if (!key.is_url) {
    compiled.rule.api_groups = {std::string(strings.Text(key.group))};
  }
  for (uint32_t verb : key.verbs) {
    compiled.rule.verbs.emplace_back(strings.Text(verb));
  }
  for (uint32_t name : numbered.name_sets.Names(key.names)) {
    compiled.rule.resource_names.emplace_back(strings.Text(name));
  }
  return compiled;
}

}  // namespace

NumberedAtoms NumberAtoms(const std::vector<DeclaredRule>& declared) {
  NumberedAtoms numbered;
  NumberStrings(declared, numbered.strings);
  std::vector<std::vector<uint32_t>> rule_names;
  rule_names.reserve(declared.size());
  for (const DeclaredRule& declared_rule : declared) {
    rule_names.push_back(
        numbered.strings.SortedIds(declared_rule.rule.resource_names));
    numbered.name_sets.Add(rule_names.back());
  }
  numbered.name_sets.Freeze();
  const uint32_t no_names = numbered.name_sets.Id({});

  std::vector<Held>& held = numbered.held;
  size_t held_count = 0;
  for (const DeclaredRule& declared_rule : declared) {
    const PolicyRule& rule = declared_rule.rule;
    held_count +=
        rule.verbs.size() * (rule.non_resource_urls.size() +
                             rule.api_groups.size() * rule.resources.size());
  }
  held.reserve(held_count);
  for (uint32_t i = 0; i < declared.size(); ++i) {
    ForEachAtom(declared[i].rule, numbered.strings,
                numbered.name_sets.Id(rule_names[i]), no_names,
                [&](const Atom& atom, absl::string_view) {
                  held.push_back({atom, i});
                });
  }
  std::sort(held.begin(), held.end(), [](const Held& a, const Held& b) {
    return std::tie(a.atom, a.rule) < std::tie(b.atom, b.rule);
  });
  for (uint32_t i = 0; i < held.size(); ++i) {
    if (numbered.atoms.empty() || !(numbered.atoms.back() == held[i].atom)) {
      numbered.atoms.push_back(held[i].atom);
      numbered.first_held.push_back(i);
    }
  }
  numbered.first_held.push_back(static_cast<uint32_t>(held.size()));
  return numbered;
}

VerbRanks RankVerbs(const std::vector<Atom>& atoms, const StringIds& strings,
                    const std::vector<uint32_t>& kept) {
  std::vector<std::string> verbs;
  for (uint32_t k : kept) verbs.emplace_back(strings.Text(atoms[k].verb));
  std::sort(verbs.begin(), verbs.end());
  verbs.erase(std::unique(verbs.begin(), verbs.end()), verbs.end());
  SortVerbs(verbs);
  VerbRanks verb_rank;
  for (size_t rank = 0; rank < verbs.size(); ++rank) {
    verb_rank[strings.Id(verbs[rank])] = rank;
  }
  return verb_rank;
}

std::map<RuleKey, std::vector<uint32_t>> GroupIntoRules(
    const std::vector<Atom>& atoms, std::vector<uint32_t> kept,
    const VerbRanks& verb_rank) {
  std::sort(kept.begin(), kept.end(), [&](uint32_t a, uint32_t b) {
    const Atom& x = atoms[a];
    const Atom& y = atoms[b];
    return std::tie(x.is_url, x.group, x.target, x.names, x.verb) <
           std::tie(y.is_url, y.group, y.target, y.names, y.verb);
  });
  std::map<RuleKey, std::vector<uint32_t>> by_rule;
  for (size_t begin = 0; begin < kept.size();) {
    const Atom& first = atoms[kept[begin]];
    size_t end = begin;
    RuleKey key{first.is_url, first.group, first.names, {}};
    while (end < kept.size()) {
      const Atom& atom = atoms[kept[end]];
      if (std::tie(atom.is_url, atom.group, atom.target, atom.names) !=
          std::tie(first.is_url, first.group, first.target, first.names)) {
        break;
      }
      key.verbs.push_back(atom.verb);
      ++end;
    }
    std::sort(key.verbs.begin(), key.verbs.end(), [&](uint32_t a, uint32_t b) {
      return verb_rank.at(a) < verb_rank.at(b);
    });
    std::vector<uint32_t>& rule_atoms = by_rule[std::move(key)];
    rule_atoms.insert(rule_atoms.end(), kept.begin() + begin,
                      kept.begin() + end);
    begin = end;
  }
  return by_rule;
}

std::vector<RuleSource> SourcesOfRule(const std::vector<DeclaredRule>& declared,
                                      const NumberedAtoms& numbered,
                                      const std::vector<uint32_t>& rule_atoms) {
  // One source per declared rule; several declared rules may share feature,
  // reason and location.
  std::map<const RuleSource*, std::vector<uint32_t>,
           decltype(&SameDeclarationLess)>
      source_targets(&SameDeclarationLess);
  for (uint32_t k : rule_atoms) {
    for (uint32_t i = numbered.first_held[k]; i < numbered.first_held[k + 1];
         ++i) {
      source_targets[&declared[numbered.held[i].rule].source].push_back(
          numbered.atoms[k].target);
    }
  }
  std::vector<RuleSource> sources;
  sources.reserve(source_targets.size());
  for (auto& [source, source_target_ids] : source_targets) {
    std::sort(source_target_ids.begin(), source_target_ids.end());
    source_target_ids.erase(
        std::unique(source_target_ids.begin(), source_target_ids.end()),
        source_target_ids.end());
    RuleSource& entry = sources.emplace_back();
    entry.feature = source->feature;
    entry.reason = source->reason;
    entry.location = source->location;
    entry.serves = source->serves;
    for (uint32_t target : source_target_ids) {
      entry.resources.emplace_back(numbered.strings.Text(target));
    }
  }
  std::sort(sources.begin(), sources.end(), SourceLess);
  return sources;
}

std::vector<CompiledRule> MergeIntoRules(
    const std::vector<DeclaredRule>& declared, const NumberedAtoms& numbered,
    std::vector<uint32_t> kept) {
  const VerbRanks verb_rank = RankVerbs(numbered.atoms, numbered.strings, kept);
  const std::map<RuleKey, std::vector<uint32_t>> by_rule =
      GroupIntoRules(numbered.atoms, std::move(kept), verb_rank);
  std::vector<RuleOrder> orders;
  orders.reserve(by_rule.size());
  std::vector<CompiledRule> unordered;
  unordered.reserve(by_rule.size());
  for (const auto& [key, rule_atoms] : by_rule) {
    std::vector<uint32_t> targets = TargetsOf(numbered.atoms, rule_atoms);
    CompiledRule& compiled =
        unordered.emplace_back(RuleOf(key, targets, numbered));
    compiled.sources = SourcesOfRule(declared, numbered, rule_atoms);
    RuleOrder& order = orders.emplace_back();
    order.is_url = key.is_url;
    // URL rules have no group; the URL group's id stands for all of them.
    order.group = key.group;
    order.targets = std::move(targets);
    for (uint32_t verb : key.verbs) {
      order.verb_ranks.push_back(verb_rank.at(verb));
    }
    order.names = key.names;
  }

  std::vector<uint32_t> positions(unordered.size());
  for (uint32_t i = 0; i < positions.size(); ++i) positions[i] = i;
  std::sort(positions.begin(), positions.end(),
            [&](uint32_t a, uint32_t b) { return orders[a] < orders[b]; });
  std::vector<CompiledRule> rules;
  rules.reserve(positions.size());
  for (uint32_t position : positions) {
    rules.push_back(std::move(unordered[position]));
  }
  return rules;
}

}  // namespace compact_internal
}  // namespace rbacc
