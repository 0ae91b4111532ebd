// Kubernetes' ClusterRole aggregation, offline: a ClusterRole with an
// aggregationRule holds the rules of every ClusterRole its
// clusterRoleSelectors select, as the clusterrole-aggregation controller
// (pkg/controller/clusterroleaggregation) writes them.
#ifndef RBACC_COMPILER_COMMON_AGGREGATION_H_
#define RBACC_COMPILER_COMMON_AGGREGATION_H_

#include <map>
#include <string>

#include "compiler/common/rbac_objects.h"

namespace rbacc {

// True when `labels` satisfy `selector` as metav1.LabelSelectorAsSelector
// reads it: every match_labels entry present with its value; In: the key is
// present with one of the values; NotIn: the key is absent or has none of
// them; Exists / DoesNotExist: the key is present / absent. An empty selector
// matches everything; a requirement with an unknown operator matches nothing.
bool SelectorMatches(const LabelSelector& selector,
                     const std::map<std::string, std::string>& labels);

// Replaces the rules of every ClusterRole of `objects` that has an
// aggregationRule with the rules of the ClusterRoles its selectors select, as
// the controller does: selector by selector, selected roles by name, itself
// skipped, each rule once (a rule equal to one already taken is skipped).
// Aggregated roles that select other aggregated roles are resolved until
// nothing changes, so the result is what a cluster settles on. Each copied
// rule's sources name the role it came from in RuleSource::aggregated_from.
// Roles without an aggregationRule are left as they are.
void ResolveAggregation(RbacObjects* objects);

}  // namespace rbacc

#endif  // RBACC_COMPILER_COMMON_AGGREGATION_H_
