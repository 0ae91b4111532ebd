#include "compiler/lint/system_namespace.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "compiler/common/lint_checks.h"

namespace rbacc {

bool IsKubernetesSystemNamespace(const std::string& namespace_name) {
  return absl::StartsWith(namespace_name, "kube-");
}

std::vector<LintFinding> SystemNamespaceFindings(const CompiledPolicy& policy) {
  const Selection& selection = policy.selection;
  static const std::string* const kSuggestion = new std::string(
      "target a namespace of the application's own (e.g. one named after it), "
      "created for it");
  std::vector<LintFinding> findings;
  for (size_t i = 0; i < selection.namespaces.size(); ++i) {
    const std::string& name = selection.namespaces[i];
    if (!IsKubernetesSystemNamespace(name)) continue;
    LintFinding finding;
    finding.check = FindLintCheck("system-target-namespace");
    if (i < selection.namespace_locations.size()) {
      finding.location = selection.namespace_locations[i];
    }
    finding.message = absl::StrCat(
        "target namespace ", name,
        " is a Kubernetes system namespace: the Role there grants the "
        "namespaced rules over the cluster components' own pods, service "
        "accounts and secrets (some of them cluster-wide administrators), "
        "and the application's objects land among them");
    finding.suggestion = *kSuggestion;
    for (const v1::LintAllowance& allowance : selection.allowances) {
      if (allowance.id() == finding.check->id) {
        finding.acknowledged = true;
        finding.acknowledgement = allowance.reason();
      }
    }
    findings.push_back(std::move(finding));
  }
  return findings;
}

}  // namespace rbacc
