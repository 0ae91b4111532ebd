// What one selection (compiled, or RBAC YAML read back) says about a denied
// request: the findings of Diagnose (why_forbidden.h), each with the command
// that changes the selection to grant it. Internal to Diagnose.
#ifndef RBACC_COMPILER_REVIEW_WHY_FORBIDDEN_SELECTION_H_
#define RBACC_COMPILER_REVIEW_WHY_FORBIDDEN_SELECTION_H_

#include <vector>

#include "compiler/common/authorizer.h"
#include "compiler/common/rbac_objects.h"
#include "compiler/review/forbidden_message.h"
#include "compiler/review/policy_input.h"
#include "compiler/review/why_forbidden.h"

namespace rbacc {

// Returns the asker of `message` as a binding subject: its ServiceAccount,
// else a User. Never fails.
Subject UserSubject(const ForbiddenMessage& message);

// Returns the identity a binding subject stands for (a group's: a user in
// it). Never fails.
UserInfo SubjectUser(const Subject& subject);

// Returns true when a binding of `objects` applies to `user`.
bool BindsUser(const RbacObjects& objects, const UserInfo& user);

// What examining one selection needs besides the selection.
struct Examination {
  const ForbiddenMessage& message;
  const Subject& asker;
  const std::vector<FeatureMatch>& matches;
  const CompileCommandSpeller& speller;
};

// Returns what the compiled selection `examined` says about the request of
// `exam.message`. Never fails.
SelectionFinding ExamineSelection(const ExaminedSelection& examined,
                                  const Examination& exam);

// Returns what RBAC YAML read back (`input`, not compiled) says about
// `message`'s request asked by `asker`. Never fails.
SelectionFinding ExamineYaml(const PolicyInput& input,
                             const ForbiddenMessage& message,
                             const Subject& asker);

// Adds to `findings` a new selection binding `asker` for the first feature of
// each bundle among `matches`, compiled by the command `speller` spells.
void AddNewSelections(const std::vector<FeatureMatch>& matches,
                      const ForbiddenMessage& message, const Subject& asker,
                      const CompileCommandSpeller& speller,
                      std::vector<SelectionFinding>* findings);

}  // namespace rbacc

#endif  // RBACC_COMPILER_REVIEW_WHY_FORBIDDEN_SELECTION_H_
