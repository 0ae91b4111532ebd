// What a review command looks at: a selection of a bundle compiled in memory
// (nothing is written), or RBAC YAML read back from a file or an output
// folder, so that review tools also work on files rbacc did not write.
//
//   absl::StatusOr<PolicySpec> spec =
//       ParsePolicyReference("out/rbac.yaml", "/repo");
//   absl::StatusOr<PolicyInput> input = ReadPolicyYaml(*spec, "/repo");
#ifndef RBACC_COMPILER_REVIEW_POLICY_INPUT_H_
#define RBACC_COMPILER_REVIEW_POLICY_INPUT_H_

#include <map>
#include <optional>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "compiler/common/authorizer.h"
#include "compiler/common/policy_rule.h"
#include "compiler/common/rbac_objects.h"
#include "compiler/common/source_location.h"
#include "compiler/merge/compiled_policy.h"
#include "compiler/resolve/selection.h"

namespace rbacc {

// Which policy to load: RBAC YAML (yaml_path set) or a selection of a bundle.
struct PolicySpec {
  // A YAML file, or a folder holding rbac.yaml, relative to the workspace
  // unless absolute. When set, the other fields are ignored.
  std::string yaml_path;
  // A bundle name (a folder under policies/) or a path to a bundle folder.
  std::string bundle = "skypilot";
  // A profile of the bundle; when empty, overrides.features must be set.
  std::string profile;
  // Features and parameters that override the profile.
  SelectionOverrides overrides;
  // How to name it in reports: the reference as the user wrote it.
  std::string label;
};

// A policy loaded for review.
struct PolicyInput {
  // PolicySpec::label.
  std::string label;
  // The objects it creates or holds.
  RbacObjects objects;
  // The compilation, for a selection; unset for YAML.
  std::optional<CompiledPolicy> compiled;
  // For a selection: every rule its features declare, as written, by the
  // place of its declaration (RuleSource::location), so that review tools can
  // tell which declared rules grant a request.
  std::map<SourceLocation, PolicyRule> declared_rules;
  // True for RBAC YAML that is a cluster dump: a `kind: List` document, as
  // `kubectl get clusterroles,clusterrolebindings,roles,rolebindings -A -o
  // yaml` prints it. Review commands compare such a dump only for the
  // subjects they ask about (RestrictToSubjects).
  bool cluster_dump = false;
};

// Parses a policy reference as `rbacc diff` takes it:
//   PATH                 an rbac.yaml (any RBAC YAML) or an output folder: any
//                        argument with "/" or ending in .yaml or .yml, or an
//                        existing file or folder
//   [BUNDLE:]PROFILE     a profile of BUNDLE (default "skypilot"); BUNDLE may
//                        be a name or a path to a bundle folder
//   [BUNDLE:]PROFILE@CONTEXT  one context of a profile with contexts (the
//                        context's name may hold ":" and "@")
//   [BUNDLE:]F1,F2       features of BUNDLE (when not a profile's name)
//   BUNDLE:              every feature of BUNDLE
// Paths are relative to `workspace_root`. Returns InvalidArgumentError for an
// empty reference. Whether the profile or features exist is checked by
// LoadPolicyInput.
absl::StatusOr<PolicySpec> ParsePolicyReference(
    const std::string& reference, const std::string& workspace_root);

// Reads the RBAC YAML `spec` names (spec.yaml_path: a file, or an output
// folder holding rbac.yaml, relative to `workspace_root` unless absolute).
// Returns NotFoundError when it cannot be read, InvalidArgumentError for YAML
// that does not parse (with file:line:col). Sets cluster_dump for a file
// whose top-level kind is List. A binding to one of Kubernetes'
// built-in ClusterRoles the YAML does not define gets the built-in role
// (AddBuiltinClusterRoles). Aggregated ClusterRoles get the rules of the roles
// they select (ResolveAggregation). A selection is loaded
// by LoadPolicyInput (compiler/compiler.h), which compiles it.
absl::StatusOr<PolicyInput> ReadPolicyYaml(const PolicySpec& spec,
                                           const std::string& workspace_root);

// Returns every subject the bindings of `objects` name, a ServiceAccount
// without a namespace given its binding's, sorted.
std::set<Subject> BoundSubjects(const RbacObjects& objects);

// Restricts `objects` (aggregation already resolved) to what `subjects` hold:
// each binding keeps only its subjects among `subjects` (a ServiceAccount
// without a namespace read as in its binding's) and is dropped when none
// remain; roles no remaining binding refers to, and service accounts not
// among `subjects`, are dropped; namespaces are kept. Returns the number of
// bindings dropped.
size_t RestrictToSubjects(const std::set<Subject>& subjects,
                          RbacObjects* objects);

// Restricts `objects` (aggregation already resolved) to the bindings that
// apply to `user` (BindingAppliesTo) and the roles they refer to; service
// accounts and namespaces are kept. What `user` is allowed is unchanged.
// Returns the number of bindings dropped.
size_t RestrictToUser(const UserInfo& user, RbacObjects* objects);

// Adds to `issues` a warning for each binding of `objects` whose role is not
// among `objects` (or that a ClusterRoleBinding names as a Role): such a
// binding grants nothing in an offline evaluation, which must never be
// silent. For each built-in ClusterRole a binding is bound to
// (RoleObject::builtin), adds one note naming the first such binding and
// saying the role is Kubernetes' built-in one. `display_name` names the file
// the objects came from.
void WarnAboutUnboundRoles(const RbacObjects& objects,
                           const std::string& display_name, IssueList* issues);

// Adds to `issues` a warning when `objects` holds no Role, ClusterRole,
// RoleBinding or ClusterRoleBinding (e.g. a List of ConfigMaps or Pods): the
// reader skips objects of other kinds, so such a file grants nothing, which
// must never be silent. `display_name` names the file.
void WarnAboutNoRbacObjects(const RbacObjects& objects,
                            const std::string& display_name, IssueList* issues);

}  // namespace rbacc

#endif  // RBACC_COMPILER_REVIEW_POLICY_INPUT_H_
