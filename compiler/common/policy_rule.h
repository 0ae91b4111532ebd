// The permission rule every stage passes along: Kubernetes' rbac/v1 PolicyRule,
// and where each part of a compiled rule came from.
#ifndef RBACC_COMPILER_COMMON_POLICY_RULE_H_
#define RBACC_COMPILER_COMMON_POLICY_RULE_H_

#include <string>
#include <vector>

#include "compiler/common/source_location.h"

namespace rbacc {

// A rule in Kubernetes' PolicyRule shape. Resource rules set api_groups,
// resources and verbs (and optionally resource_names); non-resource rules set
// non_resource_urls and verbs.
struct PolicyRule {
  std::vector<std::string> api_groups;
  std::vector<std::string> resources;
  std::vector<std::string> verbs;
  std::vector<std::string> resource_names;
  std::vector<std::string> non_resource_urls;

  friend bool operator==(const PolicyRule& a, const PolicyRule& b) {
    return a.api_groups == b.api_groups && a.resources == b.resources &&
           a.verbs == b.verbs && a.resource_names == b.resource_names &&
           a.non_resource_urls == b.non_resource_urls;
  }
  friend bool operator!=(const PolicyRule& a, const PolicyRule& b) {
    return !(a == b);
  }
};

// Why a compiled rule holds some of its resources: one declared rule of one
// feature.
struct RuleSource {
  // The feature that declared the rule.
  std::string feature;
  // The declared rule's reason.
  std::string reason;
  // Where the declared rule is.
  SourceLocation location;
  // The resources (or non-resource URLs) of the compiled rule that this source
  // grants, sorted.
  std::vector<std::string> resources;
  // For a rule an aggregated ClusterRole holds because its aggregationRule
  // selects another ClusterRole: that role, "ClusterRole <name>"; else "".
  std::string aggregated_from;
  // The application's calls the declared rule serves (Rule.serves), cited as
  // CallCitation does and joined with ", "; empty when it cites none.
  std::string serves;
};

// A rule of a compiled role with the declared rules behind it.
struct CompiledRule {
  PolicyRule rule;
  // Sorted by (feature, location, reason): declaration order within each
  // feature.
  std::vector<RuleSource> sources;
};

// Sorts verbs in Kubernetes' conventional order (get list watch create update
// patch delete deletecollection, then the others alphabetically).
void SortVerbs(std::vector<std::string>& verbs);

// Returns true when `a` comes before `b` in Kubernetes' conventional verb
// order.
bool VerbLess(const std::string& a, const std::string& b);

}  // namespace rbacc

#endif  // RBACC_COMPILER_COMMON_POLICY_RULE_H_
