// Lint's `system-target-namespace` finding: a target namespace that belongs
// to Kubernetes itself. The namespaced Role there reaches the control plane's
// own objects (kube-system holds the pods, service accounts and secrets of
// cluster components, some of them cluster-admin), and the application's
// objects mix with them.
#ifndef RBACC_COMPILER_LINT_SYSTEM_NAMESPACE_H_
#define RBACC_COMPILER_LINT_SYSTEM_NAMESPACE_H_

#include <string>
#include <vector>

#include "compiler/lint/lint.h"
#include "compiler/merge/compiled_policy.h"

namespace rbacc {

// True for a namespace Kubernetes reserves for itself: any name starting with
// "kube-" (kube-system, kube-public, kube-node-lease). "default" is not one:
// it is where workloads go when no namespace is given.
bool IsKubernetesSystemNamespace(const std::string& namespace_name);

// One finding per target namespace of `policy` that is a Kubernetes system
// namespace, at the place the namespace was given
// (Selection::namespace_locations), in target-namespace order. Acknowledged
// when the profile allows "system-target-namespace". Never fails.
std::vector<LintFinding> SystemNamespaceFindings(const CompiledPolicy& policy);

}  // namespace rbacc

#endif  // RBACC_COMPILER_LINT_SYSTEM_NAMESPACE_H_
