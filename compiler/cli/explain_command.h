// The `explain` command: every permission of a selection with its feature,
// file:line and reason; or, for one request, the chain that grants it or the
// closest rule and why it does not match.
#ifndef RBACC_COMPILER_CLI_EXPLAIN_COMMAND_H_
#define RBACC_COMPILER_CLI_EXPLAIN_COMMAND_H_

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "compiler/cli/command.h"
#include "compiler/review/policy_input.h"

namespace rbacc {

// What to explain.
struct ExplainOptions {
  // Folder holding policies/; relative paths resolve against it.
  std::string workspace_root = ".";
  // The policy (see SelectionSpec).
  PolicySpec policy;
  // Empty: explain every permission. Else a request: VERB, RESOURCE[/SUB]
  // and optionally NAME, as `can-i` takes them.
  std::vector<std::string> request;
  // The request's namespace; unset: the selection's target namespace (for
  // YAML: "default"). "" asks cluster-wide.
  std::optional<std::string> request_namespace;
  // kubectl's --all-namespaces, as can-i takes it: ask cluster-wide.
  bool all_namespaces = false;
  // The identity asking (kubectl's --as); empty: the compiled service
  // account.
  std::string as;
  std::vector<std::string> as_groups;
};

// Prints the explanation on `out`; for a request, one explanation per
// evaluation (see Evaluations: several target namespaces give one each),
// each headed by who asked where ("as ... in namespace ...:"), after
// kubectl's warning on `err` for an unknown resource type. A cluster dump is
// restricted to the bindings that apply to the user asking (RestrictToUser)
// before a request is explained. Returns 0 (for a
// request: also when it is denied; the text says so), or 2 after printing on
// `err` why the policy or the request cannot be read.
int RunExplain(const ExplainOptions& options, std::ostream& out,
               std::ostream& err);

// `rbacc explain [VERB RESOURCE [NAME]]` on the command line: the policy
// flags, the request and its namespace and identity for RunExplain.
class ExplainCommand : public Command {
 public:
  ExplainCommand();

 protected:
  void DeclareFlags(FlagSet* flags) const override;
  int Execute(const Invocation& call) const override;
};

}  // namespace rbacc

#endif  // RBACC_COMPILER_CLI_EXPLAIN_COMMAND_H_
