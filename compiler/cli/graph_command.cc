#include "compiler/cli/graph_command.h"

#include <ostream>

#include "compiler/cli/compile_command.h"
#include "compiler/cli/policy_flags.h"
#include "compiler/cli/review_input.h"
#include "compiler/emit/graph.h"
#include "compiler/review/policy_input.h"

namespace rbacc {

int RunGraph(const GraphOptions& options, std::ostream& out,
             std::ostream& err) {
  PolicyInput input;
  if (!LoadReviewInput(options.policy, options.workspace_root, err, &input)) {
    return kExitError;
  }
  out << RenderGraph(input.objects, options.format);
  return kExitOk;
}

namespace {

// --format's values.
const EnumValues<GraphFormat>& GraphFormats() {
  static const auto* const kFormats = new EnumValues<GraphFormat>{
      {"mermaid", GraphFormat::kMermaid}, {"dot", GraphFormat::kDot}};
  return *kFormats;
}

}  // namespace

GraphCommand::GraphCommand()
    : Command({"graph",
               "subjects -> bindings -> roles -> resources "
               "(--format=mermaid|dot)",
               "graph [flags]",
               "Prints the policy as a graph.\n\nExit codes: 0 printed; 2 "
               "invalid input or flags.",
               {"bazel run //compiler -- graph --profile=full",
                "bazel run //compiler -- graph --features=base --format=dot "
                "| dot -Tsvg > rbac.svg"}}) {}

void GraphCommand::DeclareFlags(FlagSet* flags) const {
  AddPolicyFlags(TargetNamespaceFlag::kNamespace, flags);
  flags->AddEnum("format", GraphFormats(), "mermaid",
                 "mermaid (renders on GitHub) or dot (Graphviz).");
}

int GraphCommand::Execute(const Invocation& call) const {
  if (!call.positional.empty()) {
    return UnexpectedArgument(call.positional[0], "graph takes flags only",
                              call.err);
  }
  GraphOptions options;
  options.workspace_root = call.env.workspace_root;
  if (!PolicyFromFlags(call.flags, TargetNamespaceFlag::kNamespace, "graph",
                       call.err, &options.policy)) {
    return kExitError;
  }
  options.format = call.flags.Enum("format", GraphFormats());
  return RunGraph(options, call.out, call.err);
}

}  // namespace rbacc
