#include "compiler/cli/explain_command.h"

#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "compiler/cli/compile_command.h"
#include "compiler/cli/review_input.h"
#include "compiler/common/authorizer.h"
#include "compiler/review/explain.h"
#include "compiler/review/policy_input.h"
#include "compiler/review/request_parser.h"

namespace rbacc {

int RunExplain(const ExplainOptions& options, std::ostream& out,
               std::ostream& err) {
  if (!options.request.empty() &&
      (options.request.size() < 2 || options.request.size() > 3)) {
    err << "rbacc explain: takes no arguments (every permission) or VERB "
           "RESOURCE[/SUBRESOURCE] [NAME]\n";
    return kExitError;
  }
  PolicyInput input;
  if (!LoadReviewInput(options.policy, options.workspace_root, err, &input)) {
    return kExitError;
  }
  if (options.request.empty()) {
    out << RenderPolicyExplanation(input);
    return kExitOk;
  }
  UserInfo user;
  if (!ResolveUser(input, options.as, options.as_groups, err, &user)) {
    return kExitError;
  }
  const std::vector<Evaluation> evaluations =
      Evaluations(input, user, options.as.empty(), options.request_namespace,
                  options.all_namespaces);
  for (const Evaluation& evaluation : evaluations) {
    std::string warning;
    absl::StatusOr<Request> request =
        ParseRequest(options.request[0], options.request[1],
                     options.request.size() > 2 ? options.request[2] : "",
                     evaluation.namespace_name, input.objects, &warning);
    if (!request.ok()) {
      err << "rbacc explain: " << request.status().message() << "\n";
      return kExitError;
    }
    if (!warning.empty() && &evaluation == &evaluations.front()) {
      err << warning << "\n";
    }
    if (&evaluation != &evaluations.front()) out << "\n";
    out << EvaluationText(evaluation) << ":\n"
        << RenderRequestExplanation(
               ExplainPolicyRequest(input, evaluation.user, *request),
               *request);
  }
  return kExitOk;
}

}  // namespace rbacc
