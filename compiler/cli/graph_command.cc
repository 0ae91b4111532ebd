#include "compiler/cli/graph_command.h"

#include <algorithm>
#include <cstdint>
#include <ostream>

#include "absl/strings/str_cat.h"
#include "compiler/cli/compile_command.h"
#include "compiler/cli/policy_flags.h"
#include "compiler/cli/review_input.h"
#include "compiler/common/limits.h"
#include "compiler/common/policy_rule.h"
#include "compiler/common/rbac_objects.h"
#include "compiler/emit/graph.h"
#include "compiler/review/policy_input.h"

namespace rbacc {

namespace {

// The number of role -> resource edges' verbs RenderGraph draws for
// `objects`: per rule of each role, its URLs (or groups x resources) x verbs,
// saturating at SIZE_MAX.
size_t DrawnPermissions(const RbacObjects& objects) {
  const auto multiply = [](size_t a, size_t b) {
    return b != 0 && a > SIZE_MAX / b ? SIZE_MAX : a * b;
  };
  size_t total = 0;
  for (const RoleObject& role : objects.roles) {
    for (const CompiledRule& compiled : role.rules) {
      const PolicyRule& rule = compiled.rule;
      const size_t count =
          multiply(rule.non_resource_urls.size() +
                       multiply(rule.api_groups.size(), rule.resources.size()),
                   std::max<size_t>(1, rule.verbs.size()));
      total = count > SIZE_MAX - total ? SIZE_MAX : total + count;
    }
  }
  return total;
}

}  // namespace

int RunGraph(const GraphOptions& options, std::ostream& out,
             std::ostream& err) {
  PolicyInput input;
  if (!LoadReviewInput(options.policy, options.workspace_root, err, &input)) {
    return kExitError;
  }
  const size_t drawn = DrawnPermissions(input.objects);
  if (drawn > kMaxReviewPermissions) {
    err << "rbacc graph: " << input.label << ": its roles' rules stand for "
        << (drawn == SIZE_MAX ? "too many" : absl::StrCat(drawn))
        << " single permissions, more than the " << kMaxReviewPermissions
        << " a graph draws; split the rules into the groups, resources and "
           "verbs they are meant to grant, or graph a smaller file\n";
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
