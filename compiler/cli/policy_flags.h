// The policy explain, can-i and graph look at, as flags: --rbac (RBAC YAML or
// an output folder) or a selection (selection_flags.h); and the request flags
// explain and can-i share with kubectl (-n, --as, --as-group).
#ifndef RBACC_COMPILER_CLI_POLICY_FLAGS_H_
#define RBACC_COMPILER_CLI_POLICY_FLAGS_H_

#include <optional>
#include <ostream>
#include <string>
#include <vector>

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

// Who asks, and in which namespace: the request flags of explain and can-i.
struct RequestFlags {
  // --namespace (-n): the request's namespace; unset when not given.
  std::optional<std::string> request_namespace;
  // --as: the identity asking; "" for the compiled service account.
  std::string as;
  // --as_group (--as-group): the identity's groups.
  std::vector<std::string> as_groups;
  // --all_namespaces (-A): ask cluster-wide.
  bool all_namespaces = false;
};

// Declares --namespace (-n, the request's namespace), --as, --as_group and
// --all_namespaces (-A).
void AddRequestFlags(FlagSet* flags);

// Returns the request flags given (declared by AddRequestFlags).
RequestFlags RequestFlagsFrom(const FlagSet& flags);

}  // namespace rbacc

#endif  // RBACC_COMPILER_CLI_POLICY_FLAGS_H_
