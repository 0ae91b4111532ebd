// values.yaml: the compiled rules as values of the bundle's Helm chart, with
// comments saying what the chart cannot express. The merge stage's Helm plan
// (merge/helm_plan.h) decides which rule goes where; this file only formats it.
#ifndef RBACC_COMPILER_EMIT_HELM_VALUES_H_
#define RBACC_COMPILER_EMIT_HELM_VALUES_H_

#include "compiler/emit/text_output.h"
#include "compiler/merge/compiled_policy.h"
#include "proto/rbacc/v1/policy.pb.h"

namespace rbacc {

// values.yaml for the bundle's Helm chart, carrying the same rules as
// rbac.yaml; comments at the top list what the chart cannot express. Cannot
// fail.
void EmitHelmValues(const CompiledPolicy& policy, const v1::HelmChart& chart,
                    TextOutput& out);

}  // namespace rbacc

#endif  // RBACC_COMPILER_EMIT_HELM_VALUES_H_
