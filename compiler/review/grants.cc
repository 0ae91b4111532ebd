#include "compiler/review/grants.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "compiler/common/coverage.h"
#include "compiler/common/limits.h"
#include "compiler/common/policy_rule.h"
#include "compiler/common/rbac_objects.h"

namespace rbacc {
namespace {

// `rule` narrowed to `permission`, with only the sources that declare its
// target.
CompiledRule SourcesFor(const CompiledRule& rule,
                        const Permission& permission) {
  const std::string& target = permission.target;
  CompiledRule result;
  if (permission.is_url) {
    result.rule.non_resource_urls = {target};
  } else {
    result.rule.api_groups = {permission.group};
    result.rule.resources = {target};
    result.rule.resource_names = permission.names;
  }
  result.rule.verbs = {permission.verb};
  for (const RuleSource& source : rule.sources) {
    if (std::find(source.resources.begin(), source.resources.end(), target) !=
        source.resources.end()) {
      result.sources.push_back(source);
    }
  }
  return result;
}

}  // namespace

std::string ObjectRef::ToString() const {
  return namespace_name.empty()
             ? absl::StrCat(kind, " ", name)
             : absl::StrCat(kind, " ", namespace_name, "/", name);
}

std::vector<Grant> ExpandGrants(const RbacObjects& objects) {
  std::vector<Grant> grants;
  for (const BindingObject& binding : objects.bindings) {
    const RoleObject* role = FindBoundRole(objects, binding);
    if (role == nullptr) continue;
    const ObjectRef binding_ref{
        binding.is_cluster_binding() ? "ClusterRoleBinding" : "RoleBinding",
        binding.metadata.namespace_name, binding.metadata.name};
    const ObjectRef role_ref{role->is_cluster_role() ? "ClusterRole" : "Role",
                             role->metadata.namespace_name,
                             role->metadata.name};
    for (Subject subject : binding.subjects) {
      if (subject.kind == "ServiceAccount" && subject.namespace_name.empty()) {
        subject.namespace_name = binding.metadata.namespace_name;
      }
      for (const CompiledRule& rule : role->rules) {
        for (const Permission& permission : SplitIntoPermissions(rule.rule)) {
          const CompiledRule sources = SourcesFor(rule, permission);
          std::vector<std::vector<std::string>> name_sets;
          if (permission.names.empty()) name_sets.push_back({});
          for (const std::string& name : permission.names) {
            name_sets.push_back({name});
          }
          for (std::vector<std::string>& names : name_sets) {
            Grant& grant = grants.emplace_back();
            grant.subject = subject;
            grant.namespace_name = binding.metadata.namespace_name;
            grant.permission = permission;
            grant.permission.names = std::move(names);
            grant.binding = binding_ref;
            grant.role = role_ref;
            grant.rule = sources;
          }
        }
      }
    }
  }
  std::stable_sort(
      grants.begin(), grants.end(), [](const Grant& a, const Grant& b) {
        return std::tie(a.subject, a.namespace_name, a.permission, a.binding) <
               std::tie(b.subject, b.namespace_name, b.permission, b.binding);
      });
  return grants;
}

absl::Status CheckGrantCount(const RbacObjects& objects,
                             const std::string& label) {
  // Saturating, so that no sum of products wraps around.
  const auto add = [](size_t a, size_t b) {
    return a > SIZE_MAX - b ? SIZE_MAX : a + b;
  };
  const auto multiply = [](size_t a, size_t b) {
    return b != 0 && a > SIZE_MAX / b ? SIZE_MAX : a * b;
  };
  size_t total = 0;
  size_t largest = 0;
  std::string largest_text;
  for (const BindingObject& binding : objects.bindings) {
    const RoleObject* role = FindBoundRole(objects, binding);
    if (role == nullptr || binding.subjects.empty()) continue;
    for (const CompiledRule& compiled : role->rules) {
      const PolicyRule& rule = compiled.rule;
      const bool urls = !rule.non_resource_urls.empty();
      size_t count = multiply(
          urls ? rule.non_resource_urls.size()
               : multiply(rule.api_groups.size(), rule.resources.size()),
          multiply(rule.verbs.size(),
                   std::max<size_t>(1, rule.resource_names.size())));
      count = multiply(count, binding.subjects.size());
      total = add(total, count);
      if (count <= largest) continue;
      largest = count;
      largest_text = absl::StrCat(
          role->is_cluster_role() ? "ClusterRole " : "Role ",
          role->is_cluster_role() ? role->metadata.name
                                  : absl::StrCat(role->metadata.namespace_name,
                                                 "/", role->metadata.name),
          ": a rule of ",
          urls ? absl::StrCat(rule.non_resource_urls.size(), " URLs")
               : absl::StrCat(rule.api_groups.size(), " groups x ",
                              rule.resources.size(), " resources"),
          " x ", rule.verbs.size(), " verbs",
          rule.resource_names.empty()
              ? ""
              : absl::StrCat(" x ", rule.resource_names.size(), " names"),
          " for ", binding.subjects.size(),
          binding.subjects.size() == 1 ? " subject" : " subjects");
    }
  }
  if (total <= kMaxReviewPermissions) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      label, ": grants ", total == SIZE_MAX ? "too many" : absl::StrCat(total),
      " single permissions (largest: ", largest_text, "), more than the ",
      kMaxReviewPermissions,
      " rbacc compares one by one; split the rule into the groups, resources "
      "and verbs it is meant to grant, or compare smaller files"));
}

