// Canonical, minimal rules for one role, by Kubernetes' matching semantics.
//
// Each declared rule is split into single permissions (group, resource or URL,
// verb, names); a permission that another one grants entirely is dropped (and
// recorded as covered); what remains is regrouped: permissions with the same
// group, resource and names merge their verbs, then rules with the same group,
// names and verbs merge their resources. The result depends only on the set of
// permissions and sources, so merging is associative and commutative. Which
// permission covers which is common/coverage.h's definition.
#ifndef RBACC_COMPILER_MERGE_COMPACT_H_
#define RBACC_COMPILER_MERGE_COMPACT_H_

#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "compiler/common/coverage.h"
#include "compiler/common/policy_rule.h"

namespace rbacc {

// A rule as a feature declared it. `source.resources` is ignored.
struct DeclaredRule {
  PolicyRule rule;
  RuleSource source;
};

// A single permission dropped because another permission of the same role
// grants everything it does.
struct CoveredGrant {
  // One API group, one resource (or one URL), one verb, and the names: an
  // entry of CompactedRules::covered_grants (never null), shared by the
  // declared rules that hold the same permission.
  const PolicyRule* grant = nullptr;
  // The declared rule it came from, and a declared rule whose permission
  // covers it: entries of CompactedRules::covered_sources (never null).
  const RuleSource* source = nullptr;
  const RuleSource* covered_by = nullptr;
};

// The rules of one role after compaction.
struct CompactedRules {
  // Sorted canonically: resource rules by (group, resources, verbs in
  // Kubernetes' order, names), then non-resource rules by (URLs, verbs). Within
  // a rule, resources, URLs and names are sorted and verbs are in Kubernetes'
  // order; "*" stands alone.
  std::vector<CompiledRule> rules;
  // Permissions dropped as covered, in canonical order.
  std::vector<CoveredGrant> covered;
  // The permissions and the declared rules `covered` names, once each
  // (sources without `resources`); copies of these rules share them, so the
  // pointers stay valid.
  std::shared_ptr<const std::vector<PolicyRule>> covered_grants;
  std::shared_ptr<const std::vector<RuleSource>> covered_sources;
};

// Compacts `declared` into canonical minimal rules that allow exactly the
// requests the declared rules allow together. Never fails; validation has
// already rejected malformed rules.
CompactedRules CompactRules(const std::vector<DeclaredRule>& declared);

// Rules split and indexed once, for asking of many rules whether they grant
// nothing more (IsCovered builds one for each question).
class RuleCoverage {
 public:
  explicit RuleCoverage(const std::vector<PolicyRule>& by);
  ~RuleCoverage();
  RuleCoverage(const RuleCoverage&) = delete;
  RuleCoverage& operator=(const RuleCoverage&) = delete;

  // True when every single permission of `rule` is granted by one of the rules
  // given to the constructor. A permission that only several of them grant
  // together (names split across rules) counts as not covered, so the answer
  // errs towards "not covered".
  bool Covers(const PolicyRule& rule) const;

 private:
  // The rules' permissions and their index (compact.cc).
  struct Index;
  std::unique_ptr<const Index> index_;
};

// True when every single permission of `rule` is granted by one rule of `by`
// (see RuleCoverage::Covers).
bool IsCovered(const PolicyRule& rule, const std::vector<PolicyRule>& by);

}  // namespace rbacc

#endif  // RBACC_COMPILER_MERGE_COMPACT_H_
