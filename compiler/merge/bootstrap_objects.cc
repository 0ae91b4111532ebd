#include "compiler/merge/bootstrap_objects.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace rbacc {
namespace {

// The API group and resource of a bootstrap object's kind; empty for an
// unknown kind.
struct KindResource {
  const char* api_group;
  const char* resource;
  // True for cluster-scoped kinds.
  bool cluster;
};

KindResource ResourceOfKind(const std::string& kind) {
  static const auto* const kinds = new std::map<std::string, KindResource>{
      {"Namespace", {"", "namespaces", true}},
      {"ServiceAccount", {"", "serviceaccounts", false}},
      {"Role", {kRbacApiGroup, "roles", false}},
      {"RoleBinding", {kRbacApiGroup, "rolebindings", false}},
      {"ClusterRole", {kRbacApiGroup, "clusterroles", true}},
      {"ClusterRoleBinding", {kRbacApiGroup, "clusterrolebindings", true}},
  };
  const auto found = kinds->find(kind);
  return found == kinds->end() ? KindResource{"", "", false} : found->second;
}

std::string Expand(const std::string& name_template,
                   const std::string& target_namespace) {
  return absl::StrReplaceAll(name_template,
                             {{"{namespace}", target_namespace}});
}

PolicyRule ResourceRule(const char* api_group, const char* resource,
                        const char* verb, std::vector<std::string> names) {
  PolicyRule rule;
  rule.api_groups = {api_group};
  rule.resources = {resource};
  rule.verbs = {verb};
  rule.resource_names = std::move(names);
  return rule;
}

}  // namespace

std::vector<BootstrapObjectRef> SelectedBootstrapObjects(
    const v1::IdentityMode& mode, const std::vector<std::string>& features,
    const std::string& target_namespace) {
  std::vector<BootstrapObjectRef> selected;
  for (int i = 0; i < mode.bootstrap_objects_size(); ++i) {
    const v1::BootstrapObject& object = mode.bootstrap_objects(i);
    if (!object.feature().empty() &&
        !std::binary_search(features.begin(), features.end(),
                            object.feature())) {
      continue;
    }
    BootstrapObjectRef ref;
    ref.proto = &object;
    ref.index = i;
    ref.name = Expand(object.name(), target_namespace);
    if (!ResourceOfKind(object.kind()).cluster) {
      ref.namespace_name =
          object.namespace_().empty() ? target_namespace : object.namespace_();
    }
    selected.push_back(std::move(ref));
  }
  return selected;
}

std::vector<LauncherRule> LauncherBootstrapRules(
    const std::vector<BootstrapObjectRef>& objects, v1::BootstrapMode bootstrap,
    const std::string& target_namespace) {
  std::vector<LauncherRule> rules;
  const bool grant = bootstrap == v1::BOOTSTRAP_GRANT;
  for (size_t i = 0; i < objects.size(); ++i) {
    const BootstrapObjectRef& object = objects[i];
    const std::string& kind = object.proto->kind();
    const KindResource resource = ResourceOfKind(kind);
    if (resource.resource[0] == '\0') continue;
    const std::string what =
        absl::StrCat(kind, " ", object.name,
                     object.namespace_name.empty()
                         ? ""
                         : absl::StrCat(" in ", object.namespace_name),
                     " (", object.proto->source(), ")");
    const auto add = [&](PolicyRule rule, const std::string& reason) {
      rules.push_back(
          {resource.cluster, object.namespace_name, std::move(rule),
           absl::StrCat("The application's bootstrap ", reason, " ", what, "."),
           i});
    };
    if (kind == "Namespace") {
      add(ResourceRule(resource.api_group, resource.resource, "get",
                       {object.name}),
          "gets (and would create when missing)");
      continue;
    }
    add(ResourceRule(resource.api_group, resource.resource, "list",
                     {object.name}),
        "lists by name, to create or patch it,");
    if (!grant) continue;
    add(ResourceRule(resource.api_group, resource.resource, "create", {}),
        "creates, when missing,");
    if (kind == "ServiceAccount") continue;
    add(ResourceRule(resource.api_group, resource.resource, "patch",
                     {object.name}),
        "patches back to its template, when it differs,");
    if (kind == "Role" || kind == "ClusterRole") {
      add(ResourceRule(resource.api_group, resource.resource, "escalate", {}),
          "may only create or patch, granting what the launcher does not "
          "hold, with escalate:");
      continue;
    }
    const KindResource bound = ResourceOfKind(object.proto->role_ref().kind());
    if (bound.resource[0] == '\0') continue;
    rules.push_back(
        {resource.cluster, object.namespace_name,
         ResourceRule(
             bound.api_group, bound.resource, "bind",
             {Expand(object.proto->role_ref().name(), target_namespace)}),
         absl::StrCat("The application's bootstrap may only bind the role ",
                      "it does not hold with bind: ", what, "."),
         i});
  }
  return rules;
}

void AppendBootstrapObjects(
    const std::vector<BootstrapObjectRef>& objects,
    const std::string& mode_name, const std::string& target_namespace,
    const std::function<SourceLocation(int, int)>& locate, RbacObjects* rbac) {
  for (const BootstrapObjectRef& object : objects) {
    const v1::BootstrapObject& proto = *object.proto;
    const ObjectMeta meta{object.name, object.namespace_name,
                          std::map<std::string, std::string>(
                              proto.labels().begin(), proto.labels().end())};
    const std::string& kind = proto.kind();
    if (kind == "Namespace") {
      rbac->namespaces.push_back(meta);
    } else if (kind == "ServiceAccount") {
      rbac->service_accounts.push_back(meta);
    } else if (kind == "Role" || kind == "ClusterRole") {
      RoleObject role{meta, {}};
      for (int j = 0; j < proto.rules_size(); ++j) {
        const v1::Rule& declared = proto.rules(j);
        CompiledRule rule;
        rule.rule.api_groups.assign(declared.api_groups().begin(),
                                    declared.api_groups().end());
        rule.rule.resources.assign(declared.resources().begin(),
                                   declared.resources().end());
        rule.rule.verbs.assign(declared.verbs().begin(),
                               declared.verbs().end());
        rule.rule.resource_names.assign(declared.resource_names().begin(),
                                        declared.resource_names().end());
        rule.rule.non_resource_urls.assign(declared.non_resource_urls().begin(),
                                           declared.non_resource_urls().end());
        RuleSource source;
        source.feature = mode_name;
        source.reason = declared.reason();
        source.location = locate(object.index, j);
        source.resources = rule.rule.non_resource_urls.empty()
                               ? rule.rule.resources
                               : rule.rule.non_resource_urls;
        rule.sources.push_back(std::move(source));
        role.rules.push_back(std::move(rule));
      }
      rbac->roles.push_back(std::move(role));
    } else if (kind == "RoleBinding" || kind == "ClusterRoleBinding") {
      BindingObject binding{meta,
                            proto.role_ref().kind(),
                            Expand(proto.role_ref().name(), target_namespace),
                            {}};
      for (const v1::BootstrapSubject& subject : proto.subjects()) {
        std::string subject_namespace = subject.namespace_();
        if (subject.kind() == "ServiceAccount" && subject_namespace.empty()) {
          subject_namespace = target_namespace;
        }
        binding.subjects.push_back(
            Subject{subject.kind(), subject.name(), subject_namespace});
      }
      rbac->bindings.push_back(std::move(binding));
    }
  }
}

}  // namespace rbacc
