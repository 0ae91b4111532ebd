// The `can-i` command: `kubectl auth can-i`, offline, against a selection or
// RBAC YAML: prints "yes" or "no" (exit 0 or 1), or with --list the rules
// that apply to the subject in the namespace.
#ifndef RBACC_COMPILER_CLI_CAN_I_COMMAND_H_
#define RBACC_COMPILER_CLI_CAN_I_COMMAND_H_

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "compiler/cli/command.h"
#include "compiler/common/authorizer.h"
#include "compiler/review/policy_input.h"

namespace rbacc {

// Exit code of can-i: the request is allowed (or --list printed).
inline constexpr int kExitYes = 0;
// Exit code of can-i: the request is denied.
inline constexpr int kExitNo = 1;
// Exit code of can-i for invalid input or usage: kubectl's
// DefaultErrorExitCode, which is also its "no" (kubectl auth can-i exits 1
// for both); stderr says which.
inline constexpr int kExitCanIError = 1;

// The question.
struct CanIOptions {
  // Folder holding policies/; relative paths resolve against it.
  std::string workspace_root = ".";
  // The policy (see SelectionSpec).
  PolicySpec policy;
  // VERB, RESOURCE[/SUB] (or RESOURCE.GROUP[/SUB], or /URL) and optionally
  // NAME; empty with `list`.
  std::vector<std::string> request;
  // The request's namespace, as kubectl's --namespace; unset: the selection's
  // target namespace (for YAML: "default").
  std::optional<std::string> request_namespace;
  // kubectl's --all-namespaces: ask cluster-wide (namespace "").
  bool all_namespaces = false;
  // List what the subject may do in the namespace instead of asking.
  bool list = false;
  // The identity asking (kubectl's --as, e.g. system:serviceaccount:ns:name
  // or a user name); empty: the compiled service account.
  std::string as;
  // kubectl's --as-group.
  std::vector<std::string> as_groups;
};

// A policy and the identity asking, loaded once to answer many questions.
struct CanISubject {
  PolicyInput input;
  UserInfo user;
  // True when `user` is the selection's own account (no --as): with several
  // target namespaces each namespace is then asked by its own account.
  bool default_identity = false;
};

// Loads options.policy and resolves options.as and options.as_groups (see
// ResolveUser) into `subject`; a cluster dump is restricted to the bindings
// that apply to that user (RestrictToUser). Returns false after printing on
// `err` why the policy cannot be read or there is no identity to ask for.
bool LoadCanISubject(const CanIOptions& options, std::ostream& err,
                     CanISubject* subject);

// Answers the question of `options` (request, request_namespace,
// all_namespaces, list) for `subject`, ignoring options.policy, as and
// as_groups: what RunCanI prints and returns, without loading the policy
// again.
int AnswerCanI(const CanISubject& subject, const CanIOptions& options,
               std::ostream& out, std::ostream& err);

// Answers on `out`: "yes" or "no" (kubectl's words), or the --list table;
// with several target namespaces and no --namespace, one "<namespace>: yes"
// or "<namespace>: no" line each (exit kExitYes only when every answer is
// yes). Each answer's identity and namespace go to `err` ("rbacc can-i: as
// ... in namespace ..."), as does kubectl's warning for an unknown resource
// type.
// Returns kExitYes, kExitNo, or kExitCanIError after printing on `err` why
// the arguments, the policy or the request cannot be used (as kubectl: --list
// takes no arguments and not --all-namespaces), or the --list table would
// stand for more than kMaxReviewPermissions single permissions
// (CheckGrantCount).
int RunCanI(const CanIOptions& options, std::ostream& out, std::ostream& err);

// `rbacc can-i VERB RESOURCE [NAME]` on the command line: kubectl's flags
// (-n, -A, --list, --as, --as-group) and the policy flags for RunCanI.
class CanICommand : public Command {
 public:
  CanICommand();

 protected:
  void DeclareFlags(FlagSet* flags) const override;
  int Execute(const Invocation& call) const override;
};

}  // namespace rbacc

#endif  // RBACC_COMPILER_CLI_CAN_I_COMMAND_H_
