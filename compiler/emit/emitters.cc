#include "compiler/emit/emitters.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "compiler/common/rbac_objects.h"
#include "compiler/common/version.h"
#include "compiler/emit/graph.h"
#include "compiler/emit/text_output.h"
#include "compiler/emit/yaml.h"
#include "compiler/merge/compact.h"
#include "compiler/merge/compile.h"
#include "compiler/merge/helm_plan.h"

namespace rbacc {
namespace {

constexpr char kRbacFile[] = "rbac.yaml";
constexpr char kHelmValuesFile[] = "values.yaml";
constexpr char kKustomizationFile[] = "kustomization.yaml";
constexpr char kPermissionsFile[] = "PERMISSIONS.md";

// "base (required by show-gpus)" lines for features added by `requires`.
std::string RequiredFeaturesText(const Selection& selection) {
  std::vector<std::string> parts;
  for (const auto& [feature, by] : selection.required_by) {
    parts.push_back(absl::StrCat(feature, " (required by ", by, ")"));
  }
  return absl::StrJoin(parts, ", ");
}

// The provenance and required-features comment lines.
std::string ProvenanceHeader(const CompiledPolicy& policy) {
  std::string header = YamlComment(ProvenanceText(policy), 0);
  const std::string required = RequiredFeaturesText(policy.selection);
  if (!required.empty()) {
    header += YamlComment(
        absl::StrCat("Added because selected features require them: ", required,
                     "."),
        0);
  }
  return header;
}

// Header comment lines shared by the YAML outputs of one compilation: the
// provenance, then the kubeconfig context they are for.
std::string YamlHeader(const CompiledPolicy& policy) {
  std::string header = ProvenanceHeader(policy);
  if (!policy.selection.context.empty()) {
    header += YamlComment(
        absl::StrCat("For kubeconfig context ", policy.selection.context,
                     ": apply it to that context's cluster."),
        0);
  }
  return header;
}

// `name_template` with {release} replaced by the Helm release.
std::string ChartName(const std::string& name_template,
                      const std::string& release) {
  return absl::StrReplaceAll(name_template, {{"{release}", release}});
}

std::string MetadataYaml(const ObjectMeta& meta) {
  std::string out =
      absl::StrCat("metadata:\n  name: ", YamlScalar(meta.name), "\n");
  if (!meta.namespace_name.empty()) {
    absl::StrAppend(&out, "  namespace: ", YamlScalar(meta.namespace_name),
                    "\n");
  }
  if (!meta.labels.empty()) {
    absl::StrAppend(&out, "  labels:\n");
    for (const auto& [key, value] : meta.labels) {
      absl::StrAppend(&out, "    ", YamlScalar(key), ": ", YamlScalar(value),
                      "\n");
    }
  }
  return out;
}

std::string SubjectsYaml(const std::vector<Subject>& subjects) {
  std::string out = "subjects:\n";
  for (const Subject& subject : subjects) {
    absl::StrAppend(&out, "  - kind: ", YamlScalar(subject.kind), "\n");
    if (subject.kind != "ServiceAccount") {
      absl::StrAppend(&out, "    apiGroup: ", kRbacApiGroup, "\n");
    }
    absl::StrAppend(&out, "    name: ", YamlScalar(subject.name), "\n");
    if (!subject.namespace_name.empty()) {
      absl::StrAppend(
          &out, "    namespace: ", YamlScalar(subject.namespace_name), "\n");
    }
  }
  return out;
}

std::string SubjectText(const Subject& subject) {
  if (subject.kind == "ServiceAccount") {
    return absl::StrCat("ServiceAccount ", subject.namespace_name, "/",
                        subject.name);
  }
  return absl::StrCat(subject.kind, " ", subject.name);
}

// Appends `text` as (part of) a Markdown table cell: pipes escaped, never a
// line break.
void AppendCell(absl::string_view text, std::string* out) {
  const auto special = [](char c) {
    return c == '|' || c == '\n' || c == '\r';
  };
  while (true) {
    const auto found = std::find_if(text.begin(), text.end(), special);
    out->append(text.data(), static_cast<size_t>(found - text.begin()));
    if (found == text.end()) return;
    out->append(*found == '|' ? "\\|" : " ");
    text.remove_prefix(static_cast<size_t>(found - text.begin()) + 1);
  }
}

absl::string_view TextOf(const std::string& text) { return text; }
absl::string_view TextOf(const std::string* text) { return *text; }

// Sorts the strings `texts` points to and removes repeats.
void SortUnique(std::vector<const std::string*>& texts) {
  std::sort(texts.begin(), texts.end(),
            [](const std::string* a, const std::string* b) { return *a < *b; });
  texts.erase(std::unique(texts.begin(), texts.end(),
                          [](const std::string* a, const std::string* b) {
                            return *a == *b;
                          }),
              texts.end());
}

// Appends `values` (strings or pointers to them) joined by `separator` as
// (part of) a Markdown table cell.
template <typename Values>
void AppendJoinedCell(const Values& values, absl::string_view separator,
                      std::string* out) {
  bool first = true;
  for (const auto& value : values) {
    if (!first) out->append(separator.data(), separator.size());
    first = false;
    AppendCell(TextOf(value), out);
  }
}

// Appends verbs for a Markdown cell; the wildcard as code so that it is not
// read as emphasis.
void AppendVerbsCell(const std::vector<std::string>& verbs, std::string* out) {
  for (size_t i = 0; i < verbs.size(); ++i) {
    if (i > 0) out->append(", ");
    AppendCell(verbs[i] == "*" ? absl::string_view("`*`")
                               : absl::string_view(verbs[i]),
               out);
  }
}

std::string ScopeText(const ScopedRole& role) {
  switch (role.scope) {
    case RoleScope::kCluster:
      return "cluster";
    case RoleScope::kTargetNamespace:
      return absl::StrCat("namespace ", role.namespace_name);
    case RoleScope::kFixedNamespace:
      return absl::StrCat("namespace ", role.namespace_name, " (fixed)");
  }
  return "";
}

// Appends the one-line text of `rule`: "apps/deployments,pods [get,list]
// names a,b", "core,apps/pods,deployments [list]" (the core group is "" in a
// rule), or "/healthz [get]".
void AppendRuleText(const PolicyRule& rule, std::string* out) {
  const auto append_joined = [out](const std::vector<std::string>& values) {
    for (size_t i = 0; i < values.size(); ++i) {
      if (i > 0) out->push_back(',');
      out->append(values[i]);
    }
  };
  if (!rule.non_resource_urls.empty()) {
    append_joined(rule.non_resource_urls);
  } else {
    if (rule.api_groups.empty()) out->append("core");
    for (size_t i = 0; i < rule.api_groups.size(); ++i) {
      if (i > 0) out->push_back(',');
      out->append(rule.api_groups[i].empty() ? "core" : rule.api_groups[i]);
    }
    out->push_back('/');
    append_joined(rule.resources);
  }
  out->append(" [");
  append_joined(rule.verbs);
  out->push_back(']');
  if (!rule.resource_names.empty()) {
    out->append(" names ");
    append_joined(rule.resource_names);
  }
}

std::string RuleText(const PolicyRule& rule) {
  std::string text;
  AppendRuleText(rule, &text);
  return text;
}

// Where a dropped rule would have applied: "cluster-wide" or "namespace X".
std::string DroppedScopeText(const DroppedRule& dropped) {
  return dropped.scope == RoleScope::kCluster
             ? "cluster-wide"
             : absl::StrCat("namespace ", dropped.namespace_name);
}

// The comment lines rbac.yaml opens with for a namespace-only selection: what
// it leaves out, why each rule was there and what stops working without it.
void WriteDroppedRulesYamlComment(const CompiledPolicy& policy,
                                  TextOutput& out) {
  if (!policy.selection.namespace_only()) return;
  out.Append(YamlComment(
      "cluster_scope none: no ClusterRole, ClusterRoleBinding or Namespace, "
      "and no Role outside the target namespaces. Left out:",
      0));
  for (const std::string& name : policy.dropped_namespaces) {
    out.Append(
        YamlComment(absl::StrCat("- Namespace ", name,
                                 " (create it, or have an admin create it)."),
                    0));
  }
  std::string text;
  for (const DroppedRule& dropped : policy.dropped_rules) {
    text.clear();
    absl::StrAppend(&text, "- ", DroppedScopeText(dropped), " ");
    AppendRuleText(dropped.rule, &text);
    absl::StrAppend(&text, " (", dropped.source.feature, ": ",
                    dropped.source.reason, " ",
                    dropped.source.location.ToString(), ")");
    if (!dropped.when_denied.empty()) {
      absl::StrAppend(&text, " Without it: ", dropped.when_denied);
    }
    out.Append(YamlComment(text, 0));
  }
}

// The comment lines rbac.yaml opens with for a bootstrapping identity mode:
// which objects are the application's own and which are the launcher's.
void WriteBootstrapYamlComment(const CompiledPolicy& policy, TextOutput& out) {
  const Selection& selection = policy.selection;
  if (!selection.bootstraps()) return;
  const v1::IdentityMode& mode = *selection.identity_mode;
  std::vector<std::string> launchers;
  for (const Subject& subject : selection.extra_subjects) {
    launchers.push_back(SubjectText(subject));
  }
  const std::string source = mode.bootstrap_source().empty()
                                 ? "its template"
                                 : mode.bootstrap_source();
  out.Append(YamlComment(
      selection.bootstrap == v1::BOOTSTRAP_GRANT
          ? absl::StrCat("remote_identity ", mode.name(),
                         ", --bootstrap=grant: ", policy.application_name,
                         " creates ", mode.service_account(),
                         " and its roles itself (", source,
                         "); the roles here are the launcher's (",
                         absl::StrJoin(launchers, ", "),
                         "), which may read, create and patch them.")
          : absl::StrCat(
                "remote_identity ", mode.name(), ": ", mode.service_account(),
                ", its roles and bindings are ", policy.application_name,
                "'s own, written exactly as ", source,
                " writes them (it patches them back when they differ: do not "
                "edit them); the other roles are the launcher's (",
                absl::StrJoin(launchers, ", "), ")."),
      0));
}

}  // namespace

OutputFile OutputFile::FromText(std::string name, std::string text) {
  return {std::move(name),
          [text = std::move(text)](TextOutput& out) { out.Append(text); }};
}

std::string OutputText(const OutputFile& file) {
  return CollectText(file.write);
}

std::string ProvenanceText(const CompiledPolicy& policy) {
  return absl::StrCat(
      "Generated by rbacc ", kRbaccVersion, " from bundle ", policy.bundle_name,
      "@", policy.bundle_digest, ", features ",
      absl::StrJoin(policy.selection.features, ", "),
      ". Do not edit; edit policies/ and re-run: ", policy.regenerate_command);
}

void EmitRbacYaml(const CompiledPolicy& policy, TextOutput& out) {
  const RbacObjects& objects = policy.objects;
  out.Append(YamlHeader(policy));
  WriteDroppedRulesYamlComment(policy, out);
  WriteBootstrapYamlComment(policy, out);
  for (const ObjectMeta& meta : objects.namespaces) {
    out.Append("---\napiVersion: v1\nkind: Namespace\n", MetadataYaml(meta));
  }
  for (const ObjectMeta& meta : objects.service_accounts) {
    out.Append("---\napiVersion: v1\nkind: ServiceAccount\n",
               MetadataYaml(meta));
  }
  const auto emit_roles = [&](bool cluster) {
    for (const RoleObject& role : objects.roles) {
      if (role.is_cluster_role() != cluster) continue;
      out.Append("---\napiVersion: ", kRbacApiGroup,
                 "/v1\nkind: ", cluster ? "ClusterRole" : "Role", "\n",
                 MetadataYaml(role.metadata), "rules:\n");
      WriteYamlRules(RulePointers(role.rules), 2, out);
    }
    for (const BindingObject& binding : objects.bindings) {
      if (binding.is_cluster_binding() != cluster) continue;
      out.Append("---\napiVersion: ", kRbacApiGroup,
                 "/v1\nkind: ", cluster ? "ClusterRoleBinding" : "RoleBinding",
                 "\n", MetadataYaml(binding.metadata),
                 SubjectsYaml(binding.subjects),
                 "roleRef:\n  apiGroup: ", kRbacApiGroup,
                 "\n  kind: ", binding.role_kind,
                 "\n  name: ", YamlScalar(binding.role_name), "\n");
    }
  };
  emit_roles(/*cluster=*/true);
  emit_roles(/*cluster=*/false);
}

void EmitHelmValues(const CompiledPolicy& policy, const v1::HelmChart& chart,
                    TextOutput& out) {
  const Selection& selection = policy.selection;
  const std::string& primary_namespace = selection.primary_namespace();
  const std::string& release = selection.chart_release;
  std::vector<std::string> notes;
  notes.push_back(absl::StrCat(
      "Helm values for the ", chart.name(), " chart, release ", release,
      ". Install it into namespace ", primary_namespace,
      " (helm upgrade --install ", release, " ", chart.name(), " --namespace ",
      primary_namespace,
      " -f values.yaml) so its service account lives where rbac.yaml puts "
      "it."));
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
  notes.push_back(absl::StrCat(
      "The chart names its roles and bindings after the release",
      chart_objects.empty()
          ? ""
          : absl::StrCat(": ", absl::StrJoin(chart_objects, ", ")),
      ". They are not rbac.yaml's names: use either this file or rbac.yaml "
      "for a cluster, not both."));
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
      builtin_rules.push_back(RuleText(ToPolicyRule(rule)));
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

  YamlTree tree;
  for (const v1::ConfigValue& value : policy.helm_values) {
    tree.SetScalar(value.key(), ConfigValueYaml(value));
  }
  tree.SetScalar(chart.namespace_key(), YamlScalar(primary_namespace));
  if (!selection.service_account.empty() && !selection.bootstraps()) {
    tree.SetScalar(chart.service_account_key(),
                   YamlScalar(selection.service_account));
  }

  const HelmPlan plan = PlanHelmValues(policy, chart);
  tree.SetRules(chart.namespace_rules_key(), plan.namespace_rules);
  for (const CompiledRule* rule : plan.builtin_covered) {
    notes.push_back(absl::StrCat(
        "Left out of ", chart.cluster_rules_key(),
        " because the chart always grants it: ", RuleText(rule->rule), "."));
  }
  for (const PolicyRule& rule : plan.builtin_extra) {
    notes.push_back(absl::StrCat("The chart's ClusterRole also grants ",
                                 RuleText(rule),
                                 ", which the selected features do not."));
  }
  tree.SetRules(chart.cluster_rules_key(), plan.cluster_rules);

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
          absl::StrCat("Not expressible in this chart: ", RuleText(rule->rule),
                       " in namespace ", role.namespace_name, ". Apply Role ",
                       role.role_name, " from rbac.yaml."));
    }
    for (const PolicyRule& rule : fixed.chart_extra) {
      notes.push_back(absl::StrCat("With ", role.fixed_namespace.helm_switch(),
                                   " the chart also grants ", RuleText(rule),
                                   " in namespace ", role.namespace_name,
                                   ", which the selected features do not."));
    }
  }
  if (!selection.extra_subjects.empty()) {
    std::vector<std::string> subjects;
    for (const Subject& subject : selection.extra_subjects) {
      subjects.push_back(SubjectText(subject));
    }
    notes.push_back(
        absl::StrCat("Not expressible in this chart: binding the roles to ",
                     absl::StrJoin(subjects, ", "),
                     " (the chart binds only its own service account). Use "
                     "rbac.yaml for them."));
  }

  out.Append(YamlHeader(policy));
  for (const std::string& note : notes) out.Append(YamlComment(note, 0));
  tree.Render(out);
}

