#include "compiler/cli/review_input.h"

#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "compiler/cli/compile_command.h"
#include "compiler/common/authorizer.h"
#include "compiler/common/issue.h"
#include "compiler/compiler.h"
#include "compiler/review/policy_input.h"
#include "compiler/review/request_parser.h"
#include "compiler/resolve/selection.h"

namespace rbacc {

bool LoadReviewInput(const PolicySpec& spec, const std::string& workspace_root,
                     std::ostream& err, PolicyInput* input) {
  IssueList issues;
  std::map<std::string, std::string> file_texts;
  absl::StatusOr<PolicyInput> loaded =
      LoadPolicyInput(spec, workspace_root, &issues, &file_texts);
  if (!loaded.ok()) {
    err << loaded.status().message() << "\n";
    return false;
  }
  if (!issues.issues().empty()) err << issues.Render(file_texts);
  if (issues.has_errors()) return false;
  *input = *std::move(loaded);
  return true;
}

PolicySpec SelectionSpec(const std::string& yaml_path,
                         const std::string& bundle, const std::string& profile,
                         const SelectionOverrides& overrides) {
  PolicySpec spec;
  spec.yaml_path = yaml_path;
  spec.bundle = bundle.empty() ? kDefaultBundle : bundle;
  spec.profile = profile;
  spec.overrides = overrides;
  spec.label = yaml_path.empty()
                   ? absl::StrCat(spec.bundle, ":",
                                  profile.empty() ? "features" : profile)
                   : yaml_path;
  return spec;
}

bool ResolveUser(const PolicyInput& input, const std::string& as,
                 const std::vector<std::string>& as_groups, std::ostream& err,
                 UserInfo* user) {
  if (!as.empty()) {
    *user = UserFromAs(as, as_groups);
    return true;
  }
  if (!as_groups.empty()) {
    err << "--as-group needs --as: the API server refuses to impersonate "
           "groups without a user; name the user with --as=USER or "
           "--as=system:serviceaccount:NAMESPACE:NAME\n";
    return false;
  }
  if (input.compiled && !input.compiled->selection.service_account.empty()) {
    *user = ServiceAccountUser(input.compiled->selection.primary_namespace(),
                               input.compiled->selection.service_account);
  } else if (!input.objects.service_accounts.empty()) {
    const ObjectMeta& account = input.objects.service_accounts.front();
    *user = ServiceAccountUser(account.namespace_name, account.name);
  } else {
    err << input.label
        << ": has no ServiceAccount to ask for; name the subject with "
           "--as=USER or --as=system:serviceaccount:NAMESPACE:NAME\n";
    return false;
  }
  return true;
}

std::vector<Evaluation> Evaluations(
    const PolicyInput& input, const UserInfo& user, bool default_identity,
    const std::optional<std::string>& request_namespace, bool all_namespaces) {
  if (all_namespaces) return {{user, ""}};
  if (request_namespace.has_value()) return {{user, *request_namespace}};
  if (!input.compiled || input.compiled->selection.namespaces.size() < 2) {
    return {{user, DefaultRequestNamespace(input)}};
  }
  const Selection& selection = input.compiled->selection;
  std::vector<Evaluation> evaluations;
  for (const std::string& namespace_name : selection.namespaces) {
    evaluations.push_back(
        {default_identity && !selection.service_account.empty()
             ? ServiceAccountUser(namespace_name, selection.service_account)
             : user,
         namespace_name});
  }
  return evaluations;
}

std::string EvaluationText(const Evaluation& evaluation) {
  std::string text = absl::StrCat("as ", evaluation.user.name);
  if (!evaluation.user.groups.empty()) {
    absl::StrAppend(&text, " (groups ",
                    absl::StrJoin(evaluation.user.groups, ", "), ")");
  }
  absl::StrAppend(
      &text, evaluation.namespace_name.empty()
                 ? " cluster-wide"
                 : absl::StrCat(" in namespace ", evaluation.namespace_name));
  return text;
}

std::string DefaultRequestNamespace(const PolicyInput& input) {
  if (input.compiled) return input.compiled->selection.primary_namespace();
  if (!input.objects.service_accounts.empty()) {
    return input.objects.service_accounts.front().namespace_name;
  }
  return "default";
}

}  // namespace rbacc
