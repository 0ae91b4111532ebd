#include "compiler/merge/compact.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "compiler/common/policy_rule.h"

namespace rbacc {
namespace {

constexpr char kAll[] = "*";

// One permission: a single group, resource (or URL), verb, and a sorted set of
// names. Views into the declared rules (and the sorted names of each), which
// outlive it, so that splitting allocates no strings.
struct Atom {
  bool is_url = false;
  absl::string_view group;
  // The resource, or the URL when is_url.
  absl::string_view target;
  absl::string_view verb;
  // Sorted and unique; never null.
  const std::vector<std::string>* names = nullptr;

  friend bool operator<(const Atom& a, const Atom& b) {
    return std::tie(a.is_url, a.group, a.target, a.verb, *a.names) <
           std::tie(b.is_url, b.group, b.target, b.verb, *b.names);
  }
  friend bool operator==(const Atom& a, const Atom& b) {
    return std::tie(a.is_url, a.group, a.target, a.verb, *a.names) ==
           std::tie(b.is_url, b.group, b.target, b.verb, *b.names);
  }
  template <typename H>
  friend H AbslHashValue(H hash, const Atom& atom) {
    return H::combine(std::move(hash), atom.is_url, atom.group, atom.target,
                      atom.verb, *atom.names);
  }
};

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
std::vector<std::string> CoveringTargets(const Atom& atom) {
  std::vector<std::string> targets = {std::string(atom.target), kAll};
  if (atom.is_url) {
    for (size_t length = 0; length <= atom.target.size(); ++length) {
      targets.push_back(absl::StrCat(atom.target.substr(0, length), kAll));
    }
    return targets;
  }
  const size_t slash = atom.target.find('/');
  if (slash != absl::string_view::npos) {
    targets.push_back(absl::StrCat("*/", atom.target.substr(slash + 1)));
  }
  return targets;
}

// An atom with the sources that declare it, in declaration order.
struct DeclaredAtom {
  Atom atom;
  std::vector<const RuleSource*> sources;
};

// The atoms of one (kind, group, target, verb): they differ only in names.
struct Bucket {
  // The atom without names (it grants every name), if any.
  const DeclaredAtom* unnamed = nullptr;
  // Name -> the atoms whose names include it, in canonical order.
  absl::flat_hash_map<absl::string_view, std::vector<const DeclaredAtom*>>
      by_name;
};

// Index of atoms by everything but names, for finding coverers.
using AtomIndex = absl::flat_hash_map<
    std::tuple<bool, absl::string_view, absl::string_view, absl::string_view>,
    Bucket>;

// Builds the index of `atoms`, which must be sorted and unique.
AtomIndex IndexAtoms(const std::vector<DeclaredAtom>& atoms) {
  AtomIndex index;
  for (const DeclaredAtom& entry : atoms) {
    const Atom& atom = entry.atom;
    Bucket& bucket = index[{atom.is_url, atom.group, atom.target, atom.verb}];
    if (atom.names->empty()) {
      bucket.unnamed = &entry;
      continue;
    }
    for (const std::string& name : *atom.names) {
      bucket.by_name[name].push_back(&entry);
    }
  }
  return index;
}

// The first atom of `bucket` in canonical order that grants everything `atom`
// grants, or nullptr. An atom equal to `atom` counts only when `allow_equal`.
// The unnamed atom sorts first; a named coverer must hold every name of `atom`,
// so only the atoms sharing its rarest name are candidates.
const DeclaredAtom* FirstCovererIn(const Bucket& bucket, const Atom& atom,
                                   bool allow_equal) {
  if (bucket.unnamed != nullptr &&
      (allow_equal || !(bucket.unnamed->atom == atom))) {
    return bucket.unnamed;
  }
  if (atom.names->empty()) return nullptr;
  const std::vector<const DeclaredAtom*>* candidates = nullptr;
  for (const std::string& name : *atom.names) {
    const auto found = bucket.by_name.find(name);
    if (found == bucket.by_name.end()) return nullptr;
    if (candidates == nullptr || found->second.size() < candidates->size()) {
      candidates = &found->second;
    }
  }
  for (const DeclaredAtom* candidate : *candidates) {
    if (!allow_equal && candidate->atom == atom) continue;
    if (IsSubset(*atom.names, *candidate->atom.names)) return candidate;
  }
  return nullptr;
}

// Returns the first atom in canonical order that grants everything `atom`
// grants, or nullptr. An atom equal to `atom` counts only when `allow_equal`.
const DeclaredAtom* FindCoverer(const Atom& atom, const AtomIndex& index,
                                bool allow_equal = false) {
  std::vector<absl::string_view> groups = {atom.group};
  if (!atom.is_url && atom.group != kAll) groups.push_back(kAll);
  std::vector<absl::string_view> verbs = {atom.verb};
  if (atom.verb != kAll) verbs.push_back(kAll);
  const std::vector<std::string> targets = CoveringTargets(atom);
  const DeclaredAtom* best = nullptr;
  for (absl::string_view group : groups) {
    for (const std::string& target : targets) {
      for (absl::string_view verb : verbs) {
        const auto found = index.find(std::make_tuple(
            atom.is_url, group, absl::string_view(target), verb));
        if (found == index.end()) continue;
        const DeclaredAtom* candidate =
            FirstCovererIn(found->second, atom, allow_equal);
        if (candidate == nullptr) continue;
        if (best == nullptr || candidate->atom < best->atom) best = candidate;
      }
    }
  }
  return best;
}

// Appends the atoms of `rule` to `atoms`; `names` are the rule's names, sorted
// and unique.
void SplitIntoAtoms(const PolicyRule& rule,
                    const std::vector<std::string>* names,
                    std::vector<Atom>* atoms) {
  static const std::vector<std::string> kNoNames;
  for (const std::string& verb : rule.verbs) {
    for (const std::string& url : rule.non_resource_urls) {
      atoms->push_back(Atom{true, "", url, verb, &kNoNames});
    }
    for (const std::string& group : rule.api_groups) {
      for (const std::string& resource : rule.resources) {
        atoms->push_back(Atom{false, group, resource, verb, names});
      }
    }
  }
}

}  // namespace

bool IsCovered(const PolicyRule& rule, const std::vector<PolicyRule>& by) {
  std::vector<std::vector<std::string>> names;
  names.reserve(by.size() + 1);
  std::vector<Atom> split;
  for (const PolicyRule& covering : by) {
    names.push_back(SortedUnique(covering.resource_names));
    SplitIntoAtoms(covering, &names.back(), &split);
  }
  std::sort(split.begin(), split.end());
  std::vector<DeclaredAtom> by_atoms;
  for (const Atom& atom : split) {
    if (by_atoms.empty() || !(by_atoms.back().atom == atom)) {
      by_atoms.push_back({atom, {}});
    }
  }
  const AtomIndex index = IndexAtoms(by_atoms);
  names.push_back(SortedUnique(rule.resource_names));
  std::vector<Atom> atoms;
  SplitIntoAtoms(rule, &names.back(), &atoms);
  return std::all_of(atoms.begin(), atoms.end(), [&](const Atom& atom) {
    return FindCoverer(atom, index, /*allow_equal=*/true) != nullptr;
  });
}

CompactedRules CompactRules(const std::vector<DeclaredRule>& declared) {
  // 1. Split into atoms, each with the sources that declare it (in
  // declaration order), then sort them.
  std::vector<std::vector<std::string>> rule_names;
  rule_names.reserve(declared.size());
  absl::flat_hash_map<Atom, size_t> positions;
  std::vector<DeclaredAtom> atoms;
  std::vector<Atom> rule_atoms;
  for (const DeclaredRule& rule : declared) {
    rule_names.push_back(SortedUnique(rule.rule.resource_names));
    rule_atoms.clear();
    SplitIntoAtoms(rule.rule, &rule_names.back(), &rule_atoms);
    for (const Atom& atom : rule_atoms) {
      const auto [position, inserted] =
          positions.try_emplace(atom, atoms.size());
      if (inserted) atoms.push_back({atom, {}});
      atoms[position->second].sources.push_back(&rule.source);
    }
  }
  positions.clear();
  std::sort(atoms.begin(), atoms.end(),
            [](const DeclaredAtom& a, const DeclaredAtom& b) {
              return a.atom < b.atom;
            });

  // 2. Drop atoms another atom covers.
  const AtomIndex index = IndexAtoms(atoms);
  CompactedRules result;
  std::vector<const DeclaredAtom*> kept;
  for (const DeclaredAtom& entry : atoms) {
    const Atom& atom = entry.atom;
    const DeclaredAtom* coverer = FindCoverer(atom, index);
    if (coverer == nullptr) {
      kept.push_back(&entry);
      continue;
    }
    PolicyRule grant;
    (atom.is_url ? grant.non_resource_urls : grant.resources)
        .emplace_back(atom.target);
    if (!atom.is_url) grant.api_groups.emplace_back(atom.group);
    grant.verbs.emplace_back(atom.verb);
    grant.resource_names = *atom.names;
    // The coverer itself may be covered; follow the chain to a kept atom.
    const DeclaredAtom* top = coverer;
    while (const DeclaredAtom* next = FindCoverer(top->atom, index)) {
      top = next;
    }
    const RuleSource& covered_by = *top->sources.front();
    for (const RuleSource* source : entry.sources) {
      result.covered.push_back({grant, *source, covered_by});
    }
  }

  // 3. Merge verbs per (kind, group, target, names), then targets per (kind,
  // group, names, verbs).
  struct TargetKey {
    bool is_url;
    absl::string_view group;
    absl::string_view target;
    const std::vector<std::string>* names;
    bool operator<(const TargetKey& other) const {
      return std::tie(is_url, group, target, *names) <
             std::tie(other.is_url, other.group, other.target, *other.names);
    }
  };
  std::map<TargetKey, std::vector<const DeclaredAtom*>> by_target;
  for (const DeclaredAtom* entry : kept) {
    const Atom& atom = entry->atom;
    by_target[{atom.is_url, atom.group, atom.target, atom.names}].push_back(
        entry);
  }
  struct RuleKey {
    bool is_url;
    absl::string_view group;
    const std::vector<std::string>* names;
    std::vector<std::string> verbs;
    bool operator<(const RuleKey& other) const {
      return std::tie(is_url, group, *names, verbs) <
             std::tie(other.is_url, other.group, *other.names, other.verbs);
    }
  };
  std::map<RuleKey, std::vector<const DeclaredAtom*>> by_rule;
  for (auto& [key, target_atoms] : by_target) {
    std::vector<std::string> verbs;
    for (const DeclaredAtom* entry : target_atoms) {
      verbs.emplace_back(entry->atom.verb);
    }
    SortVerbs(verbs);
    auto& rule_atoms =
        by_rule[{key.is_url, key.group, key.names, std::move(verbs)}];
    rule_atoms.insert(rule_atoms.end(), target_atoms.begin(),
                      target_atoms.end());
  }

  // Declared rules are told apart by (feature, reason, location).
  const auto same_declaration_less = [](const RuleSource* a,
                                        const RuleSource* b) {
    return std::tie(a->feature, a->reason, a->location) <
           std::tie(b->feature, b->reason, b->location);
  };
  for (auto& [key, rule_atoms] : by_rule) {
    CompiledRule compiled;
    std::vector<absl::string_view> targets;
    std::map<const RuleSource*, std::vector<absl::string_view>,
             decltype(same_declaration_less)>
        source_targets(same_declaration_less);
    for (const DeclaredAtom* entry : rule_atoms) {
      targets.push_back(entry->atom.target);
      for (const RuleSource* source : entry->sources) {
        source_targets[source].push_back(entry->atom.target);
      }
    }
    std::sort(targets.begin(), targets.end());
    targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
    std::vector<std::string>& target_list =
        key.is_url ? compiled.rule.non_resource_urls : compiled.rule.resources;
    for (absl::string_view target : targets) target_list.emplace_back(target);
    if (!key.is_url) compiled.rule.api_groups = {std::string(key.group)};
    compiled.rule.verbs = std::move(key.verbs);
    compiled.rule.resource_names = *key.names;
    // One source per declared rule; several declared rules may share feature
    // and reason.
    compiled.sources.reserve(source_targets.size());
    for (auto& [source, source_target_list] : source_targets) {
      std::sort(source_target_list.begin(), source_target_list.end());
      source_target_list.erase(
          std::unique(source_target_list.begin(), source_target_list.end()),
          source_target_list.end());
      RuleSource& entry = compiled.sources.emplace_back();
      entry.feature = source->feature;
      entry.reason = source->reason;
      entry.location = source->location;
      for (absl::string_view target : source_target_list) {
        entry.resources.emplace_back(target);
      }
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
