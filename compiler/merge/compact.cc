#include "compiler/merge/compact.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "compiler/common/coverage.h"
#include "compiler/common/parallel.h"
#include "compiler/common/policy_rule.h"
#include "compiler/merge/compact_steps.h"

namespace rbacc {
namespace {

using compact_internal::Atom;
using compact_internal::ForEachAtom;
using compact_internal::Held;
using compact_internal::kMissing;
using compact_internal::MergeIntoRules;
using compact_internal::NameSets;
using compact_internal::NumberAtoms;
using compact_internal::NumberedAtoms;
using compact_internal::StringIds;

constexpr char kAll[] = "*";

// A permission to find a coverer for: an atom, or a permission of any rule,
// whose strings may be missing from the index's StringIds.
struct Query {
  Atom atom;
  // The resource or URL itself (for the patterns that cover it).
  absl::string_view target_text;
  // The ids of its names, sorted; kMissing for a name no atom has.
  const std::vector<uint32_t>* names = nullptr;
  // False when `atom.names` is not the id of `names` (a set no atom has).
  bool names_known = true;
};

// Sorted, unique atoms indexed for finding one that grants everything a
// permission grants: PermissionIndex's matching (common/coverage.h), over ids.
class AtomIndex {
 public:
  // `atoms` must be sorted and unique; they, `strings` and `name_sets` must
  // outlive the index.
  AtomIndex(const std::vector<Atom>& atoms, const StringIds& strings,
            const NameSets& name_sets)
      : atoms_(atoms),
        strings_(strings),
        name_sets_(name_sets),
        all_(strings.Id(kAll)) {
    for (const Atom& atom : atoms) {
      if (!atom.is_url) continue;
      url_keys_.try_emplace(CoverageKey(strings.Text(atom.target), true),
                            static_cast<uint32_t>(url_keys_.size()));
    }
    for (uint32_t i = 0; i < atoms.size(); ++i) {
      const Atom& atom = atoms[i];
      Bucket& bucket = buckets_[std::make_tuple(
          atom.is_url, atom.group, TargetKey(atom.target, atom.is_url),
          atom.verb)];
      const std::vector<uint32_t>& names = name_sets.Names(atom.names);
      if (names.empty()) {
        bucket.unnamed.push_back(i);
        continue;
      }
      for (uint32_t name : names) bucket.by_name[name].push_back(i);
    }
    for (const Atom& atom : atoms) {
      auto& targets = atom.is_url ? url_targets_ : targets_;
      if (targets.count(atom.target) == 0) {
        targets[atom.target] =
            CoveringTargetIds(strings.Text(atom.target), atom.is_url);
      }
    }
  }

  // Returns the position of the first atom that grants every request `query`
  // grants, or -1 when none does. An atom equal to `query` counts only when
  // `allow_equal`.
  int64_t FindCoverer(const Query& query, bool allow_equal) const {
    const Atom& atom = query.atom;
    uint32_t groups[2] = {atom.group, kMissing};
    if (!atom.is_url && atom.group != all_) groups[1] = all_;
    uint32_t verbs[2] = {atom.verb, atom.verb != all_ ? all_ : kMissing};
    const auto& known = atom.is_url ? url_targets_ : targets_;
    const auto found_targets = known.find(atom.target);
    std::vector<uint32_t> computed_targets;
    if (found_targets == known.end()) {
      computed_targets = CoveringTargetIds(query.target_text, atom.is_url);
    }
    const std::vector<uint32_t>* targets = found_targets == known.end()
                                               ? &computed_targets
                                               : &found_targets->second;
    int64_t best = -1;
    for (uint32_t group : groups) {
      if (group == kMissing) continue;
      for (uint32_t target : *targets) {
        for (uint32_t verb : verbs) {
          if (verb == kMissing) continue;
          const auto found =
              buckets_.find(std::make_tuple(atom.is_url, group, target, verb));
          if (found == buckets_.end()) continue;
          const int64_t candidate =
              FirstCovererIn(found->second, query, allow_equal);
          if (candidate >= 0 && (best < 0 || candidate < best)) {
            best = candidate;
          }
        }
      }
    }
    return best;
  }

