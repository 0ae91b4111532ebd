// The named steps of CompactRules (compact.h), over numbered strings: split
// the declared rules into atoms (NumberAtoms), and regroup the atoms no other
// atom covers into canonical rules (MergeIntoRules). Private to
// compiler/merge; exposed for compact.cc and its tests.
#ifndef RBACC_COMPILER_MERGE_COMPACT_STEPS_H_
#define RBACC_COMPILER_MERGE_COMPACT_STEPS_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "compiler/common/policy_rule.h"
#include "compiler/merge/compact.h"

namespace rbacc {
namespace compact_internal {

// The id of a string no indexed rule has.
constexpr uint32_t kMissing = std::numeric_limits<uint32_t>::max();

// Strings numbered in their sorted order, so that comparing two ids compares
// the strings. Holds views: the strings must outlive it.
class StringIds {
 public:
  // Adds `text`; only before Freeze().
  void Add(absl::string_view text) { added_.insert(text); }

  // Numbers the added strings. Id() and Text() answer from here on.
  void Freeze() {
    texts_.assign(added_.begin(), added_.end());
    added_.clear();
    std::sort(texts_.begin(), texts_.end());
    ids_.reserve(texts_.size());
    for (uint32_t id = 0; id < texts_.size(); ++id) ids_[texts_[id]] = id;
  }

  // The id of `text`, or kMissing when it was not added.
  uint32_t Id(absl::string_view text) const {
    const auto found = ids_.find(text);
    return found == ids_.end() ? kMissing : found->second;
  }

  absl::string_view Text(uint32_t id) const { return texts_[id]; }

  // The ids of `values`, sorted and without repeats (kMissing for a string
  // that was not added, last).
  std::vector<uint32_t> SortedIds(
      const std::vector<std::string>& values) const {
    std::vector<uint32_t> ids;
    ids.reserve(values.size());
    for (const std::string& value : values) ids.push_back(Id(value));
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return ids;
  }

 private:
  absl::flat_hash_set<absl::string_view> added_;
  std::vector<absl::string_view> texts_;
  absl::flat_hash_map<absl::string_view, uint32_t> ids_;
};

// Sets of resource names (sorted StringIds), numbered in the order
// std::vector<std::string> compares them; set 0 is the empty set.
class NameSets {
 public:
  // Adds `names`, sorted and unique; only before Freeze().
  void Add(const std::vector<uint32_t>& names) { sets_.push_back(names); }

  void Freeze() {
    sets_.emplace_back();
    std::sort(sets_.begin(), sets_.end());
    sets_.erase(std::unique(sets_.begin(), sets_.end()), sets_.end());
  }

  // The id of an added set.
  uint32_t Id(const std::vector<uint32_t>& names) const {
    return static_cast<uint32_t>(
        std::lower_bound(sets_.begin(), sets_.end(), names) - sets_.begin());
  }

  const std::vector<uint32_t>& Names(uint32_t id) const { return sets_[id]; }

 private:
  std::vector<std::vector<uint32_t>> sets_;
};

// One permission over StringIds and NameSets: compared as Permission compares
// its strings.
struct Atom {
  bool is_url = false;
  uint32_t group = 0;
  // The resource, or the URL when is_url.
  uint32_t target = 0;
  uint32_t verb = 0;
  uint32_t names = 0;

  auto Tie() const { return std::tie(is_url, group, target, verb, names); }
  friend bool operator<(const Atom& a, const Atom& b) {
    return a.Tie() < b.Tie();
  }
  friend bool operator==(const Atom& a, const Atom& b) {
    return a.Tie() == b.Tie();
  }
};

// Calls `add(atom, target_text)` for each atom of `rule`: resource atoms get
// the names set `names`, URL atoms the empty set `no_names`.
template <typename AddAtom>
void ForEachAtom(const PolicyRule& rule, const StringIds& strings,
                 uint32_t names, uint32_t no_names, AddAtom add) {
  const uint32_t url_group = strings.Id("");
  for (const std::string& verb_text : rule.verbs) {
    const uint32_t verb = strings.Id(verb_text);
    for (const std::string& url : rule.non_resource_urls) {
      add(Atom{true, url_group, strings.Id(url), verb, no_names}, url);
    }
    for (const std::string& group : rule.api_groups) {
      const uint32_t group_id = strings.Id(group);
      for (const std::string& resource : rule.resources) {
        add(Atom{false, group_id, strings.Id(resource), verb, names}, resource);
      }
    }
  }
}

// An atom as one declared rule holds it.
struct Held {
  Atom atom;
  // The declared rule's position.
  uint32_t rule;
};

// The declared rules split into atoms over numbered strings and name sets.
// Views the declared rules' strings: they must outlive it.
struct NumberedAtoms {
  StringIds strings;
  NameSets name_sets;
  // Every atom with each declared rule that holds it, sorted by (atom, rule).
  std::vector<Held> held;
  // The distinct atoms, sorted.
  std::vector<Atom> atoms;
  // atoms[k] is held by held[first_held[k]] to held[first_held[k + 1] - 1].
  std::vector<uint32_t> first_held;
};

// Step 1: numbers the strings and name sets of `declared` (with "" and "*"),
// splits the rules into atoms, and sorts them, each with the declared rules
// that hold it (in declaration order). Never fails.
NumberedAtoms NumberAtoms(const std::vector<DeclaredRule>& declared);

// Each verb's place in Kubernetes' verb order (see SortVerbs), by its id.
using VerbRanks = absl::flat_hash_map<uint32_t, size_t>;

// The ranks of the verbs of `atoms[k]` for every k in `kept`.
VerbRanks RankVerbs(const std::vector<Atom>& atoms, const StringIds& strings,
                    const std::vector<uint32_t>& kept);

// The atoms that become one compiled rule: the same kind, group and names,
// and the same verbs.
struct RuleKey {
  bool is_url;
  uint32_t group;
  uint32_t names;
  // In Kubernetes' verb order.
  std::vector<uint32_t> verbs;
  bool operator<(const RuleKey& other) const {
    return std::tie(is_url, group, names, verbs) <
           std::tie(other.is_url, other.group, other.names, other.verbs);
  }
};

// Step 3a: merges the verbs of the kept atoms (positions in `atoms`) per
// (kind, group, target, names), then groups the targets per (kind, group,
// names, verbs). Returns each rule's atoms, sorted by (kind, group, target,
// names, verb).
std::map<RuleKey, std::vector<uint32_t>> GroupIntoRules(
    const std::vector<Atom>& atoms, std::vector<uint32_t> kept,
    const VerbRanks& verb_rank);

// Step 3b: the sources of the rule made of `rule_atoms`: one per declared rule
// told apart by (feature, reason, location), each with the resources or URLs
// it contributes, sorted by feature, location and reason.
std::vector<RuleSource> SourcesOfRule(const std::vector<DeclaredRule>& declared,
                                      const NumberedAtoms& numbered,
                                      const std::vector<uint32_t>& rule_atoms);

// Step 3: turns the atoms no other atom covers (positions in
// `numbered.atoms`) into compiled rules in canonical order (see
// CompactedRules::rules).
std::vector<CompiledRule> MergeIntoRules(
    const std::vector<DeclaredRule>& declared, const NumberedAtoms& numbered,
    std::vector<uint32_t> kept);

}  // namespace compact_internal
}  // namespace rbacc

#endif  // RBACC_COMPILER_MERGE_COMPACT_STEPS_H_