// The comment lines config.yaml holds for a namespace-only selection that
// left out app_config keys (CompiledPolicy::dropped_app_config): which, and
// why; none otherwise.
std::string DroppedConfigKeysComment(const CompiledPolicy& policy) {
  if (policy.dropped_app_config.empty()) return "";
  std::string text = YamlComment(
      "cluster_scope none: left out the keys of features whose cluster or "
      "fixed-namespace rules were dropped (rbac.yaml lists them), since "
      "those features cannot work:",
      0);
  for (const DroppedConfigKey& dropped : policy.dropped_app_config) {
    text += YamlComment(
        absl::StrCat("- ", dropped.key, " (", dropped.feature, ")"), 0);
  }
  return text;
}

void EmitAppConfig(const CompiledPolicy& policy, TextOutput& out) {
  YamlTree tree;
  for (const v1::ConfigValue& value : policy.app_config) {
    tree.SetScalar(value.key(), ConfigValueYaml(value));
  }
  out.Append(YamlHeader(policy));
  if (!policy.application_config_file.empty()) {
    out.Append(YamlComment(
        absl::StrCat("Merge these keys into ", policy.application_name, "'s ",
                     policy.application_config_file, "."),
        0));
  }
  out.Append(DroppedConfigKeysComment(policy));
  tree.Render(out);
}

