// Checks a loaded bundle for mistakes that do not depend on the selection:
// names, rule shapes, references between features, fixed namespaces and Helm
// keys.
#ifndef RBACC_COMPILER_VALIDATE_BUNDLE_VALIDATOR_H_
#define RBACC_COMPILER_VALIDATE_BUNDLE_VALIDATOR_H_

#include <string>

#include "absl/strings/string_view.h"
#include "compiler/catalog/catalog.h"
#include "compiler/common/issue.h"
#include "compiler/load/bundle_loader.h"

namespace rbacc {

// Adds an issue to `issues` for each mistake in `bundle`, at the offending
// field:
//  - the bundle, feature and profile names (and that each matches its file or
//  folder);
//  - every rule: a reason, at least one verb, resources or non-resource URLs
//  but not both,
//    API groups with resources, non-resource URLs only in cluster rules, URLs
//    starting with "/" and "*" only at the end, no empty strings but the core
//    group "";
//  - `requires` naming listed features, without cycles;
//  - fixed namespaces: DNS-1123 labels, declared once, referenced by grants;
//  - object name templates: only {service_account} and {namespace}
//  placeholders;
//  - labels, config and Helm keys;
//  - every rule against `catalog` (see CheckRuleAgainstCatalog), and lint
//  acknowledgements
//    naming a known finding ID with a reason;
//  - the recorded calls and the rules' citations of them (ValidateCalls).
// The features are checked on every core; the issues come in the order of
// checking them one after the other, by name. Reports nothing when
// bundle.textproto did not parse (bundle.bundle_file_parsed is false): its
// syntax error is the one to fix, and its fields stop where the error is.
void ValidateBundle(const LoadedBundle& bundle, const ResourceCatalog& catalog,
                    IssueList* issues);

}  // namespace rbacc

#endif  // RBACC_COMPILER_VALIDATE_BUNDLE_VALIDATOR_H_
