// Turns existing Kubernetes RBAC objects (e.g. a documentation page's YAML,
// read with ReadRbacYaml) into an equivalent rbacc feature in protobuf text
// format, so that teams can migrate: every bound role's rules, by scope, with
// the YAML's comments as reasons.
#ifndef RBACC_COMPILER_REVIEW_IMPORTER_H_
#define RBACC_COMPILER_REVIEW_IMPORTER_H_

#include <string>

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

// Returns a rbacc.v1.Feature in text format granting what `objects` grant
// their service account: the target namespace is the first ServiceAccount's
// (else the first RoleBinding's, else "default"); a ClusterRole bound by a
// ClusterRoleBinding becomes cluster_rules, a role bound in the target
// namespace namespace_rules, and a role bound in another namespace
// fixed_namespace_rules for that namespace. Each rule's reason is the comment
// that sits on it in the YAML, or "Imported from <file>:<line> (<role>)."
// when it has none. Header comments list what a feature cannot say (the
// namespaces to declare as the bundle's fixed_namespaces, roles bound by
// nothing, subjects other than the service account). Returns
// InvalidArgumentError when the feature name is not a DNS-1123 label or no
// role is bound.
absl::StatusOr<std::string> ImportFeature(const RbacObjects& objects,
                                          const ImportOptions& options);

// Returns a feature name derived from a file name: its base name without
// extension, lower-cased, with runs of other characters than [a-z0-9] as
// "-" ("create-sky-sa" for "docs/Create_Sky_SA.yaml"); "imported" when
// nothing is left.
std::string FeatureNameFromFile(const std::string& path);

}  // namespace rbacc

#endif  // RBACC_COMPILER_REVIEW_IMPORTER_H_