 private:
  // The atoms of one (kind, group, target key, verb): they differ only in
  // names, or are URL patterns with the same CoverageKey ("/a*", "/a**").
  struct Bucket {
    // The atoms without names (they grant every name), in atom order: one, or
    // for URL patterns one per spelling.
    std::vector<uint32_t> unnamed;
    // Name -> the atoms whose names include it, in atom order.
    absl::flat_hash_map<uint32_t, std::vector<uint32_t>> by_name;
  };

  bool Equal(uint32_t position, const Query& query) const {
    return query.names_known && atoms_[position] == query.atom;
  }

  // The first atom of `bucket` that grants everything `query` grants, or -1.
  // The unnamed atoms come first in atom order; a named coverer must hold
  // every name of `query`, so only the atoms sharing its rarest name are
  // candidates.
  int64_t FirstCovererIn(const Bucket& bucket, const Query& query,
                         bool allow_equal) const {
    for (const uint32_t unnamed : bucket.unnamed) {
      if (allow_equal || !Equal(unnamed, query)) return unnamed;
    }
    if (query.names->empty()) return -1;
    const std::vector<uint32_t>* candidates = nullptr;
    for (uint32_t name : *query.names) {
      const auto found = bucket.by_name.find(name);
      if (found == bucket.by_name.end()) return -1;
      if (candidates == nullptr || found->second.size() < candidates->size()) {
        candidates = &found->second;
      }
    }
    for (uint32_t candidate : *candidates) {
      if (!allow_equal && Equal(candidate, query)) continue;
      const std::vector<uint32_t>& names =
          name_sets_.Names(atoms_[candidate].names);
      if (std::includes(names.begin(), names.end(), query.names->begin(),
                        query.names->end())) {
        return candidate;
      }
    }
    return -1;
  }

  // The id buckets file the target `target` (an id of strings_) under: a
  // resource's own id; for a URL, the number of its CoverageKey in url_keys_.
  uint32_t TargetKey(uint32_t target, bool is_url) const {
    if (!is_url) return target;
    const auto found =
        url_keys_.find(CoverageKey(strings_.Text(target), is_url));
    return found == url_keys_.end() ? kMissing : found->second;
  }

