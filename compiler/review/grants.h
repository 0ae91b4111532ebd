// Every permission a set of RBAC objects grants, split into single
// permissions per subject and scope, each with the binding, role, rule and
// sources behind it. The review tools (diff, explain) compare and explain
// these rather than text.
#ifndef RBACC_COMPILER_REVIEW_GRANTS_H_
#define RBACC_COMPILER_REVIEW_GRANTS_H_

#include <string>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "compiler/common/authorizer.h"
#include "compiler/common/coverage.h"
#include "compiler/common/policy_rule.h"
#include "compiler/common/rbac_objects.h"

namespace rbacc {

// Names one Kubernetes object: kind, namespace ("" for cluster-scoped) and
// name.
struct ObjectRef {
  std::string kind;
  std::string namespace_name;
  std::string name;

  // "Role default/sky-sa-role", or "ClusterRole sky-sa-cluster-role".
  std::string ToString() const;

  auto Tie() const { return std::tie(kind, namespace_name, name); }
  friend bool operator<(const ObjectRef& a, const ObjectRef& b) {
    return a.Tie() < b.Tie();
  }
  friend bool operator==(const ObjectRef& a, const ObjectRef& b) {
    return a.Tie() == b.Tie();
  }
};

// One single permission a subject holds.
struct Grant {
  Subject subject;
  // The namespace it holds in, or "" for everywhere (a ClusterRoleBinding:
  // every namespace and cluster-scoped requests).
  std::string namespace_name;
  // One group, resource (or URL) and verb, and at most one resource name.
  Permission permission;
  // The binding and the role that give it.
  ObjectRef binding;
  ObjectRef role;
  // The role's rule that holds it, narrowed to this permission (one group,
  // resource or URL, verb and name: a rule of many lists is not copied into
  // each of its permissions), with only the sources that declare its resource
  // (or URL).
  CompiledRule rule;
};

// Returns every grant of `objects`, sorted by (subject, namespace, permission,
// binding). A binding's role is a Role of the binding's namespace or a
// ClusterRole, as the authorizer resolves it; bindings to missing roles grant
// nothing. A ServiceAccount subject without a namespace gets its binding's.
// Rules naming several resource names give one grant per name.
std::vector<Grant> ExpandGrants(const RbacObjects& objects);

// Returns OK when ExpandGrants(objects) gives at most kMaxReviewPermissions
// grants, counted without expanding anything; else InvalidArgumentError
// "<label>: grants N single permissions ... more than the M rbacc compares"
// naming the role whose rule contributes most and its rule's list sizes.
absl::Status CheckGrantCount(const RbacObjects& objects,
                             const std::string& label);

// Returns `subject` as people write it: "ServiceAccount default/sky-sa",
// "User alice", "Group ml-team".
std::string SubjectText(const Subject& subject);

// Returns the permission as a short phrase: "get pods", "* apps/deployments",
// "get pods name=web", "get /healthz".
std::string PermissionText(const Permission& permission);

// Returns "cluster-wide" for "", else "namespace <name>".
std::string ScopeText(const std::string& namespace_name);

// Returns why a rule holds `target`: each source that declares it as
// "<feature>: <reason> (<file:line>)", or without feature or location when the
// source has none, followed by "via aggregation from ClusterRole <name>" for a
// rule an aggregated ClusterRole took from another, joined by "; ". "" when
// no source says.
std::string SourcesText(const CompiledRule& rule, const std::string& target);

// Returns every object of `objects` by kind, namespace and name, sorted;
// built-in ClusterRoles a review command added (RoleObject::builtin) are not
// objects of the input and are left out.
std::vector<ObjectRef> ObjectRefs(const RbacObjects& objects);

}  // namespace rbacc

#endif  // RBACC_COMPILER_REVIEW_GRANTS_H_
