// The Kubernetes objects of a compiled policy: Namespaces, ServiceAccounts,
// the compiled roles with their bindings, and an identity mode's bootstrapped
// objects. Private to compiler/merge (compile.cc's last step).
#ifndef RBACC_COMPILER_MERGE_COMPILE_OBJECTS_H_
#define RBACC_COMPILER_MERGE_COMPILE_OBJECTS_H_

#include <vector>

#include "compiler/common/issue.h"
#include "compiler/load/bundle_loader.h"
#include "compiler/merge/bootstrap_objects.h"
#include "compiler/merge/compiled_policy.h"
#include "compiler/resolve/selection.h"
#include "proto/rbacc/v1/policy.pb.h"

namespace rbacc {
namespace compile_internal {

// The index of `mode` in the bundle's identity modes, for locating its fields.
int IdentityModeIndex(const LoadedBundle& bundle, const v1::IdentityMode& mode);

// Fills policy->objects and policy->subjects from policy->roles: the fixed
// Namespaces to create, the ServiceAccounts, each role and its binding (to the
// accounts and selection.extra_subjects), and for a bootstrapping mode the
// objects of `bootstrap_objects` it creates; each kind sorted by namespace and
// name. Adds an issue when two objects of one kind share a namespace and name.
void BuildObjects(const LoadedBundle& bundle, const Selection& selection,
                  const std::vector<BootstrapObjectRef>& bootstrap_objects,
                  CompiledPolicy* policy, IssueList* issues);

}  // namespace compile_internal
}  // namespace rbacc

#endif  // RBACC_COMPILER_MERGE_COMPILE_OBJECTS_H_
