#include "compiler/cli/diff_command.h"

#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "compiler/cli/compile_command.h"
#include "compiler/cli/review_input.h"
#include "compiler/review/diff.h"
#include "compiler/review/policy_input.h"

namespace rbacc {

int RunDiff(const DiffOptions& options, std::ostream& out, std::ostream& err) {
  PolicyInput sides[2];
  const std::string* references[2] = {&options.before, &options.after};
  for (int i = 0; i < 2; ++i) {
    absl::StatusOr<PolicySpec> spec =
        ParsePolicyReference(*references[i], options.workspace_root);
    if (!spec.ok()) {
      err << "rbacc diff: " << spec.status().message() << "\n";
      return kExitError;
    }
    if (!LoadReviewInput(*spec, options.workspace_root, err, &sides[i])) {
      return kExitError;
    }
  }
  const PolicyDiff diff = DiffPolicies(sides[0].objects, sides[1].objects);
  out << RenderDiff(diff, options.format, sides[0].label, sides[1].label);
  return options.exit_code && !diff.empty() ? kExitStale : kExitOk;
}

}  // namespace rbacc
