// The flags that select and parameterize a compilation (--bundle, --profile,
// --features, --namespace, ...), shared by compile, check, lint, explain,
// can-i, graph and why-forbidden.
#ifndef RBACC_COMPILER_CLI_SELECTION_FLAGS_H_
#define RBACC_COMPILER_CLI_SELECTION_FLAGS_H_

#include <string>

#include "compiler/cli/flags.h"
#include "compiler/resolve/selection.h"

namespace rbacc {

// Which flag names the selection's target namespaces: --namespace (-n) for
// the commands that compile, --target_namespace for explain and can-i, whose
// --namespace is the request's, as in kubectl.
enum class TargetNamespaceFlag {
  kNamespace,
  kTargetNamespace,
};

// Declares --bundle, --profile and every parameter flag of a selection
// (--features, the target namespace flag, --service_account,
// --remote_identity, --create_service_account, --cluster_scope, --subjects,
// --contexts, --chart_release).
void AddSelectionFlags(TargetNamespaceFlag target, FlagSet* flags);

// Returns the parameter flags given (declared by AddSelectionFlags) as
// overrides of a selection, each located at its flag. Flags not given are
// unset.
SelectionOverrides SelectionOverridesFromFlags(const FlagSet& flags,
                                               TargetNamespaceFlag target);

}  // namespace rbacc

#endif  // RBACC_COMPILER_CLI_SELECTION_FLAGS_H_
