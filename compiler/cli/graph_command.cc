#include "compiler/cli/graph_command.h"

#include <ostream>

#include "compiler/cli/compile_command.h"
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

}  // namespace rbacc
