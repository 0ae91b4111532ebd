// Lint's `identity-mode-cost` finding: what an identity mode whose application
// bootstraps its own account (IdentityMode.bootstrap_objects) grants that
// account, beyond what the selected features need.
#ifndef RBACC_COMPILER_LINT_IDENTITY_COST_H_
#define RBACC_COMPILER_LINT_IDENTITY_COST_H_

#include <optional>

#include "compiler/lint/lint.h"
#include "compiler/load/bundle_loader.h"
#include "compiler/merge/compiled_policy.h"

namespace rbacc {

// For a selection of a bootstrapping identity mode (Selection::bootstraps),
// the finding, at where the identity was given: the roles the application's
// own objects give its pods' account (each quoted, rule by rule), what the
// launcher may do with --bootstrap=grant, and the narrower choice (a custom
// service account, the bundle's default one named). Acknowledged when the
// profile allows "identity-mode-cost". Returns nothing for other selections.
std::optional<LintFinding> IdentityModeCostFinding(
    const LoadedBundle& bundle, const CompiledPolicy& policy);

}  // namespace rbacc

#endif  // RBACC_COMPILER_LINT_IDENTITY_COST_H_
