#include "compiler/common/lint_checks.h"

#include <vector>

#include "absl/strings/string_view.h"

namespace rbacc {

const std::vector<LintCheck>& LintChecks() {
  static const auto* const kChecks = new std::vector<LintCheck>{
      {"admission-webhook-write", LintSeverity::kHigh,
       "write access to admission webhooks and policies"},
      {"bind-verb", LintSeverity::kHigh, "bind on roles or clusterroles"},
      {"broad-subject", LintSeverity::kHigh,
       "binding anonymous users, every authenticated user or every service "
       "account (system:anonymous, system:unauthenticated, "
       "system:authenticated, system:serviceaccounts[:NAMESPACE])",
       true},
      {"cluster-workload-create", LintSeverity::kHigh,
       "creating pods or workload controllers cluster-wide"},
      {"crd-write", LintSeverity::kHigh,
       "write access to CustomResourceDefinitions"},
      {"csr-approve", LintSeverity::kHigh,
       "approving certificate signing requests"},
      {"escalate-verb", LintSeverity::kHigh,
       "escalate on roles or clusterroles"},
      {"identity-mode-cost", LintSeverity::kHigh,
       "an identity mode whose application gives its pods broad roles of its "
       "own"},
      {"impersonate-verb", LintSeverity::kHigh,
       "impersonating users, groups or accounts"},
      {"namespaced-covered-by-cluster", LintSeverity::kLow,
       "a namespaced rule a cluster rule already grants"},
      {"nodes-proxy", LintSeverity::kHigh, "nodes/proxy (the kubelet API)"},
      {"pods-attach", LintSeverity::kMedium, "pods/attach"},
      {"pods-ephemeralcontainers", LintSeverity::kMedium,
       "pods/ephemeralcontainers"},
      {"pods-exec", LintSeverity::kMedium, "pods/exec"},
      {"pods-portforward", LintSeverity::kMedium, "pods/portforward"},
      {"rbac-write", LintSeverity::kHigh,
       "write access to roles, rolebindings, clusterroles or "
       "clusterrolebindings"},
      {"secrets-read-cluster-wide", LintSeverity::kHigh,
       "reading secrets cluster-wide"},
      {"serviceaccount-token-create", LintSeverity::kHigh,
       "creating service account tokens"},
      {"system-target-namespace", LintSeverity::kHigh,
       "a Kubernetes system namespace (kube-system, kube-public, "
       "kube-node-lease, any kube-*) as a target namespace"},
      {"unused-permission", LintSeverity::kLow,
       "a permission no recorded call of the application uses"},
      {"wildcard-api-groups", LintSeverity::kMedium, "\"*\" in api_groups"},
      {"wildcard-resources", LintSeverity::kMedium, "\"*\" in resources"},
      {"wildcard-verbs", LintSeverity::kMedium, "\"*\" in verbs"},
  };
  return *kChecks;
}

const LintCheck* FindLintCheck(absl::string_view id) {
  for (const LintCheck& check : LintChecks()) {
    if (id == check.id) return &check;
  }
  return nullptr;
}

const char* LintSeverityName(LintSeverity severity) {
  switch (severity) {
    case LintSeverity::kHigh:
      return "high";
    case LintSeverity::kMedium:
      return "medium";
    case LintSeverity::kLow:
      return "low";
  }
  return "high";
}

}  // namespace rbacc
