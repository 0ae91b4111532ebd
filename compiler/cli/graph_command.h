// The `graph` command: subjects -> bindings -> roles -> resources of a
// selection (or of RBAC YAML), as Mermaid or Graphviz dot.
#ifndef RBACC_COMPILER_CLI_GRAPH_COMMAND_H_
#define RBACC_COMPILER_CLI_GRAPH_COMMAND_H_

#include <ostream>
#include <string>

#include "compiler/cli/command.h"
#include "compiler/emit/graph.h"
#include "compiler/review/policy_input.h"

namespace rbacc {

// What to draw and how.
struct GraphOptions {
  // Folder holding policies/; relative paths resolve against it.
  std::string workspace_root = ".";
  // The policy (see SelectionSpec).
  PolicySpec policy;
  GraphFormat format = GraphFormat::kMermaid;
};

// Prints the graph on `out`. Returns 0, or 2 (after printing why on `err`)
// when the policy cannot be loaded or its roles' rules stand for more than
// kMaxReviewPermissions single permissions (a rule's groups x resources x
// verbs), which the graph would draw one edge and verb each.
int RunGraph(const GraphOptions& options, std::ostream& out, std::ostream& err);

// `rbacc graph` on the command line: the policy flags and --format for
// RunGraph.
class GraphCommand : public Command {
 public:
  GraphCommand();

 protected:
  void DeclareFlags(FlagSet* flags) const override;
  int Execute(const Invocation& call) const override;
};

}  // namespace rbacc

#endif  // RBACC_COMPILER_CLI_GRAPH_COMMAND_H_