  // The bucket ids (TargetKey) of the targets that may grant everything
  // `target` grants (CoveringTargetKeys); those no atom has are left out.
  std::vector<uint32_t> CoveringTargetIds(absl::string_view target,
                                          bool is_url) const {
    std::vector<uint32_t> ids;
    for (const std::string& key : CoveringTargetKeys(target, is_url)) {
      if (!is_url) {
        ids.push_back(strings_.Id(key));
        continue;
      }
      const auto found = url_keys_.find(key);
      ids.push_back(found == url_keys_.end() ? kMissing : found->second);
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    if (!ids.empty() && ids.back() == kMissing) ids.pop_back();
    return ids;
  }

  const std::vector<Atom>& atoms_;
  const StringIds& strings_;
  const NameSets& name_sets_;
  const uint32_t all_;
  // The CoverageKey of every URL atom's target, numbered.
  absl::flat_hash_map<std::string, uint32_t> url_keys_;
  // (is_url, group, TargetKey, verb) -> the atoms.
  absl::flat_hash_map<std::tuple<bool, uint32_t, uint32_t, uint32_t>, Bucket>
      buckets_;
  // CoveringTargetIds of each atom's target, by its id.
  absl::flat_hash_map<uint32_t, std::vector<uint32_t>> targets_;
  absl::flat_hash_map<uint32_t, std::vector<uint32_t>> url_targets_;
};

// A query for `atom` itself.
Query QueryFor(const Atom& atom, const StringIds& strings,
               const NameSets& name_sets) {
  return Query{atom, strings.Text(atom.target), &name_sets.Names(atom.names),
               true};
}

// `coverer[k]` is an atom that covers atom k, or -1. Different patterns can
// cover each other (Kubernetes trims every trailing "*", so /a* and /a** allow
// the same paths): their coverers form a cycle, and dropping every atom of it
// would drop the permission. Keeps the first atom of each cycle (coverer -1),
// so that every chain of coverers ends at a kept atom.
void KeepOneOfEachCoverCycle(std::vector<int64_t>* coverer) {
  enum : uint8_t { kUnseen, kOnPath, kDone };
  std::vector<uint8_t> state(coverer->size(), kUnseen);
  std::vector<int64_t> path;
  for (size_t start = 0; start < coverer->size(); ++start) {
    path.clear();
    int64_t at = static_cast<int64_t>(start);
    while (at >= 0 && state[at] == kUnseen) {
      state[at] = kOnPath;
      path.push_back(at);
      at = (*coverer)[at];
    }
    if (at >= 0 && state[at] == kOnPath) {
      const auto cycle = std::find(path.begin(), path.end(), at);
      (*coverer)[*std::min_element(cycle, path.end())] = -1;
    }
    for (const int64_t k : path) state[k] = kDone;
  }
}

}  // namespace

struct RuleCoverage::Index {
  // Copies of the rules, which the ids view.
  std::vector<PolicyRule> rules;
  StringIds strings;
  NameSets name_sets;
  std::vector<Atom> atoms;
  std::unique_ptr<const AtomIndex> atom_index;
};

RuleCoverage::RuleCoverage(const std::vector<PolicyRule>& by)
    : index_([&by] {
        auto index = std::make_unique<Index>();
        index->rules = by;
        for (const PolicyRule& rule : index->rules) {
          for (const auto* values :
               {&rule.api_groups, &rule.resources, &rule.verbs,
                &rule.resource_names, &rule.non_resource_urls}) {
            for (const std::string& value : *values) index->strings.Add(value);
          }
        }
        index->strings.Add("");
        index->strings.Add(kAll);
        index->strings.Freeze();
        std::vector<std::vector<uint32_t>> rule_names;
        for (const PolicyRule& rule : index->rules) {
          rule_names.push_back(index->strings.SortedIds(rule.resource_names));
          index->name_sets.Add(rule_names.back());
        }
        index->name_sets.Freeze();
        const uint32_t no_names = index->name_sets.Id({});
        for (size_t i = 0; i < index->rules.size(); ++i) {
          ForEachAtom(index->rules[i], index->strings,
                      index->name_sets.Id(rule_names[i]), no_names,
                      [&](const Atom& atom, absl::string_view) {
                        index->atoms.push_back(atom);
                      });
        }
        std::sort(index->atoms.begin(), index->atoms.end());
        index->atoms.erase(
            std::unique(index->atoms.begin(), index->atoms.end()),
            index->atoms.end());
        index->atom_index = std::make_unique<const AtomIndex>(
            index->atoms, index->strings, index->name_sets);
        return std::unique_ptr<const Index>(std::move(index));
      }()) {}

RuleCoverage::~RuleCoverage() = default;

bool RuleCoverage::Covers(const PolicyRule& rule) const {
  const std::vector<uint32_t> names =
      index_->strings.SortedIds(rule.resource_names);
  bool covered = true;
  static const std::vector<uint32_t> kNoNames;
  ForEachAtom(
      rule, index_->strings, kMissing, kMissing,
      [&](const Atom& atom, absl::string_view target) {
        if (!covered) return;
        // A name no rule has (kMissing) leaves only unnamed coverers.
        const Query query{atom, target, atom.is_url ? &kNoNames : &names,
                          /*names_known=*/false};
        covered =
            index_->atom_index->FindCoverer(query, /*allow_equal=*/true) >= 0;
      });
  return covered;
}

bool IsCovered(const PolicyRule& rule, const std::vector<PolicyRule>& by) {
  return RuleCoverage(by).Covers(rule);
}

CompactedRules CompactRules(const std::vector<DeclaredRule>& declared) {
  // 1. Number the strings and name sets, split the rules into atoms, and sort
  // them, each with the declared rules that hold it (in declaration order).
  const NumberedAtoms numbered = NumberAtoms(declared);
  const StringIds& strings = numbered.strings;
  const NameSets& name_sets = numbered.name_sets;
  const std::vector<Held>& held = numbered.held;
  const std::vector<Atom>& atoms = numbered.atoms;
  const std::vector<uint32_t>& first_held = numbered.first_held;

  // 2. Drop atoms another atom covers. Each question only reads the index,
  // so they are asked from every core.
  const AtomIndex index(atoms, strings, name_sets);
  std::vector<int64_t> coverer(atoms.size());
  ParallelFor(
      atoms.size(),
      [&](size_t k) {
        coverer[k] = index.FindCoverer(QueryFor(atoms[k], strings, name_sets),
                                       /*allow_equal=*/false);
      },
      /*grain=*/4096);
  // Per declared rule, its place in covered_sources, or -1. Numbered first
  // so that covered_sources is complete (and its addresses fixed) before
  // the covered grants point into it.
  std::vector<int64_t> covered_source_of(declared.size(), -1);
  std::vector<uint32_t> covered_rules;
  const auto number_source = [&](uint32_t rule) {
    if (covered_source_of[rule] < 0) {
      covered_source_of[rule] = static_cast<int64_t>(covered_rules.size());
      covered_rules.push_back(rule);
    }
  };
  KeepOneOfEachCoverCycle(&coverer);
  // The kept atom that covers atom k: the coverer itself may be covered, so
  // the chain is followed.
  const auto top_coverer = [&](uint32_t k) {
    int64_t top = coverer[k];
    while (coverer[top] >= 0) top = coverer[top];
    return static_cast<uint32_t>(top);
  };
  std::vector<uint32_t> kept;
  size_t covered_count = 0;
  for (uint32_t k = 0; k < atoms.size(); ++k) {
    if (coverer[k] < 0) {
      kept.push_back(k);
      continue;
    }
    number_source(held[first_held[top_coverer(k)]].rule);
    for (uint32_t i = first_held[k]; i < first_held[k + 1]; ++i) {
      number_source(held[i].rule);
    }
    covered_count += first_held[k + 1] - first_held[k];
  }
  CompactedRules result;
  auto covered_sources = std::make_shared<std::vector<RuleSource>>();
  covered_sources->reserve(covered_rules.size());
  for (uint32_t rule : covered_rules) {
    const RuleSource& source = declared[rule].source;
    RuleSource covered;
    covered.feature = source.feature;
    covered.reason = source.reason;
    covered.location = source.location;
    covered.serves = source.serves;
    covered_sources->push_back(std::move(covered));
  }
  const auto source_of = [&](uint32_t rule) {
    return &(*covered_sources)[covered_source_of[rule]];
  };
  auto covered_grants = std::make_shared<std::vector<PolicyRule>>();
  covered_grants->reserve(atoms.size() - kept.size());
  result.covered.reserve(covered_count);
  for (uint32_t k = 0; k < atoms.size(); ++k) {
    if (coverer[k] < 0) continue;
    const Atom& atom = atoms[k];
    PolicyRule& grant = covered_grants->emplace_back();
    (atom.is_url ? grant.non_resource_urls : grant.resources)
        .emplace_back(strings.Text(atom.target));
    if (!atom.is_url) grant.api_groups.emplace_back(strings.Text(atom.group));
    grant.verbs.emplace_back(strings.Text(atom.verb));
    for (uint32_t name : name_sets.Names(atom.names)) {
      grant.resource_names.emplace_back(strings.Text(name));
    }
    const RuleSource* covered_by =
        source_of(held[first_held[top_coverer(k)]].rule);
    for (uint32_t i = first_held[k]; i < first_held[k + 1]; ++i) {
      result.covered.push_back({&grant, source_of(held[i].rule), covered_by});
    }
  }
  result.covered_grants = std::move(covered_grants);
  result.covered_sources = std::move(covered_sources);

  // 3. Merge verbs per (kind, group, target, names), then targets per (kind,
  // group, names, verbs).
  result.rules = MergeIntoRules(declared, numbered, std::move(kept));
  return result;
}

}  // namespace rbacc
