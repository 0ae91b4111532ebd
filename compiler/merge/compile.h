// Compiles a validated selection of a bundle: gathers the selected features'
// rules by scope, compacts each role, names and binds the objects, and merges
// config and Helm values.
#ifndef RBACC_COMPILER_MERGE_COMPILE_H_
#define RBACC_COMPILER_MERGE_COMPILE_H_

#include <string>

#include "compiler/common/issue.h"
#include "compiler/common/policy_rule.h"
#include "compiler/load/bundle_loader.h"
#include "compiler/merge/compiled_policy.h"
#include "compiler/resolve/selection.h"

namespace rbacc {

// Returns a declared rule in Kubernetes' PolicyRule shape.
PolicyRule ToPolicyRule(const v1::Rule& rule);

// Compiles `selection` of `bundle` (both already validated). Adds an issue when
// two selected features set the same config or Helm key to different values,
// when one feature's key is inside another's value, or when two objects of one
// kind get the same namespace and name. The result is only meaningful when no
// error was added.
CompiledPolicy CompilePolicy(const LoadedBundle& bundle,
                             const Selection& selection,
                             const std::string& regenerate_command,
                             IssueList* issues);

}  // namespace rbacc

#endif  // RBACC_COMPILER_MERGE_COMPILE_H_
