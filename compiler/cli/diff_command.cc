#include "compiler/cli/diff_command.h"

#include <ostream>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "compiler/cli/compile_command.h"
#include "compiler/cli/review_input.h"
#include "compiler/review/diff.h"
#include "compiler/review/grants.h"
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
  // A cluster dump is compared for the other side's subjects only.
  for (int i = 0; i < 2; ++i) {
    PolicyInput& other = sides[1 - i];
    if (!sides[i].cluster_dump || other.cluster_dump) continue;
    const std::set<Subject> subjects = BoundSubjects(other.objects);
    const size_t dropped = RestrictToSubjects(subjects, &sides[i].objects);
    err << "note: " << sides[i].label << " is a cluster dump: compared for the "
        << subjects.size() << " subject" << (subjects.size() == 1 ? "" : "s")
        << " " << other.label << " binds (" << dropped
        << " bindings of other subjects left out)\n";
  }
  for (const PolicyInput& side : sides) {
    const absl::Status bounded = CheckGrantCount(side.objects, side.label);
    if (!bounded.ok()) {
      err << "rbacc diff: " << bounded.message() << "\n";
      return kExitError;
    }
  }
  const PolicyDiff diff = DiffPolicies(sides[0].objects, sides[1].objects);
  out << RenderDiff(diff, options.format, sides[0].label, sides[1].label);
  return options.exit_code && !diff.empty() ? kExitStale : kExitOk;
}

namespace {

// --format's values.
const EnumValues<DiffFormat>& DiffFormats() {
  static const auto* const kFormats =
      new EnumValues<DiffFormat>{{"text", DiffFormat::kText},
                                 {"markdown", DiffFormat::kMarkdown},
                                 {"json", DiffFormat::kJson}};
  return *kFormats;
}

}  // namespace

DiffCommand::DiffCommand()
    : Command({"diff",
               "semantic permission diff of two policies",
               "diff A B [flags]",
               "A and B are each a profile (full), features (base,show-gpus), "
               "BUNDLE:PROFILE, PROFILE@CONTEXT, BUNDLE: or an rbac.yaml or "
               "output folder.\n\nExit codes: 0 compared (with --exit_code: "
               "nothing changed); 1 with --exit_code: something changed; 2 "
               "invalid input or flags.",
               {"bazel run //compiler -- diff minimal full --format=markdown",
                "bazel run //compiler -- diff outputs/skypilot/full full "
                "--exit-code"}}) {}

void DiffCommand::DeclareFlags(FlagSet* flags) const {
  flags->AddEnum("format", DiffFormats(), "text",
                 "text, markdown (for a pull request) or json.");
  flags->AddBool("exit_code", false, "Exit 1 when anything changed.");
}

int DiffCommand::Execute(const Invocation& call) const {
  if (call.positional.size() != 2) {
    call.err << "rbacc diff: takes two policies: rbacc diff A B (a profile, "
                "features a,b, BUNDLE:PROFILE, BUNDLE: or an rbac.yaml or "
                "output folder); see rbacc diff --help\n";
    return kExitUsage;
  }
  DiffOptions options;
  options.workspace_root = call.env.workspace_root;
  options.before = call.positional[0];
  options.after = call.positional[1];
  options.format = call.flags.Enum("format", DiffFormats());
  options.exit_code = call.flags.Bool("exit_code");
  return RunDiff(options, call.out, call.err);
}

}  // namespace rbacc
