// What SkyPilot's Helm chart (charts/skypilot) creates for RBAC from a values
// file: the logic of its templates/rbac.yaml and templates/system-rbac.yaml,
// reimplemented in test code so that tests can check, by evaluating requests,
// that a values.yaml grants what an rbac.yaml grants.
//
//   const HelmRelease release{"skypilot", "default"};
//   absl::StatusOr<RbacObjects> chart =
//       RenderSkyPilotChartRbac(values_yaml, release);
//   // chart->service_accounts[0] is the account the roles are bound to.
#ifndef RBACC_TESTS_TESTING_SKYPILOT_CHART_H_
#define RBACC_TESTS_TESTING_SKYPILOT_CHART_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "compiler/common/rbac_objects.h"

namespace rbacc::testing {

// How the chart is installed: `helm install <name> --namespace <namespace>`.
struct HelmRelease {
  // The release name; the chart names its roles and bindings after it.
  std::string name;
  // The release namespace: where the chart's service account lives.
  std::string namespace_name;
};

// The Namespace, ServiceAccount, Role, ClusterRole and binding objects the
// chart renders from `values_yaml` (one YAML document of Helm values) for
// `release`:
//   - if rbac.create: ServiceAccount rbac.serviceAccountName in the release
//     namespace; ClusterRole <release>-api-role with rbac.clusterRules, plus
//     clusterroles and clusterrolebindings "*" if rbac.manageRbacPolicies, plus
//     always storageclasses get/list/watch; Role <release>-api-role in
//     kubernetesCredentials.inclusterNamespace (created as a Namespace when it
//     is not the release namespace) with rbac.namespaceRules, plus roles,
//     rolebindings and serviceaccounts "*" if rbac.manageRbacPolicies; and a
//     binding of each to the service account;
//   - if rbac.create and rbac.manageSystemComponents: Namespace
//     skypilot-system, Role <release>-system-role there with daemonsets "*"
//     (plus the rbac.manageRbacPolicies rules of the Role above) and its
//     RoleBinding; and, if rbac.manageRbacPolicies, ClusterRole
//     <release>-system-cluster-role (get, list, watch and create on the
//     namespace skypilot-system) and its ClusterRoleBinding.
// Values left out (or null) take the chart's defaults: rbac.create,
// rbac.manageRbacPolicies and rbac.manageSystemComponents true,
// rbac.serviceAccountName "<release>-api-sa", inclusterNamespace the release
// namespace. The chart's default rule lists are not modelled: with rbac.create,
// rbac.namespaceRules and rbac.clusterRules must be given. Labels and
// annotations are left out (they grant nothing). Returns InvalidArgumentError
// when the YAML does not parse, a value has the wrong type, or a rule list is
// missing.
absl::StatusOr<RbacObjects> RenderSkyPilotChartRbac(
    absl::string_view values_yaml, const HelmRelease& release);

}  // namespace rbacc::testing

#endif  // RBACC_TESTS_TESTING_SKYPILOT_CHART_H_
