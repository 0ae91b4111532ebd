#include "compiler/emit/emitters.h"

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "compiler/common/rbac_objects.h"
#include "compiler/emit/helm_values.h"
#include "compiler/emit/permissions_markdown.h"
#include "compiler/emit/shared_text.h"
#include "compiler/emit/text_output.h"
#include "compiler/emit/yaml.h"

namespace rbacc {
namespace {

constexpr char kRbacFile[] = "rbac.yaml";
constexpr char kHelmValuesFile[] = "values.yaml";
constexpr char kKustomizationFile[] = "kustomization.yaml";
constexpr char kPermissionsFile[] = "PERMISSIONS.md";

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
    AppendRuleLine(dropped.rule, &text);
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
    launchers.push_back(SubjectLine(subject));
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
