#include "compiler/cli/explain_command.h"

#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "compiler/cli/compile_command.h"
#include "compiler/cli/policy_flags.h"
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
  // A cluster dump holds thousands of other subjects' bindings.
  if (input.cluster_dump) RestrictToUser(user, &input.objects);
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

ExplainCommand::ExplainCommand()
    : Command({"explain",
               "why each permission is granted, or why one request is (not)",
               "explain [VERB RESOURCE[/SUB] [NAME]] [flags]",
               "Without a request: every rule of every role with the binding "
               "that uses it and the feature, file:line and reason of each "
               "permission. With a request: the chain that grants it, or the "
               "closest rule and why it does not match. --namespace is the "
               "request's namespace, as in kubectl; --target_namespace sets "
               "the selection's.\n\nExit codes: 0 explained; 2 invalid input "
               "or flags.",
               {"bazel run //compiler -- explain --profile=full",
                "bazel run //compiler -- explain list pods --profile=full "
                "-n kube-system"}}) {}

void ExplainCommand::DeclareFlags(FlagSet* flags) const {
  AddPolicyFlags(TargetNamespaceFlag::kTargetNamespace, flags);
  AddRequestFlags(flags);
}

int ExplainCommand::Execute(const Invocation& call) const {
  ExplainOptions options;
  options.workspace_root = call.env.workspace_root;
  if (!PolicyFromFlags(call.flags, TargetNamespaceFlag::kTargetNamespace,
                       "explain", call.err, &options.policy)) {
    return kExitError;
  }
  options.request = call.positional;
  const RequestFlags request = RequestFlagsFrom(call.flags);
  options.request_namespace = request.request_namespace;
  options.as = request.as;
  options.as_groups = request.as_groups;
  options.all_namespaces = request.all_namespaces;
  return RunExplain(options, call.out, call.err);
}

}  // namespace rbacc
