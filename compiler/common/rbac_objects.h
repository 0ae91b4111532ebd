// The Kubernetes objects a compilation produces (and that review tools read
// back from YAML): Namespaces, ServiceAccounts, Roles, ClusterRoles and their
// bindings.
#ifndef RBACC_COMPILER_COMMON_RBAC_OBJECTS_H_
#define RBACC_COMPILER_COMMON_RBAC_OBJECTS_H_

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "compiler/common/policy_rule.h"

namespace rbacc {

// The API group of Role, ClusterRole, their bindings, and User and Group
// subjects.
inline constexpr char kRbacApiGroup[] = "rbac.authorization.k8s.io";

// Object metadata rbacc sets.
struct ObjectMeta {
  std::string name;
  // Empty for cluster-scoped objects (Namespace, ClusterRole,
  // ClusterRoleBinding).
  std::string namespace_name;
  // Sorted by key.
  std::map<std::string, std::string> labels;
};

// A subject of a binding: kind "ServiceAccount" (with namespace), "User" or
// "Group".
struct Subject {
  std::string kind;
  std::string name;
  // The service account's namespace; empty for User and Group.
  std::string namespace_name;

  friend bool operator<(const Subject& a, const Subject& b) {
    return std::tie(a.kind, a.namespace_name, a.name) <
           std::tie(b.kind, b.namespace_name, b.name);
  }
  friend bool operator==(const Subject& a, const Subject& b) {
    return a.kind == b.kind && a.name == b.name &&
           a.namespace_name == b.namespace_name;
  }
};

// One requirement of a label selector (metav1.LabelSelectorRequirement).
struct LabelRequirement {
  std::string key;
  // "In", "NotIn", "Exists" or "DoesNotExist".
  std::string op;
  // Non-empty for In and NotIn, empty for Exists and DoesNotExist.
  std::vector<std::string> values;
};

// A label selector (metav1.LabelSelector): every label of match_labels and
// every requirement of match_expressions must hold; an empty selector
// matches every object.
struct LabelSelector {
  std::map<std::string, std::string> match_labels;
  std::vector<LabelRequirement> match_expressions;
};

// A Role (namespace_name set) or ClusterRole (namespace_name empty).
struct RoleObject {
  ObjectMeta metadata;
  // Canonical order; see merge/compact.h.
  std::vector<CompiledRule> rules;
  // True for a ClusterRole with an aggregationRule: Kubernetes' aggregation
  // controller replaces its rules with those of the ClusterRoles that
  // aggregation_selectors select (see common/aggregation.h).
  bool has_aggregation_rule = false;
  // aggregationRule.clusterRoleSelectors, in the order written.
  std::vector<LabelSelector> aggregation_selectors;
  // True for one of Kubernetes' built-in ClusterRoles that a review command
  // added because a binding names it and its input does not define it (see
  // review/builtin_roles.h); such a role is not an object of the input.
  bool builtin = false;

  bool is_cluster_role() const { return metadata.namespace_name.empty(); }
};

// A RoleBinding (namespace_name set) or ClusterRoleBinding (namespace_name
// empty).
struct BindingObject {
  ObjectMeta metadata;
  // "Role" or "ClusterRole".
  std::string role_kind;
  std::string role_name;
  // Sorted.
  std::vector<Subject> subjects;

  bool is_cluster_binding() const { return metadata.namespace_name.empty(); }
};

// Every object of one compilation (or one rbac.yaml read back).
struct RbacObjects {
  std::vector<ObjectMeta> namespaces;
  std::vector<ObjectMeta> service_accounts;
  std::vector<RoleObject> roles;
  std::vector<BindingObject> bindings;
};

}  // namespace rbacc

#endif  // RBACC_COMPILER_COMMON_RBAC_OBJECTS_H_