std::string SubjectText(const Subject& subject) {
  if (subject.kind == "ServiceAccount") {
    return absl::StrCat(subject.kind, " ", subject.namespace_name, "/",
                        subject.name);
  }
  return absl::StrCat(subject.kind, " ", subject.name);
}

std::string PermissionText(const Permission& permission) {
  std::string text = permission.is_url || permission.group.empty()
                         ? absl::StrCat(permission.verb, " ", permission.target)
                         : absl::StrCat(permission.verb, " ", permission.group,
                                        "/", permission.target);
  if (!permission.names.empty()) {
    absl::StrAppend(&text, " name=", absl::StrJoin(permission.names, ","));
  }
  return text;
}

std::string ScopeText(const std::string& namespace_name) {
  return namespace_name.empty() ? "cluster-wide"
                                : absl::StrCat("namespace ", namespace_name);
}

std::string SourcesText(const CompiledRule& rule, const std::string& target) {
  std::vector<std::string> parts;
  for (const RuleSource& source : rule.sources) {
    if (std::find(source.resources.begin(), source.resources.end(), target) ==
        source.resources.end()) {
      continue;
    }
    std::string part = source.feature.empty()
                           ? source.reason
                           : absl::StrCat(source.feature, ": ", source.reason);
    if (source.location.line >= 0) {
      absl::StrAppend(&part, part.empty() ? "" : " ", "(", source.location.file,
                      ":", source.location.line + 1, ")");
    }
    if (!source.aggregated_from.empty()) {
      absl::StrAppend(&part, part.empty() ? "" : " ", "via aggregation from ",
                      source.aggregated_from);
    }
    if (!part.empty()) parts.push_back(std::move(part));
  }
  return absl::StrJoin(parts, "; ");
}

std::vector<ObjectRef> ObjectRefs(const RbacObjects& objects) {
  std::vector<ObjectRef> refs;
  for (const ObjectMeta& meta : objects.namespaces) {
    refs.push_back({"Namespace", "", meta.name});
  }
  for (const ObjectMeta& meta : objects.service_accounts) {
    refs.push_back({"ServiceAccount", meta.namespace_name, meta.name});
  }
  for (const RoleObject& role : objects.roles) {
    if (role.builtin) continue;
    refs.push_back({role.is_cluster_role() ? "ClusterRole" : "Role",
                    role.metadata.namespace_name, role.metadata.name});
  }
  for (const BindingObject& binding : objects.bindings) {
    refs.push_back(
        {binding.is_cluster_binding() ? "ClusterRoleBinding" : "RoleBinding",
         binding.metadata.namespace_name, binding.metadata.name});
  }
  std::sort(refs.begin(), refs.end());
  refs.erase(std::unique(refs.begin(), refs.end()), refs.end());
  return refs;
}

}  // namespace rbacc
