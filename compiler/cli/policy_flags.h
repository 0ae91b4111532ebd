// The policy explain, can-i and graph look at, as flags: --rbac (RBAC YAML or
// an output folder) or a selection (selection_flags.h).
#ifndef RBACC_COMPILER_CLI_POLICY_FLAGS_H_
#define RBACC_COMPILER_CLI_POLICY_FLAGS_H_

#include <ostream>
#include <string>

#include "compiler/cli/flags.h"
#include "compiler/cli/selection_flags.h"
#include "compiler/review/policy_input.h"

namespace rbacc {

// Declares --rbac and the selection flags, for the commands that look at a
// policy (explain, can-i, graph).
void AddPolicyFlags(TargetNamespaceFlag target, FlagSet* flags);

// Sets `spec` to the policy the flags AddPolicyFlags declares name: --rbac, or
// the selection. Returns false after printing on `err` (as "rbacc
// `command`: ...") that none was named.
bool PolicyFromFlags(const FlagSet& flags, TargetNamespaceFlag target,
                     const std::string& command, std::ostream& err,
                     PolicySpec* spec);

}  // namespace rbacc

#endif  // RBACC_COMPILER_CLI_POLICY_FLAGS_H_
