// Lint's `broad-subject` finding: a subject bound to every role that stands
// for people nobody named (anonymous requests, every authenticated user, every
// service account). Unlike the other findings it is an error under
// --lint=warn too, unless the profile acknowledges it.
#ifndef RBACC_COMPILER_LINT_BROAD_SUBJECT_H_
#define RBACC_COMPILER_LINT_BROAD_SUBJECT_H_

#include <vector>

#include "compiler/lint/lint.h"
#include "compiler/resolve/selection.h"

namespace rbacc {

// One finding for each of `selection`'s extra subjects that is User
// system:anonymous, Group system:unauthenticated, Group system:authenticated,
// Group system:serviceaccounts or Group system:serviceaccounts:NAMESPACE, at
// the profile entry or flag that gave it, saying who it stands for.
// Acknowledged when the selection's profile allows "broad-subject". Returns
// nothing when no subject is broad.
std::vector<LintFinding> BroadSubjectFindings(const Selection& selection);

}  // namespace rbacc

#endif  // RBACC_COMPILER_LINT_BROAD_SUBJECT_H_
