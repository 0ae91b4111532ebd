#include "compiler/common/authorizer.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace rbacc {
namespace {

constexpr absl::string_view kAll = "*";

bool Contains(const std::vector<std::string>& values, absl::string_view value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

}  // namespace

UserInfo ServiceAccountUser(absl::string_view namespace_name,
                            absl::string_view name) {
  return UserInfo{
      absl::StrCat("system:serviceaccount:", namespace_name, ":", name),
      {"system:serviceaccounts",
       absl::StrCat("system:serviceaccounts:", namespace_name),
       "system:authenticated"}};
}

bool VerbMatches(const PolicyRule& rule, absl::string_view verb) {
  return Contains(rule.verbs, kAll) || Contains(rule.verbs, verb);
}

bool ApiGroupMatches(const PolicyRule& rule, absl::string_view group) {
  return Contains(rule.api_groups, kAll) || Contains(rule.api_groups, group);
}

bool ResourceMatches(const PolicyRule& rule,
                     absl::string_view combined_resource,
                     absl::string_view subresource) {
  for (const std::string& resource : rule.resources) {
    if (resource == kAll || resource == combined_resource) return true;
    if (subresource.empty()) continue;
    if (resource.size() == subresource.size() + 2 &&
        absl::StartsWith(resource, "*/") &&
        absl::EndsWith(resource, subresource)) {
      return true;
    }
  }
  return false;
}

bool ResourceNameMatches(const PolicyRule& rule, absl::string_view name) {
  if (rule.resource_names.empty()) return true;
  return Contains(rule.resource_names, name);
}

bool NonResourceUrlMatches(const PolicyRule& rule, absl::string_view path) {
  for (const std::string& url : rule.non_resource_urls) {
    if (url == kAll || url == path) return true;
    // strings.TrimRight(ruleURL, "*"): every trailing star goes.
    if (absl::EndsWith(url, "*") &&
        absl::StartsWith(path, absl::string_view(url).substr(
                                   0, url.find_last_not_of('*') + 1))) {
      return true;
    }
  }
  return false;
}

bool RuleAllows(const PolicyRule& rule, const Request& request) {
  // The checks of evaluation_helpers.go, cheapest first (all must hold).
  if (!VerbMatches(rule, request.verb)) return false;
  if (!request.is_resource_request) {
    return NonResourceUrlMatches(rule, request.path);
  }
  if (!ApiGroupMatches(rule, request.api_group) ||
      !ResourceNameMatches(rule, request.name)) {
    return false;
  }
  if (request.subresource.empty()) {
    return ResourceMatches(rule, request.resource, "");
  }
  return ResourceMatches(
      rule, absl::StrCat(request.resource, "/", request.subresource),
      request.subresource);
}

bool SubjectAppliesTo(const Subject& subject, const UserInfo& user,
                      absl::string_view binding_namespace) {
  if (subject.kind == "User") return subject.name == user.name;
  if (subject.kind == "Group") return Contains(user.groups, subject.name);
  if (subject.kind == "ServiceAccount") {
    const absl::string_view namespace_name = subject.namespace_name.empty()
                                                 ? binding_namespace
                                                 : subject.namespace_name;
    if (namespace_name.empty()) return false;
    // user.name == "system:serviceaccount:<namespace>:<name>", without
    // building the string (this runs for every binding of every request).
    absl::string_view rest = user.name;
    return absl::ConsumePrefix(&rest, "system:serviceaccount:") &&
           absl::ConsumePrefix(&rest, namespace_name) &&
           absl::ConsumePrefix(&rest, ":") && rest == subject.name;
  }
  return false;
}

bool BindingAppliesTo(const BindingObject& binding, const UserInfo& user) {
  return std::any_of(binding.subjects.begin(), binding.subjects.end(),
                     [&](const Subject& subject) {
                       return SubjectAppliesTo(subject, user,
                                               binding.metadata.namespace_name);
                     });
}

const RoleObject* FindBoundRole(const RbacObjects& objects,
                                const BindingObject& binding) {
  if (binding.role_kind == "Role" && binding.is_cluster_binding()) {
    return nullptr;
  }
  const std::string role_namespace =
      binding.role_kind == "Role" ? binding.metadata.namespace_name : "";
  for (const RoleObject& role : objects.roles) {
    if (role.metadata.name == binding.role_name &&
        role.metadata.namespace_name == role_namespace &&
        (binding.role_kind == "Role") == !role.is_cluster_role()) {
      return &role;
    }
  }
  return nullptr;
}

Authorizer::Authorizer(const RbacObjects& objects) {
  for (const BindingObject& binding : objects.bindings) {
    const RoleObject* role = FindBoundRole(objects, binding);
    if (role != nullptr) bound_.emplace_back(&binding, role);
  }
}

bool Authorizer::Allows(const UserInfo& user, const Request& request,
                        const CompiledRule** granting_rule) const {
  for (const auto& [binding, role] : bound_) {
    // A RoleBinding applies only to requests in its own namespace.
    if (!binding->is_cluster_binding() &&
        binding->metadata.namespace_name != request.namespace_name) {
      continue;
    }
    if (!BindingAppliesTo(*binding, user)) continue;
    for (const CompiledRule& rule : role->rules) {
      if (RuleAllows(rule.rule, request)) {
        if (granting_rule != nullptr) *granting_rule = &rule;
        return true;
      }
    }
  }
  return false;
}

}  // namespace rbacc
