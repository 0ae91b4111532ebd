// Checks rules against the Kubernetes API catalogue: verbs, (group, resource)
// pairs, subresources, scope, fields that were swapped, and resource names that
// can never match.
#ifndef RBACC_COMPILER_VALIDATE_CATALOG_CHECKS_H_
#define RBACC_COMPILER_VALIDATE_CATALOG_CHECKS_H_

#include <string>

#include "absl/status/statusor.h"
#include "compiler/catalog/catalog.h"
#include "compiler/common/issue.h"
#include "compiler/load/bundle_loader.h"
#include "compiler/load/source_file.h"
#include "proto/rbacc/v1/policy.pb.h"

namespace rbacc {

// Returns the built-in catalogue extended with the bundle's custom resources,
// after adding an issue for each malformed custom resource (group not a
// DNS-1123 subdomain or "", resource not a DNS-1123 label), each declared
// twice and each the built-in catalogue already has (either would be ignored,
// whatever scope it declares); only the built-in
// catalogue, without a check, when bundle.textproto did not parse. Returns
// InternalError when the built-in catalogue is broken.
absl::StatusOr<ResourceCatalog> CatalogForBundle(const LoadedBundle& bundle,
                                                 IssueList* issues);

// Adds an issue for each problem of `rule`, found at `path` in `source`:
//  - a verb that is neither a Kubernetes verb, "*", nor one of the rule's
//  custom_verbs (with a
//    suggestion), and custom_verbs that the rule does not use;
//  - verbs, resources and groups that were swapped (one error for the rule);
//  - an API group the catalogue does not know; a resource not in its group
//  (naming the group
//    it is in); a subresource the resource does not have;
//  - a cluster-scoped resource in a namespaced rule (`cluster_scope` false),
//  which grants
//    nothing;
//  - warnings for resource_names with create or deletecollection (never
//  matches) and with list
//    or watch (matches only requests with a metadata.name field selector).
void CheckRuleAgainstCatalog(const v1::Rule& rule, bool cluster_scope,
                             const ResourceCatalog& catalog,
                             const SourceFile& source, const std::string& path,
                             IssueList* issues);

// Adds an issue for each problem of the request a recorded call makes (verb
// `verb` on `resource` of `group`), found at `path` in `source` (the call's
// fields `verb`, `api_group` and `resource` below it), with the messages and
// suggestions CheckRuleAgainstCatalog gives a rule: an unknown verb, API
// group, resource or subresource. A request names one of each, so "*" is an
// error. Returns the catalogue's entry for the resource (the first group's for
// a resource in several), or nullptr when an error was reported.
const v1::ApiResource* CheckCallAgainstCatalog(
    const std::string& verb, const std::string& group,
    const std::string& resource, const ResourceCatalog& catalog,
    const SourceFile& source, const std::string& path, IssueList* issues);

}  // namespace rbacc

#endif  // RBACC_COMPILER_VALIDATE_CATALOG_CHECKS_H_
