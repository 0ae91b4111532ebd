// The objects an identity mode's application bootstraps itself
// (IdentityMode.bootstrap_objects, e.g. SkyPilot's skypilot-service-account
// with its Roles and bindings): the objects rbac.yaml pre-creates exactly as
// the application's template writes them, and the rules the launcher needs
// for the bootstrap to succeed.
#ifndef RBACC_COMPILER_MERGE_BOOTSTRAP_OBJECTS_H_
#define RBACC_COMPILER_MERGE_BOOTSTRAP_OBJECTS_H_

#include <functional>
#include <string>
#include <vector>

#include "compiler/common/policy_rule.h"
#include "compiler/common/rbac_objects.h"
#include "compiler/common/source_location.h"
#include "proto/rbacc/v1/policy.pb.h"

namespace rbacc {

// One bootstrap object of a compilation, with its placeholders expanded.
struct BootstrapObjectRef {
  const v1::BootstrapObject* proto = nullptr;
  // Its index in the mode's bootstrap_objects.
  int index = 0;
  // Its name and namespace ("" for cluster-scoped objects) in this
  // compilation.
  std::string name;
  std::string namespace_name;
};

// The bootstrap objects of `mode` that exist for `features` (sorted; an
// object with `feature` exists only when it is selected), in the mode's
// order, for target namespace `target_namespace`.
std::vector<BootstrapObjectRef> SelectedBootstrapObjects(
    const v1::IdentityMode& mode, const std::vector<std::string>& features,
    const std::string& target_namespace);

// Where a launcher rule goes: the target namespace (""), a fixed namespace,
// or the cluster (`cluster` true).
struct LauncherRule {
  bool cluster = false;
  std::string namespace_name;
  PolicyRule rule;
  // Why the launcher needs it: the bootstrap call, with its place in
  // SkyPilot's code.
  std::string reason;
  // The object it is for (an index into SelectedBootstrapObjects' result).
  size_t object = 0;
};

// The rules the launcher needs to bootstrap `objects` (expanded names, in
// the target namespace `target_namespace`): with BOOTSTRAP_PRECREATE, `list`
// of each ServiceAccount, Role, RoleBinding, ClusterRole and
// ClusterRoleBinding limited to its name (SkyPilot lists with a field
// selector on metadata.name) and `get` of each Namespace; with
// BOOTSTRAP_GRANT also `create` of each (create requests name no object),
// `patch` of each Role, RoleBinding, ClusterRole and ClusterRoleBinding by
// name, `escalate` on roles and clusterroles (creating a role that grants
// what the creator does not hold) and `bind` on each bound role by name.
// Namespaces are always pre-created (rbacc's own Roles live in them), so only
// `get` is granted for them.
std::vector<LauncherRule> LauncherBootstrapRules(
    const std::vector<BootstrapObjectRef>& objects, v1::BootstrapMode bootstrap,
    const std::string& target_namespace);

// The objects rbac.yaml pre-creates for `objects`, exactly as the template
// writes them: names, labels, rules in the template's order (never compacted
// or sorted; each rule's source names `mode_name` and the rule's reason, at
// `locate(object.index, rule index)`), subjects in the template's order with
// the target namespace filled in for ServiceAccounts without one. Appended to
// `rbac`'s lists, which the caller sorts by place.
void AppendBootstrapObjects(
    const std::vector<BootstrapObjectRef>& objects,
    const std::string& mode_name, const std::string& target_namespace,
    const std::function<SourceLocation(int, int)>& locate, RbacObjects* rbac);

}  // namespace rbacc

#endif  // RBACC_COMPILER_MERGE_BOOTSTRAP_OBJECTS_H_
