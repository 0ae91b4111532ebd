// Checks a bundle's recorded calls (its calls file, calls.proto) and the rules'
// citations of them (Rule.serves).
#ifndef RBACC_COMPILER_VALIDATE_CALLS_VALIDATOR_H_
#define RBACC_COMPILER_VALIDATE_CALLS_VALIDATOR_H_

#include "compiler/catalog/catalog.h"
#include "compiler/common/issue.h"
#include "compiler/load/bundle_loader.h"

namespace rbacc {

// Adds an issue to `issues` for each mistake in `bundle`'s calls, at the
// offending field of the calls file:
//  - ids: lower case letters, digits, ".", "-" and "_", unique;
//  - site "path:LINE", a client method and an operation, no control
//    characters in any text;
//  - the request's verb, group and resource against `catalog` (see
//    CheckCallAgainstCatalog), and its scope against the resource's: a
//    cluster-scoped resource is requested at CALL_SCOPE_CLUSTER, a namespaced
//    one in a namespace;
//  - scope, identity and on_forbidden set; `namespace` set exactly for
//    CALL_SCOPE_NAMED_NAMESPACE (a DNS-1123 label); `degrades` set exactly for
//    FORBIDDEN_DEGRADES;
//  - `features` naming at least one listed feature, `identity_modes` naming
//    the application's modes (with suggestions);
//  - the source's commit, when given, 40 hex digits.
// And, in the feature files, each rule's `serves` naming a recorded call (with
// a suggestion), or an error when the bundle records no calls. Nothing is
// reported for a bundle without calls whose rules cite none.
void ValidateCalls(const LoadedBundle& bundle, const ResourceCatalog& catalog,
                   IssueList* issues);

}  // namespace rbacc

#endif  // RBACC_COMPILER_VALIDATE_CALLS_VALIDATOR_H_
