// The text of compiler/catalog/bootstrap_cluster_roles.yaml, Kubernetes'
// built-in ClusterRoles, compiled into the binary.
#ifndef RBACC_COMPILER_CATALOG_BOOTSTRAP_CLUSTER_ROLES_TEXT_H_
#define RBACC_COMPILER_CATALOG_BOOTSTRAP_CLUSTER_ROLES_TEXT_H_

namespace rbacc {

// The Kubernetes version whose bootstrap policy kBootstrapClusterRolesYaml
// holds (compiler/catalog/refresh_cluster_roles.sh sets it).
inline constexpr char kBootstrapPolicyVersion[] = "1.33";

// The built-in ClusterRoles as Kubernetes renders them: one YAML `List`.
extern const char kBootstrapClusterRolesYaml[];

}  // namespace rbacc

#endif  // RBACC_COMPILER_CATALOG_BOOTSTRAP_CLUSTER_ROLES_TEXT_H_
