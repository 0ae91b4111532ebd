// Kubernetes' RBAC authorizer, offline: which requests a set of roles and
// bindings allows.
//
// The matching functions follow k8s.io/kubernetes
// pkg/apis/rbac/v1/evaluation_helpers.go and the subject matching follows
// plugin/pkg/auth/authorizer/rbac (appliesToUser), so that what rbacc says a
// rule grants is what an API server would allow.
#ifndef RBACC_COMPILER_COMMON_AUTHORIZER_H_
#define RBACC_COMPILER_COMMON_AUTHORIZER_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "compiler/common/policy_rule.h"
#include "compiler/common/rbac_objects.h"

namespace rbacc {

// A request as the API server's authorizer sees it.
struct Request {
  // The verb: get, list, create, ... (for non-resource requests, the
  // lower-cased HTTP method).
  std::string verb;
  // False for a non-resource request (a URL path such as /healthz).
  bool is_resource_request = true;
  // The API group; "" for the core group.
  std::string api_group;
  // The resource, without subresource: "pods".
  std::string resource;
  // The subresource, or "": "exec".
  std::string subresource;
  // The object's name, or "" when the request names none (list, watch, create).
  std::string name;
  // The request's namespace, or "" for a cluster-scoped request.
  std::string namespace_name;
  // For non-resource requests: the URL path.
  std::string path;
};

// The identity making a request.
struct UserInfo {
  // The user name; for service accounts
  // "system:serviceaccount:<namespace>:<name>".
  std::string name;
  std::vector<std::string> groups;
};

// Returns the identity Kubernetes gives a service account: its user name and
// the groups system:serviceaccounts, system:serviceaccounts:<namespace> and
// system:authenticated.
UserInfo ServiceAccountUser(absl::string_view namespace_name,
                            absl::string_view name);

// True when the rule's verbs contain `verb` or "*".
bool VerbMatches(const PolicyRule& rule, absl::string_view verb);
// True when the rule's API groups contain `group` or "*".
bool ApiGroupMatches(const PolicyRule& rule, absl::string_view group);
// True when the rule's resources contain "*", the combined resource
// ("pods/exec"), or
// "*/<subresource>" for a request with a subresource.
bool ResourceMatches(const PolicyRule& rule,
                     absl::string_view combined_resource,
                     absl::string_view subresource);
// True when the rule names no objects, or names `name` (a request without a
// name never matches a rule with names).
bool ResourceNameMatches(const PolicyRule& rule, absl::string_view name);
// True when a URL of the rule is "*", equals `path`, or ends in "*" and,
// without its trailing stars, prefixes `path`.
bool NonResourceUrlMatches(const PolicyRule& rule, absl::string_view path);

// True when the rule allows the request (RuleAllows in evaluation_helpers.go).
bool RuleAllows(const PolicyRule& rule, const Request& request);

// True when the subject refers to `user`. A ServiceAccount subject without a
// namespace refers to `binding_namespace` (how RoleBindings may name accounts
// of their own namespace).
bool SubjectAppliesTo(const Subject& subject, const UserInfo& user,
                      absl::string_view binding_namespace);

// True when some subject of `binding` refers to `user` (see SubjectAppliesTo).
bool BindingAppliesTo(const BindingObject& binding, const UserInfo& user);

// Returns the role `binding` refers to: a Role of the binding's namespace or a
// ClusterRole, of the kind its roleRef names; nullptr when there is none (or
// for a ClusterRoleBinding naming a Role, which Kubernetes rejects).
const RoleObject* FindBoundRole(const RbacObjects& objects,
                                const BindingObject& binding);

// Evaluates requests against a set of objects, as the API server's RBAC
// authorizer does: ClusterRoleBindings apply everywhere; RoleBindings only in
// their namespace, and refer to a Role of that namespace or to a ClusterRole.
class Authorizer {
 public:
  // Keeps references into `objects`, which must outlive the Authorizer and
  // not change while it is used: each binding's role is resolved here, once.
  explicit Authorizer(const RbacObjects& objects);

  // True when some binding that applies to `user` refers to a role with a rule
  // that allows `request`. When `granting_rule` is not null and the request is
  // allowed, it receives the first rule found that allows it.
  bool Allows(const UserInfo& user, const Request& request,
              const CompiledRule** granting_rule = nullptr) const;

 private:
  // Each binding with the role it refers to, in binding order; bindings to
  // missing roles are left out (they grant nothing).
  std::vector<std::pair<const BindingObject*, const RoleObject*>> bound_;
};

}  // namespace rbacc

#endif  // RBACC_COMPILER_COMMON_AUTHORIZER_H_
