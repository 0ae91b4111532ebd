// Kubernetes' built-in ClusterRoles (the RBAC bootstrap policy, catalogue data
// in compiler/catalog/bootstrap_cluster_roles.yaml) for RBAC YAML that binds
// them without defining them: `cluster-admin`, `admin`, `edit`, `view` and the
// `system:` roles exist on every cluster, so a RoleBinding to `edit` grants
// what `edit` grants there.
//
//   std::vector<std::string> used = AddBuiltinClusterRoles(&objects);
//   ResolveAggregation(&objects);  // gives admin, edit and view their rules
#ifndef RBACC_COMPILER_REVIEW_BUILTIN_ROLES_H_
#define RBACC_COMPILER_REVIEW_BUILTIN_ROLES_H_

#include <string>
#include <vector>

#include "compiler/common/rbac_objects.h"

namespace rbacc {

// Returns the built-in ClusterRoles in the order the bootstrap policy lists
// them, as written (aggregation not resolved), each with `builtin` set and
// every rule's one source saying where it comes from (BuiltinRoleNote of the
// role, no file location). The data is compiled in and catalogue tests prove
// it parses; were it ever not to, the list is empty.
const std::vector<RoleObject>& BootstrapClusterRoles();

// Returns "<name>: Kubernetes' built-in ClusterRole (bootstrap policy 1.33)"
// with the version of the compiled-in bootstrap policy.
std::string BuiltinRoleNote(const std::string& name);

// Adds to `objects` each built-in ClusterRole that a binding of `objects`
// names (roleRef kind ClusterRole) and `objects` does not define, and, for
// those with an aggregationRule, the built-in ClusterRoles their selectors
// select (so that ResolveAggregation gives `edit` the rules of
// system:aggregate-to-edit and `view`), again only where `objects` has no
// ClusterRole of that name. Returns the names of the roles added because a
// binding names them, sorted; roles added only as aggregation sources are
// not listed. Names that are not built-in roles are left alone (the binding
// stays unbound; see WarnAboutUnboundRoles).
std::vector<std::string> AddBuiltinClusterRoles(RbacObjects* objects);

}  // namespace rbacc

#endif  // RBACC_COMPILER_REVIEW_BUILTIN_ROLES_H_
