// Turns existing Kubernetes RBAC objects (e.g. a documentation page's YAML,
// read with ReadRbacYaml) into an equivalent rbacc feature in protobuf text
// format, so that teams can migrate: every bound role's rules, by scope, with
// the YAML's comments as reasons.
#ifndef RBACC_COMPILER_REVIEW_IMPORTER_H_
#define RBACC_COMPILER_REVIEW_IMPORTER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "compiler/common/rbac_objects.h"

namespace rbacc {

// How to name what is imported.
struct ImportOptions {
  // The feature's name (a DNS-1123 label), e.g. "create-sky-sa".
  std::string feature_name;
  // The YAML's name as the header and generated reasons show it.
  std::string source_name;
};

// Whom and where the YAML's roles are bound, as a selection's parameters say
// it, so that compiling the imported feature with them binds what the YAML
// binds.
struct ImportedSubjects {
  // The target namespaces: those the service account below is bound in, in
  // binding order (the first is the primary one). When no account is bound:
  // the first RoleBinding's namespace, else "default".
  std::vector<std::string> namespaces;
  // The service account's name: the first bound account the YAML creates,
  // else the first bound one; "" when no ServiceAccount is bound (an identity
  // mode without an account, with the subjects below).
  std::string service_account;
  // True when the YAML creates the account in every target namespace.
  bool create_service_account = false;
  // Every other subject bound, sorted (--subjects).
  std::vector<Subject> other_subjects;

  // The compile flags that say this: "--namespace=team-a,team-b
  // --service_account=sky-sa --subjects=Group:ml".
  std::string Flags() const;
};

// Returns whom and where `objects` bind their roles (see ImportedSubjects).
ImportedSubjects ImportSubjects(const RbacObjects& objects);

// Returns a rbacc.v1.Feature in text format granting what `objects` grant
// their subjects (see ImportSubjects): a ClusterRole bound by a
// ClusterRoleBinding becomes cluster_rules, the roles bound in the primary
// target namespace namespace_rules (the other target namespaces' roles are
// the same ones for their own account; when they grant something else, that
// becomes fixed_namespace_rules, and the header says so), and a role bound in
// another namespace fixed_namespace_rules for that namespace. Each rule's
// reason is the comment that sits on it in the YAML, or "Imported from
// <file>:<line> (<role>)." when it has none. Header comments list what a
// feature cannot say (the namespaces to declare as the bundle's
// fixed_namespaces, roles bound by nothing) and the compile flags for its
// subjects (ImportedSubjects::Flags). Returns InvalidArgumentError when the
// feature name is not a DNS-1123 label or no role is bound.
absl::StatusOr<std::string> ImportFeature(const RbacObjects& objects,
                                          const ImportOptions& options);

// Returns a feature name derived from a file name: its base name without
// extension, lower-cased, with runs of other characters than [a-z0-9] as
// "-" ("create-sky-sa" for "docs/Create_Sky_SA.yaml"); "imported" when
// nothing is left.
std::string FeatureNameFromFile(const std::string& path);

}  // namespace rbacc

#endif  // RBACC_COMPILER_REVIEW_IMPORTER_H_