void EmitContextsAppConfig(const std::vector<CompiledPolicy>& contexts,
                           const v1::Application& application,
                           TextOutput& out) {
  const CompiledPolicy& first = contexts.front();
  YamlTree tree;
  for (const v1::ConfigValue& value : first.app_config) {
    if (value.key() == application.identity_config_key()) continue;
    tree.SetScalar(value.key(), ConfigValueYaml(value));
  }
  std::string identities;
  std::string names;
  std::vector<std::string> folders;
  for (const CompiledPolicy& policy : contexts) {
    const Selection& selection = policy.selection;
    absl::StrAppend(&identities, YamlScalar(selection.context), ": ",
                    YamlScalar(selection.remote_identity), "\n");
    absl::StrAppend(&names, "- ", YamlScalar(selection.context), "\n");
    folders.push_back(
        absl::StrCat(selection.context_folder, "/ (", selection.context, ")"));
  }
  tree.SetBlock(application.identity_config_key(), identities);
  tree.SetBlock(application.contexts_config_key(), names);
  out.Append(ProvenanceHeader(first));
  out.Append(YamlComment(
      absl::StrCat("Merge these keys into ", application.name(), "'s ",
                   application.config_file(),
                   ". Each context's RBAC is in its own folder, applied to "
                   "that context's cluster: ",
                   absl::StrJoin(folders, ", "), "."),
      0));
  out.Append(DroppedConfigKeysComment(first));
  tree.Render(out);
}

