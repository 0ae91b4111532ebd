#include "compiler/lint/identity_cost.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "compiler/common/lint_checks.h"
#include "compiler/merge/bootstrap_objects.h"

namespace rbacc {
namespace {

// A rule as "apps/deployments,pods [get,list]" (the core group as "core"),
// or "* on */*" for the rule granting everything.
std::string RuleText(const v1::Rule& rule) {
  const auto only_star = [](const auto& values) {
    return values.size() == 1 && values[0] == "*";
  };
  if (only_star(rule.api_groups()) && only_star(rule.resources()) &&
      only_star(rule.verbs()) && rule.resource_names().empty()) {
    return "* on */* (every verb on every resource)";
  }
  std::vector<std::string> groups;
  for (const std::string& group : rule.api_groups()) {
    groups.push_back(group.empty() ? "core" : group);
  }
  return absl::StrCat(
      rule.non_resource_urls().empty()
          ? absl::StrCat(absl::StrJoin(groups, ","), "/",
                         absl::StrJoin(rule.resources(), ","))
          : absl::StrJoin(rule.non_resource_urls(), ","),
      " [", absl::StrJoin(rule.verbs(), ","), "]",
      rule.resource_names().empty()
          ? ""
          : absl::StrCat(" names ", absl::StrJoin(rule.resource_names(), ",")));
}

}  // namespace

std::optional<LintFinding> IdentityModeCostFinding(
    const LoadedBundle& bundle, const CompiledPolicy& policy) {
  const Selection& selection = policy.selection;
  if (!selection.bootstraps()) return std::nullopt;
  const v1::IdentityMode& mode = *selection.identity_mode;
  std::vector<std::string> roles;
  bool writes_rbac = false;
  for (const BootstrapObjectRef& object : SelectedBootstrapObjects(
           mode, selection.features, selection.primary_namespace())) {
    const std::string& kind = object.proto->kind();
    if (kind != "Role" && kind != "ClusterRole") continue;
    std::vector<std::string> rules;
    for (const v1::Rule& rule : object.proto->rules()) {
      rules.push_back(RuleText(rule));
      for (const std::string& resource : rule.resources()) {
        for (const std::string& verb : rule.verbs()) {
          writes_rbac = writes_rbac || ((resource == "clusterroles" ||
                                         resource == "clusterrolebindings" ||
                                         resource == "*") &&
                                        (verb == "create" || verb == "patch" ||
                                         verb == "update" || verb == "*"));
        }
      }
    }
    roles.push_back(absl::StrCat(
        kind, " ", object.name,
        object.namespace_name.empty()
            ? " (cluster-wide)"
            : absl::StrCat(" in namespace ", object.namespace_name),
        ": ", absl::StrJoin(rules, "; ")));
  }
  LintFinding finding;
  finding.check = FindLintCheck("identity-mode-cost");
  finding.location = selection.identity_location;
  finding.message = absl::StrCat(
      "remote identity ", mode.name(), ": ", policy.application_name,
      "'s pods run as ", mode.service_account(),
      ", which the application's own objects (",
      mode.bootstrap_source().empty() ? "its template"
                                      : mode.bootstrap_source(),
      ") grant far more than the selected features need, and which it "
      "patches back on every launch: ",
      absl::StrJoin(roles, ". "), ".",
      writes_rbac ? " The pods may write roles and their bindings." : "",
      selection.bootstrap == v1::BOOTSTRAP_GRANT
          ? " With --bootstrap=grant the launcher may also create and patch "
            "those roles, with escalate on roles and clusterroles: it can "
            "grant itself anything."
          : "");
  static const std::string* const kSuggestion = new std::string(
      "use a custom service account (remote_identity: the account's name, "
      "e.g. the bundle's default): its pods and the launcher then get only "
      "the selected features' rules");
  finding.suggestion = *kSuggestion;
  const std::string& account = bundle.proto.defaults().service_account();
  if (!account.empty()) {
    finding.message +=
        absl::StrCat(" The narrower choice: remote_identity: ", account, ".");
  }
  for (const v1::LintAllowance& allowance : selection.allowances) {
    if (allowance.id() == finding.check->id) {
      finding.acknowledged = true;
      finding.acknowledgement = allowance.reason();
    }
  }
  return finding;
}

}  // namespace rbacc
