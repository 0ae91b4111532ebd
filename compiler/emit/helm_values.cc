#include "compiler/emit/helm_values.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "compiler/common/rbac_objects.h"
#include "compiler/emit/shared_text.h"
#include "compiler/emit/yaml.h"
#include "compiler/merge/compile.h"
#include "compiler/merge/helm_plan.h"

namespace rbacc {
namespace {

// `name_template` with {release} replaced by the Helm release.
std::string ChartName(const std::string& name_template,
                      const std::string& release) {
  return absl::StrReplaceAll(name_template, {{"{release}", release}});
}

// The note naming the objects the chart creates, named after the release.
std::string ChartObjectsNote(const CompiledPolicy& policy,
                             const v1::HelmChart& chart) {
  const std::string& release = policy.selection.chart_release;
  const std::string& primary_namespace = policy.selection.primary_namespace();
  const v1::ObjectNames& chart_names = chart.object_names();
  std::vector<std::string> chart_objects;
  if (!chart_names.cluster_role().empty()) {
    chart_objects.push_back(absl::StrCat(
        "ClusterRole ", ChartName(chart_names.cluster_role(), release),
        " and ClusterRoleBinding ",
        ChartName(chart_names.cluster_role_binding(), release)));
  }
  if (!chart_names.role().empty()) {
    chart_objects.push_back(absl::StrCat(
        "Role ", ChartName(chart_names.role(), release), " and RoleBinding ",
        ChartName(chart_names.role_binding(), release), " in namespace ",
        primary_namespace));
  }
  for (const ScopedRole& role : policy.roles) {
    if (role.scope == RoleScope::kFixedNamespace &&
        !role.fixed_namespace.helm_switch().empty() &&
        !role.fixed_namespace.helm_role_name().empty()) {
      chart_objects.push_back(absl::StrCat(
          "Role ", ChartName(role.fixed_namespace.helm_role_name(), release),
          " and RoleBinding ",
          ChartName(role.fixed_namespace.helm_role_binding_name(), release),
          " in namespace ", role.namespace_name));
    }
  }
  return absl::StrCat(
      "The chart names its roles and bindings after the release",
      chart_objects.empty()
          ? ""
          : absl::StrCat(": ", absl::StrJoin(chart_objects, ", ")),
      ". They are not rbac.yaml's names: use either this file or rbac.yaml "
      "for a cluster, not both.");
}

// Adds the note on whose account the chart's rules are granted to, when the
// identity mode makes that differ from rbac.yaml; none otherwise.
void AddIdentityNote(const CompiledPolicy& policy, const v1::HelmChart& chart,
                     std::vector<std::string>& notes) {
  const Selection& selection = policy.selection;
  const std::string& release = selection.chart_release;
  if (selection.bootstraps()) {
    notes.push_back(absl::StrCat(
        "Identity ", selection.remote_identity, ": the chart's account",
        chart.default_service_account().empty()
            ? ""
            : absl::StrCat(" ",
                           ChartName(chart.default_service_account(), release)),
        " runs the API server, which launches ", policy.application_name,
        ", so these are the launcher's rules. ", policy.application_name,
        "'s pods run as ", selection.service_account,
        ", whose objects only rbac.yaml creates, exactly as ",
        policy.application_name, " writes them: apply those from rbac.yaml."));
  } else if (selection.service_account.empty()) {
    notes.push_back(absl::StrCat(
        "Identity ", selection.remote_identity,
        " has no service account: the chart grants these rules to its own "
        "account",
        chart.default_service_account().empty()
            ? ""
            : absl::StrCat(" ",
                           ChartName(chart.default_service_account(), release)),
        ", and rbac.yaml grants them to the --subjects."));
  } else if (!selection.create_service_account) {
    notes.push_back(
        "The chart creates its service account itself; rbac.yaml does not "
        "(--create_service_account=false).");
  }
}

// Adds the notes on installing the chart: where, the objects it creates, whose
// rules they are, the target namespaces it cannot reach, and, for a
// namespace-only selection, the cluster objects it creates anyway.
void AddInstallNotes(const CompiledPolicy& policy, const v1::HelmChart& chart,
                     std::vector<std::string>& notes) {
  const Selection& selection = policy.selection;
  const std::string& primary_namespace = selection.primary_namespace();
  const std::string& release = selection.chart_release;
  notes.push_back(absl::StrCat(
      "Helm values for the ", chart.name(), " chart, release ", release,
      ". Install it into namespace ", primary_namespace,
      " (helm upgrade --install ", release, " ", chart.name(), " --namespace ",
      primary_namespace,
      " -f values.yaml) so its service account lives where rbac.yaml puts "
      "it."));
  notes.push_back(ChartObjectsNote(policy, chart));
  AddIdentityNote(policy, chart, notes);
  for (size_t i = 1; i < selection.namespaces.size(); ++i) {
    notes.push_back(absl::StrCat(
        "Not expressible in this chart: the Role in namespace ",
        selection.namespaces[i],
        " (the chart creates one, in its namespace). Apply it from "
        "rbac.yaml."));
  }

  if (selection.namespace_only()) {
    std::vector<std::string> builtin_rules;
    for (const v1::Rule& rule : chart.builtin_cluster_rules()) {
      builtin_rules.push_back(RuleLine(ToPolicyRule(rule)));
    }
    notes.push_back(absl::StrCat(
        "cluster_scope none: ", chart.cluster_rules_key(),
        " is empty, but the ", chart.name(),
        " chart always creates its ClusterRole and ClusterRoleBinding",
        builtin_rules.empty()
            ? ""
            : absl::StrCat(" (granting ", absl::StrJoin(builtin_rules, ", "),
                           ")"),
        ", so installing it needs cluster rights; without them apply "
        "rbac.yaml, which has no cluster-scoped object."));
  }
}

// Adds the notes on how `plan` differs from the compiled roles: rules the
// chart always grants, rules it cannot express, and subjects it cannot bind.
void AddPlanNotes(const CompiledPolicy& policy, const v1::HelmChart& chart,
                  const HelmPlan& plan, std::vector<std::string>& notes) {
  for (const CompiledRule* rule : plan.builtin_covered) {
    notes.push_back(absl::StrCat(
        "Left out of ", chart.cluster_rules_key(),
        " because the chart always grants it: ", RuleLine(rule->rule), "."));
  }
  for (const PolicyRule& rule : plan.builtin_extra) {
    notes.push_back(absl::StrCat("The chart's ClusterRole also grants ",
                                 RuleLine(rule),
                                 ", which the selected features do not."));
  }
  for (const HelmFixedRolePlan& fixed : plan.fixed_roles) {
    const ScopedRole& role = *fixed.role;
    if (!fixed.switched) {
      notes.push_back(absl::StrCat(
          "Not expressible in this chart: Role ", role.role_name,
          " in namespace ", role.namespace_name, " (and its RoleBinding ",
          role.binding_name, "). Apply those two objects from rbac.yaml."));
      continue;
    }
    for (const CompiledRule* rule : fixed.not_expressible) {
      notes.push_back(
          absl::StrCat("Not expressible in this chart: ", RuleLine(rule->rule),
                       " in namespace ", role.namespace_name, ". Apply Role ",
                       role.role_name, " from rbac.yaml."));
    }
    for (const PolicyRule& rule : fixed.chart_extra) {
      notes.push_back(absl::StrCat("With ", role.fixed_namespace.helm_switch(),
                                   " the chart also grants ", RuleLine(rule),
                                   " in namespace ", role.namespace_name,
                                   ", which the selected features do not."));
    }
  }
  if (!policy.selection.extra_subjects.empty()) {
    std::vector<std::string> subjects;
    for (const Subject& subject : policy.selection.extra_subjects) {
      subjects.push_back(SubjectLine(subject));
    }
    notes.push_back(
        absl::StrCat("Not expressible in this chart: binding the roles to ",
                     absl::StrJoin(subjects, ", "),
                     " (the chart binds only its own service account). Use "
                     "rbac.yaml for them."));
  }
}

}  // namespace

void EmitHelmValues(const CompiledPolicy& policy, const v1::HelmChart& chart,
                    TextOutput& out) {
  const Selection& selection = policy.selection;
  std::vector<std::string> notes;
  AddInstallNotes(policy, chart, notes);
  const HelmPlan plan = PlanHelmValues(policy, chart);
  AddPlanNotes(policy, chart, plan, notes);

  YamlTree tree;
  for (const v1::ConfigValue& value : policy.helm_values) {
    tree.SetScalar(value.key(), ConfigValueYaml(value));
  }
  tree.SetScalar(chart.namespace_key(),
                 YamlScalar(selection.primary_namespace()));
  if (!selection.service_account.empty() && !selection.bootstraps()) {
    tree.SetScalar(chart.service_account_key(),
                   YamlScalar(selection.service_account));
  }
  tree.SetRules(chart.namespace_rules_key(), plan.namespace_rules);
  tree.SetRules(chart.cluster_rules_key(), plan.cluster_rules);

  out.Append(YamlHeader(policy));
  for (const std::string& note : notes) out.Append(YamlComment(note, 0));
  tree.Render(out);
}

}  // namespace rbacc