void EmitKustomization(const CompiledPolicy& policy, TextOutput& out) {
  out.Append(YamlHeader(policy),
             "apiVersion: kustomize.config.k8s.io/v1beta1\n"
             "kind: Kustomization\n"
             "resources:\n"
             "  - ",
             kRbacFile, "\n");
}

void EmitPermissionsMarkdown(const CompiledPolicy& policy,
                             const LintResult& lint, TextOutput& out) {
  const Selection& selection = policy.selection;
  out.Append("<!-- ", ProvenanceText(policy), " -->\n\n");
  out.Append("# Permissions: bundle `", policy.bundle_name, "`");
  if (!selection.profile_name.empty()) {
    out.Append(", profile `", selection.profile_name, "`");
  }
  if (!selection.context.empty()) {
    out.Append(", context `", selection.context, "`");
  }
  out.Append("\n\n```mermaid\n",
             RenderGraph(policy.objects, GraphFormat::kMermaid), "```\n\n");
  std::vector<std::string> subjects;
  for (const Subject& subject : policy.subjects) {
    subjects.push_back(SubjectText(subject));
  }
  if (!selection.context.empty()) {
    out.Append("Kubeconfig context `", selection.context,
               "` (apply these outputs to its cluster). ");
  }
  out.Append("Target namespace", selection.namespaces.size() > 1 ? "s" : "",
             " `", absl::StrJoin(selection.namespaces, "`, `"), "`; identity `",
             selection.remote_identity, "`; the roles are bound to ",
             absl::StrJoin(subjects, ", "), ".\n\n");
  out.Append("| Feature | Summary |\n| --- | --- |\n");
  // Each table row or list line is made in `row` (reused), then written.
  std::string row;
  for (const std::string& name : selection.features) {
    const auto summary = policy.feature_summaries.find(name);
    const auto required = selection.required_by.find(name);
    row.clear();
    absl::StrAppend(&row, "| ", name, " | ");
    if (summary != policy.feature_summaries.end()) {
      AppendCell(summary->second, &row);
    }
    if (required != selection.required_by.end()) {
      absl::StrAppend(&row, " (required by ", required->second, ")");
    }
    row.append(" |\n");
    out.Append(row);
  }
  std::vector<const std::string*> features;
  std::vector<const std::string*> reasons;
  // The citations of the calls the sources serve, in source order, once each.
  std::vector<const std::string*> served;
  std::string rule_text;
  for (const ScopedRole& role : policy.roles) {
    const bool cluster = role.scope == RoleScope::kCluster;
    out.Append("\n## ", cluster ? "ClusterRole" : "Role", " `", role.role_name,
               "`");
    if (!cluster) out.Append(" in namespace `", role.namespace_name, "`");
    out.Append("\n\n");
    if (!role.fixed_namespace.description().empty()) {
      row.clear();
      AppendCell(role.fixed_namespace.description(), &row);
      row.append("\n\n");
      out.Append(row);
    }
    std::vector<std::string> bound;
    for (const BindingObject& binding : policy.objects.bindings) {
      if (binding.metadata.name != role.binding_name ||
          binding.metadata.namespace_name != role.namespace_name) {
        continue;
      }
      for (const Subject& subject : binding.subjects) {
        bound.push_back(SubjectText(subject));
      }
    }
    out.Append("Bound by ", cluster ? "ClusterRoleBinding" : "RoleBinding",
               " `", role.binding_name, "` to ", absl::StrJoin(bound, ", "),
               ".\n\n",
               "| API group | Resource | Verbs | Scope | Features | Reason |\n"
               "| --- | --- | --- | --- | --- | --- |\n");
    const std::string scope = ScopeText(role);
    for (const CompiledRule& rule : role.rules.rules) {
      const PolicyRule& r = rule.rule;
      const bool is_url = !r.non_resource_urls.empty();
      const std::vector<std::string>& targets =
          is_url ? r.non_resource_urls : r.resources;
      const absl::string_view group =
          is_url ? "(URL)"
                 : (r.api_groups[0].empty() ? absl::string_view("core")
                                            : r.api_groups[0]);
      for (const std::string& target : targets) {
        // The features (sorted, once each) and reasons (in source order, once
        // each) of the sources that hold `target`.
        features.clear();
        reasons.clear();
        served.clear();
        for (const RuleSource& source : rule.sources) {
          if (std::find(source.resources.begin(), source.resources.end(),
                        target) == source.resources.end()) {
            continue;
          }
          features.push_back(&source.feature);
          if (std::none_of(reasons.begin(), reasons.end(),
                           [&](const std::string* reason) {
                             return *reason == source.reason;
                           })) {
            reasons.push_back(&source.reason);
          }
          if (!source.serves.empty() &&
              std::none_of(served.begin(), served.end(),
                           [&](const std::string* serves) {
                             return *serves == source.serves;
                           })) {
            served.push_back(&source.serves);
          }
        }
        SortUnique(features);
        row.clear();
        row.append("| ");
        AppendCell(group, &row);
        row.append(" | `");
        AppendCell(target, &row);
        row.append("`");
        if (!r.resource_names.empty()) {
          row.append(" named ");
          AppendJoinedCell(r.resource_names, ", ", &row);
        }
        row.append(" | ");
        AppendVerbsCell(r.verbs, &row);
        absl::StrAppend(&row, " | ", scope, " | ");
        AppendJoinedCell(features, ", ", &row);
        row.append(" | ");
        AppendJoinedCell(reasons, " ", &row);
        if (!served.empty()) {
          row.append(" Serves: ");
          AppendJoinedCell(served, ", ", &row);
        }
        row.append(" |\n");
        out.Append(row);
      }
    }
    if (!role.rules.covered.empty()) {
      out.Append(
          "\nLeft out because another rule of this role grants them:\n\n");
      for (const CoveredGrant& covered : role.rules.covered) {
        rule_text.clear();
        AppendRuleText(*covered.grant, &rule_text);
        row.clear();
        row.append("- ");
        AppendCell(rule_text, &row);
        absl::StrAppend(&row, " (", covered.source->feature, ", ");
        covered.source->location.AppendTo(&row);
        absl::StrAppend(&row, ") is covered by ", covered.covered_by->feature,
                        " at ");
        covered.covered_by->location.AppendTo(&row);
        row.push_back('\n');
        out.Append(row);
      }
    }
  }
  if (selection.namespace_only()) {
    out.Append(
        "\n## Left out by cluster_scope none\n\n"
        "This selection creates objects only in its target namespace",
        selection.namespaces.size() > 1 ? "s" : "",
        ", for tenants without cluster rights: no ClusterRole, "
        "ClusterRoleBinding or Namespace, and no Role in another namespace. "
        "These permissions of the selected features are therefore not "
        "granted:\n\n");
    for (const std::string& name : policy.dropped_namespaces) {
      out.Append("- Namespace `", name, "` is not created.\n");
    }
    if (!policy.dropped_namespaces.empty()) out.Append("\n");
    out.Append(
        "| Scope | API group | Resource | Verbs | Feature | Reason "
        "| What stops working |\n"
        "| --- | --- | --- | --- | --- | --- | --- |\n");
    for (const DroppedRule& dropped : policy.dropped_rules) {
      const PolicyRule& r = dropped.rule;
      const bool is_url = !r.non_resource_urls.empty();
      row.clear();
      absl::StrAppend(&row, "| ", DroppedScopeText(dropped), " | ");
      if (is_url) {
        row.append("(URL)");
      } else {
        for (size_t i = 0; i < r.api_groups.size(); ++i) {
          if (i > 0) row.append(", ");
          AppendCell(r.api_groups[i].empty() ? absl::string_view("core")
                                             : r.api_groups[i],
                     &row);
        }
      }
      row.append(" | ");
      const std::vector<std::string>& targets =
          is_url ? r.non_resource_urls : r.resources;
      for (size_t i = 0; i < targets.size(); ++i) {
        row.append(i > 0 ? ", `" : "`");
        AppendCell(targets[i], &row);
        row.append("`");
      }
      if (!r.resource_names.empty()) {
        row.append(" named ");
        AppendJoinedCell(r.resource_names, ", ", &row);
      }
      row.append(" | ");
      AppendVerbsCell(r.verbs, &row);
      absl::StrAppend(&row, " | ", dropped.source.feature, " | ");
      AppendCell(dropped.source.reason, &row);
      row.append(" (");
      AppendCell(dropped.source.location.ToString(), &row);
      row.append(") | ");
      AppendCell(dropped.when_denied, &row);
      row.append(" |\n");
      out.Append(row);
    }
  }
  std::vector<const LintFinding*> acknowledged;
  for (const LintFinding& finding : lint.findings) {
    if (finding.acknowledged) acknowledged.push_back(&finding);
  }
  if (!acknowledged.empty()) {
    out.Append(
        "\n## Acknowledged lint findings\n\n"
        "Risky grants the policy keeps on purpose (`rbacc lint` reports them "
        "as notes).\n\n"
        "| Check | Severity | Rule | Feature | Finding | Why it is needed |\n"
        "| --- | --- | --- | --- | --- | --- |\n");
    for (const LintFinding* finding : acknowledged) {
      row.clear();
      absl::StrAppend(&row, "| `", finding->check->id, "` | ",
                      LintSeverityName(finding->check->severity), " | ");
      AppendCell(finding->location.ToString(), &row);
      absl::StrAppend(&row, " | ", finding->feature, " | ");
      AppendCell(finding->message, &row);
      row.append(" | ");
      AppendCell(finding->acknowledgement, &row);
      row.append(" |\n");
      out.Append(row);
    }
  }
}

