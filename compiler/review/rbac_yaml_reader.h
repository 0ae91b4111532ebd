// Reads Kubernetes RBAC YAML (a multi-document manifest such as rbac.yaml or a
// documentation page's example) back into RbacObjects, so that permissions can
// be compared by evaluating requests rather than by comparing text.
#ifndef RBACC_COMPILER_REVIEW_RBAC_YAML_READER_H_
#define RBACC_COMPILER_REVIEW_RBAC_YAML_READER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "compiler/common/rbac_objects.h"

namespace rbacc {

// Parses every document of `yaml_text` (named `display_name` in errors). Keeps
// Namespace, ServiceAccount, Role, ClusterRole, RoleBinding and
// ClusterRoleBinding objects; documents of other kinds and empty documents are
// skipped. ClusterRole and ClusterRoleBinding never get a namespace, even when
// the YAML gives one (Kubernetes ignores it on cluster-scoped objects). A
// ClusterRole's aggregationRule is read into RoleObject::aggregation_selectors
// but not resolved (see common/aggregation.h). Returns
// InvalidArgumentError "<display_name>:<line>:<col>: <what>" (1-based) for YAML
// that does not parse or an RBAC object of the wrong shape (e.g. rules that are
// not a list).
//
// Each rule read gets one RuleSource: its 0-based line and column in
// `display_name`, its resources (or URLs), no feature, and as its reason the
// comments that sit on it (comment lines right above it and comments at the
// end of its lines, joined by spaces; "" when none), so that `explain` and
// `import` can show the YAML's own explanations.
absl::StatusOr<RbacObjects> ReadRbacYaml(absl::string_view yaml_text,
                                         const std::string& display_name);

}  // namespace rbacc

#endif  // RBACC_COMPILER_REVIEW_RBAC_YAML_READER_H_
