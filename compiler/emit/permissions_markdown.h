// PERMISSIONS.md: the human-readable account of what one compilation grants,
// to whom and why.
#ifndef RBACC_COMPILER_EMIT_PERMISSIONS_MARKDOWN_H_
#define RBACC_COMPILER_EMIT_PERMISSIONS_MARKDOWN_H_

#include "compiler/emit/text_output.h"
#include "compiler/lint/lint.h"
#include "compiler/merge/compiled_policy.h"

namespace rbacc {

// PERMISSIONS.md: a Mermaid graph of subjects, bindings, roles and resources
// (see graph.h), then per role, a table of (API group, resource, verbs, scope,
// features, reason), then the lint findings the policy acknowledges, with their
// reasons. Cannot fail.
void EmitPermissionsMarkdown(const CompiledPolicy& policy,
                             const LintResult& lint, TextOutput& out);

}  // namespace rbacc

#endif  // RBACC_COMPILER_EMIT_PERMISSIONS_MARKDOWN_H_