std::vector<OutputFile> EmitOutputs(const CompiledPolicy& policy,
                                    const v1::Bundle& bundle,
                                    const LintResult& lint) {
  std::set<int> kinds(bundle.outputs().begin(), bundle.outputs().end());
  const auto wanted = [&](v1::OutputKind kind) {
    return kinds.empty() || kinds.count(kind) > 0;
  };
  // The files read these when written.
  const CompiledPolicy* const compiled = &policy;
  const LintResult* const findings = &lint;
  std::vector<OutputFile> files;
  if (wanted(v1::OUTPUT_KIND_PERMISSIONS)) {
    files.push_back({kPermissionsFile, [compiled, findings](TextOutput& out) {
                       EmitPermissionsMarkdown(*compiled, *findings, out);
                     }});
  }
  if (wanted(v1::OUTPUT_KIND_APP_CONFIG) && policy.selection.context.empty()) {
    files.push_back({kAppConfigFileName, [compiled](TextOutput& out) {
                       EmitAppConfig(*compiled, out);
                     }});
  }
  if (wanted(v1::OUTPUT_KIND_KUSTOMIZATION)) {
    files.push_back({kKustomizationFile, [compiled](TextOutput& out) {
                       EmitKustomization(*compiled, out);
                     }});
  }
  if (wanted(v1::OUTPUT_KIND_RBAC)) {
    files.push_back({kRbacFile, [compiled](TextOutput& out) {
                       EmitRbacYaml(*compiled, out);
                     }});
  }
  if (wanted(v1::OUTPUT_KIND_HELM_VALUES) && bundle.has_helm_chart()) {
    const v1::HelmChart* const chart = &bundle.helm_chart();
    files.push_back({kHelmValuesFile, [compiled, chart](TextOutput& out) {
                       EmitHelmValues(*compiled, *chart, out);
                     }});
  }
  return files;
}

}  // namespace rbacc
