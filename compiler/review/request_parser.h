// Turns kubectl-style request arguments (`get deployments.apps/scale web`)
// into an authorizer Request, resolving an unqualified resource's API group
// as kubectl's discovery would: from Kubernetes' built-in catalogue, and for
// custom resources from the groups a policy names.
#ifndef RBACC_COMPILER_REVIEW_REQUEST_PARSER_H_
#define RBACC_COMPILER_REVIEW_REQUEST_PARSER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "compiler/common/authorizer.h"
#include "compiler/common/rbac_objects.h"

namespace rbacc {

// Parses VERB and RESOURCE[/SUBRESOURCE] (or a non-resource URL starting with
// "/") and NAME into a request in `namespace_name` ("" for a cluster-wide
// request; ignored for URLs), reading the resource type as kubectl auth can-i
// does: case-insensitively, as a plural, singular, kind or short name ("po",
// "deploy", "Deployment", "PODS"), optionally qualified as RESOURCE.GROUP or
// RESOURCE.VERSION.GROUP ("deployments.v1.apps"). An unqualified type
// resolves from Kubernetes' built-in catalogue, the core group first
// ("events"), else the group that has it ("deployments" is "apps"); a type
// the catalogue does not know (a custom resource) takes the group `objects`
// grant it in when they name exactly one, else the core group "". When
// neither the catalogue nor `objects` know the type, `warning` (if not null)
// receives kubectl's "Warning: the server doesn't have a resource type 'X'"
// and the request is still made. "*" stays in the core group. Returns
// InvalidArgumentError for an empty verb or resource, or a URL with a name.
absl::StatusOr<Request> ParseRequest(const std::string& verb,
                                     const std::string& resource,
                                     const std::string& name,
                                     const std::string& namespace_name,
                                     const RbacObjects& objects,
                                     std::string* warning = nullptr);

// Returns the request as kubectl would spell it back:
// "get deployments.apps/scale web in namespace default".
std::string RequestText(const Request& request);

// Returns the identity `--as` (with `--as-group` values `groups`) names, as
// the API server's impersonation filter
// (k8s.io/apiserver/pkg/endpoints/filters/impersonation.go) builds it: the
// user name `as`; for "system:serviceaccount:NS:NAME" without `groups` the
// groups system:serviceaccounts and system:serviceaccounts:NS (given groups
// replace them); then `groups`; then system:unauthenticated for
// "system:anonymous", else system:authenticated unless the groups already
// hold system:authenticated or system:unauthenticated.
UserInfo UserFromAs(const std::string& as,
                    const std::vector<std::string>& groups);

}  // namespace rbacc

#endif  // RBACC_COMPILER_REVIEW_REQUEST_PARSER_H_
