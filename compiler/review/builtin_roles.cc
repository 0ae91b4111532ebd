#include "compiler/review/builtin_roles.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "compiler/catalog/bootstrap_cluster_roles_text.h"
#include "compiler/common/aggregation.h"
#include "compiler/common/rbac_objects.h"
#include "compiler/review/rbac_yaml_reader.h"

namespace rbacc {
namespace {

// The roles of `text` marked as built-in, with sources naming them.
std::vector<RoleObject> ParseBootstrapRoles(const char* text) {
  absl::StatusOr<RbacObjects> objects =
      ReadRbacYaml(text, absl::StrCat("Kubernetes ", kBootstrapPolicyVersion,
                                      " bootstrap policy"));
  if (!objects.ok()) return {};
  std::vector<RoleObject> roles;
  for (RoleObject& role : objects->roles) {
    if (!role.is_cluster_role()) continue;
    role.builtin = true;
    for (CompiledRule& rule : role.rules) {
      for (RuleSource& source : rule.sources) {
        source.location = {};
        source.reason = BuiltinRoleNote(role.metadata.name);
      }
    }
    roles.push_back(std::move(role));
  }
  return roles;
}

bool Defines(const RbacObjects& objects, const std::string& cluster_role) {
  return std::any_of(
      objects.roles.begin(), objects.roles.end(), [&](const RoleObject& role) {
        return role.is_cluster_role() && role.metadata.name == cluster_role;
      });
}

const RoleObject* FindBuiltin(const std::string& name) {
  for (const RoleObject& role : BootstrapClusterRoles()) {
    if (role.metadata.name == name) return &role;
  }
  return nullptr;
}

}  // namespace

const std::vector<RoleObject>& BootstrapClusterRoles() {
  static const auto* const kRoles = new std::vector<RoleObject>(
      ParseBootstrapRoles(kBootstrapClusterRolesYaml));
  return *kRoles;
}

std::string BuiltinRoleNote(const std::string& name) {
  return absl::StrCat(name,
                      ": Kubernetes' built-in ClusterRole (bootstrap policy ",
                      kBootstrapPolicyVersion, ")");
}

std::vector<std::string> AddBuiltinClusterRoles(RbacObjects* objects) {
  std::set<std::string> named;
  for (const BindingObject& binding : objects->bindings) {
    if (binding.role_kind == "ClusterRole" &&
        !Defines(*objects, binding.role_name) &&
        FindBuiltin(binding.role_name) != nullptr) {
      named.insert(binding.role_name);
    }
  }
  // The named roles, then what their aggregation selects, until nothing new.
  std::vector<const RoleObject*> pending;
  for (const std::string& name : named) pending.push_back(FindBuiltin(name));
  std::set<std::string> added;
  while (!pending.empty()) {
    const RoleObject* role = pending.back();
    pending.pop_back();
    if (!added.insert(role->metadata.name).second) continue;
    objects->roles.push_back(*role);
    for (const LabelSelector& selector : role->aggregation_selectors) {
      for (const RoleObject& other : BootstrapClusterRoles()) {
        if (added.count(other.metadata.name) == 0 &&
            !Defines(*objects, other.metadata.name) &&
            SelectorMatches(selector, other.metadata.labels)) {
          pending.push_back(&other);
        }
      }
    }
  }
  return std::vector<std::string>(named.begin(), named.end());
}

}  // namespace rbacc
