#include "compiler/emit/permissions_markdown.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "compiler/common/rbac_objects.h"
#include "compiler/emit/graph.h"
#include "compiler/emit/shared_text.h"

namespace rbacc {
namespace {

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

// Appends " named a, b" when `rule` names objects, then the cell separator and
// its verbs cell.
void AppendNamesAndVerbs(const PolicyRule& rule, std::string* out) {
  if (!rule.resource_names.empty()) {
    out->append(" named ");
    AppendJoinedCell(rule.resource_names, ", ", out);
  }
  out->append(" | ");
  AppendVerbsCell(rule.verbs, out);
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

// "core" for the core group ("" in a rule), else `group`.
absl::string_view GroupText(const std::string& group) {
  return group.empty() ? absl::string_view("core") : absl::string_view(group);
}

// The title, the graph, the target and subjects, and the table of selected
// features.
void WriteOverview(const CompiledPolicy& policy, TextOutput& out) {
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
    subjects.push_back(SubjectLine(subject));
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
}

// The features (sorted, once each), reasons (in source order, once each) and
// served calls' citations (in source order, once each) of the sources of one
// compiled rule that hold one target. The vectors are reused across targets.
struct TargetSources {
  std::vector<const std::string*> features;
  std::vector<const std::string*> reasons;
  std::vector<const std::string*> served;

  // Collects those of the sources of `rule` that hold `target`.
  void Collect(const CompiledRule& rule, const std::string& target) {
    features.clear();
    reasons.clear();
    served.clear();
    for (const RuleSource& source : rule.sources) {
      if (std::find(source.resources.begin(), source.resources.end(), target) ==
          source.resources.end()) {
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
  }
};

// The table rows of one compiled rule of a role whose scope is `scope`: one
// row per resource or URL. `sources` and `row` are reused.
void WriteRuleRows(const CompiledRule& rule, const std::string& scope,
                   TargetSources& sources, std::string& row, TextOutput& out) {
  const PolicyRule& r = rule.rule;
  const bool is_url = !r.non_resource_urls.empty();
  const std::vector<std::string>& targets =
      is_url ? r.non_resource_urls : r.resources;
  const absl::string_view group = is_url ? "(URL)" : GroupText(r.api_groups[0]);
  for (const std::string& target : targets) {
    sources.Collect(rule, target);
    row.clear();
    row.append("| ");
    AppendCell(group, &row);
    row.append(" | `");
    AppendCell(target, &row);
    row.append("`");
    AppendNamesAndVerbs(r, &row);
    absl::StrAppend(&row, " | ", scope, " | ");
    AppendJoinedCell(sources.features, ", ", &row);
    row.append(" | ");
    AppendJoinedCell(sources.reasons, " ", &row);
    if (!sources.served.empty()) {
      row.append(" Serves: ");
      AppendJoinedCell(sources.served, ", ", &row);
    }
    row.append(" |\n");
    out.Append(row);
  }
}

// The list of grants of `role` left out because another of its rules grants
// them; nothing when there are none. `row` is reused.
void WriteCoveredGrants(const ScopedRole& role, std::string& row,
                        TextOutput& out) {
  if (role.rules.covered.empty()) return;
  out.Append("\nLeft out because another rule of this role grants them:\n\n");
  std::string rule_text;
  for (const CoveredGrant& covered : role.rules.covered) {
    rule_text.clear();
    AppendRuleLine(*covered.grant, &rule_text);
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

// The section of one role: its title, description, binding, the table of its
// rules and the grants its other rules cover. `row` is reused.
void WriteRoleSection(const CompiledPolicy& policy, const ScopedRole& role,
                      std::string& row, TextOutput& out) {
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
      bound.push_back(SubjectLine(subject));
    }
  }
  out.Append("Bound by ", cluster ? "ClusterRoleBinding" : "RoleBinding", " `",
             role.binding_name, "` to ", absl::StrJoin(bound, ", "), ".\n\n",
             "| API group | Resource | Verbs | Scope | Features | Reason |\n"
             "| --- | --- | --- | --- | --- | --- |\n");
  const std::string scope = ScopeText(role);
  TargetSources sources;
  for (const CompiledRule& rule : role.rules.rules) {
    WriteRuleRows(rule, scope, sources, row, out);
  }
  WriteCoveredGrants(role, row, out);
}

// One row of the table of rules a namespace-only selection leaves out. `row`
// is reused.
void WriteDroppedRuleRow(const DroppedRule& dropped, std::string& row,
                         TextOutput& out) {
  const PolicyRule& r = dropped.rule;
  const bool is_url = !r.non_resource_urls.empty();
  row.clear();
  absl::StrAppend(&row, "| ", DroppedScopeText(dropped), " | ");
  if (is_url) {
    row.append("(URL)");
  } else {
    for (size_t i = 0; i < r.api_groups.size(); ++i) {
      if (i > 0) row.append(", ");
      AppendCell(GroupText(r.api_groups[i]), &row);
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
  AppendNamesAndVerbs(r, &row);
  absl::StrAppend(&row, " | ", dropped.source.feature, " | ");
  AppendCell(dropped.source.reason, &row);
  row.append(" (");
  AppendCell(dropped.source.location.ToString(), &row);
  row.append(") | ");
  AppendCell(dropped.when_denied, &row);
  row.append(" |\n");
  out.Append(row);
}

// The section on what a namespace-only selection leaves out; nothing for
// other selections. `row` is reused.
void WriteDroppedSection(const CompiledPolicy& policy, std::string& row,
                         TextOutput& out) {
  const Selection& selection = policy.selection;
  if (!selection.namespace_only()) return;
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
    WriteDroppedRuleRow(dropped, row, out);
  }
}

// The table of the lint findings the policy acknowledges; nothing when it
// acknowledges none. `row` is reused.
void WriteAcknowledgedFindings(const LintResult& lint, std::string& row,
                               TextOutput& out) {
  std::vector<const LintFinding*> acknowledged;
  for (const LintFinding& finding : lint.findings) {
    if (finding.acknowledged) acknowledged.push_back(&finding);
  }
  if (acknowledged.empty()) return;
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

}  // namespace

void EmitPermissionsMarkdown(const CompiledPolicy& policy,
                             const LintResult& lint, TextOutput& out) {
  WriteOverview(policy, out);
  // Each table row or list line is made in `row` (reused), then written.
  std::string row;
  for (const ScopedRole& role : policy.roles) {
    WriteRoleSection(policy, role, row, out);
  }
  WriteDroppedSection(policy, row, out);
  WriteAcknowledgedFindings(lint, row, out);
}

}  // namespace rbacc
