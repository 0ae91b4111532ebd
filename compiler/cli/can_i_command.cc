#include "compiler/cli/can_i_command.h"

#include <algorithm>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "compiler/cli/policy_flags.h"
#include "compiler/cli/review_input.h"
#include "compiler/common/authorizer.h"
#include "compiler/common/policy_rule.h"
#include "compiler/common/rbac_objects.h"
#include "compiler/review/grants.h"
#include "compiler/review/policy_input.h"
#include "compiler/review/request_parser.h"

namespace rbacc {
namespace {

// kubectl's --list table: the rules that apply to `user` in `namespace_name`
// (ClusterRoleBindings, and RoleBindings of that namespace), one row per
// resource (RESOURCE.GROUP) or URL and names, verbs merged.
std::string ListTable(const RbacObjects& objects, const UserInfo& user,
                      const std::string& namespace_name) {
  // (resource, url, names) -> verbs
  std::map<std::tuple<std::string, std::string, std::string>,
           std::set<std::string>>
      rows;
  for (const BindingObject& binding : objects.bindings) {
    if (!binding.is_cluster_binding() &&
        binding.metadata.namespace_name != namespace_name) {
      continue;
    }
    const bool applies = BindingAppliesTo(binding, user);
    const RoleObject* role = FindBoundRole(objects, binding);
    if (!applies || role == nullptr) continue;
    for (const CompiledRule& compiled : role->rules) {
      const PolicyRule& rule = compiled.rule;
      const std::string names =
          absl::StrCat("[", absl::StrJoin(rule.resource_names, " "), "]");
      for (const std::string& url : rule.non_resource_urls) {
        rows[{"", url, names}].insert(rule.verbs.begin(), rule.verbs.end());
      }
      for (const std::string& group : rule.api_groups) {
        for (const std::string& resource : rule.resources) {
          std::string shown = resource;
          if (!group.empty()) {
            const size_t slash = resource.find('/');
            shown = slash == std::string::npos
                        ? absl::StrCat(resource, ".", group)
                        : absl::StrCat(resource.substr(0, slash), ".", group,
                                       resource.substr(slash));
          }
          rows[{shown, "", names}].insert(rule.verbs.begin(), rule.verbs.end());
        }
      }
    }
  }
  std::vector<std::vector<std::string>> table = {
      {"Resources", "Non-Resource URLs", "Resource Names", "Verbs"}};
  for (const auto& [key, verb_set] : rows) {
    std::vector<std::string> verbs(verb_set.begin(), verb_set.end());
    SortVerbs(verbs);
    const auto& [resource, url, names] = key;
    table.push_back({resource, url.empty() ? "[]" : absl::StrCat("[", url, "]"),
                     names, absl::StrCat("[", absl::StrJoin(verbs, " "), "]")});
  }
  std::vector<size_t> widths(4, 0);
  for (const auto& row : table) {
    for (size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], row[i].size());
    }
  }
  std::string out;
  for (const auto& row : table) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      absl::StrAppend(&line, row[i]);
      if (i + 1 < row.size()) {
        line.append(widths[i] - row[i].size() + 3, ' ');
      }
    }
    absl::StrAppend(&out, line, "\n");
  }
  return out;
}

// The bindings ListTable lists for `user` in `namespace_name`, each with one
// subject (the table is one user's), and every role: what CheckGrantCount
// bounds before the table expands the rules' groups x resources.
RbacObjects ListedBindings(const RbacObjects& objects, const UserInfo& user,
                           const std::string& namespace_name) {
  RbacObjects listed;
  listed.roles = objects.roles;
  for (const BindingObject& binding : objects.bindings) {
    if ((binding.is_cluster_binding() ||
         binding.metadata.namespace_name == namespace_name) &&
        BindingAppliesTo(binding, user)) {
      listed.bindings.push_back(binding);
      listed.bindings.back().subjects.resize(1);
    }
  }
  return listed;
}

// Checks the arguments as kubectl does before it asks anything. Returns false
// after printing why on `err`.
bool ValidUsage(const CanIOptions& options, std::ostream& err) {
  if (options.list) {
    if (!options.request.empty()) {
      err << "rbacc can-i: error: --list takes no arguments; it lists what the "
             "subject may do in the namespace\n";
      return false;
    }
    if (options.all_namespaces) {
      err << "rbacc can-i: error: --list cannot be used with "
             "--all-namespaces; list one namespace with --namespace\n";
      return false;
    }
    return true;
  }
  if (options.request.size() < 2 || options.request.size() > 3) {
    err << "rbacc can-i: error: takes VERB RESOURCE[/SUBRESOURCE] [NAME], or "
           "--list without arguments (see --help)\n";
    return false;
  }
  return true;
}

}  // namespace

bool LoadCanISubject(const CanIOptions& options, std::ostream& err,
                     CanISubject* subject) {
  subject->default_identity = options.as.empty();
  if (!LoadReviewInput(options.policy, options.workspace_root, err,
                       &subject->input) ||
      !ResolveUser(subject->input, options.as, options.as_groups, err,
                   &subject->user)) {
    return false;
  }
  // A cluster dump holds thousands of other subjects' bindings.
  if (subject->input.cluster_dump) {
    RestrictToUser(subject->user, &subject->input.objects);
  }
  return true;
}

int AnswerCanI(const CanISubject& subject, const CanIOptions& options,
               std::ostream& out, std::ostream& err) {
  if (!ValidUsage(options, err)) return kExitCanIError;
  const RbacObjects& objects = subject.input.objects;
  const std::vector<Evaluation> evaluations =
      Evaluations(subject.input, subject.user, subject.default_identity,
                  options.request_namespace, options.all_namespaces);
  if (options.list) {
    const Evaluation& evaluation = evaluations.front();
    err << "rbacc can-i: " << EvaluationText(evaluation) << "\n";
    const absl::Status bounded = CheckGrantCount(
        ListedBindings(objects, evaluation.user, evaluation.namespace_name),
        subject.input.label);
    if (!bounded.ok()) {
      err << "rbacc can-i: error: " << bounded.message() << "\n";
      return kExitCanIError;
    }
    out << ListTable(objects, evaluation.user, evaluation.namespace_name);
    return kExitYes;
  }
  const Authorizer authorizer(objects);
  bool all_allowed = true;
  for (const Evaluation& evaluation : evaluations) {
    std::string warning;
    absl::StatusOr<Request> request =
        ParseRequest(options.request[0], options.request[1],
                     options.request.size() > 2 ? options.request[2] : "",
                     evaluation.namespace_name, objects, &warning);
    if (!request.ok()) {
      err << "rbacc can-i: error: " << request.status().message() << "\n";
      return kExitCanIError;
    }
    if (!warning.empty() && &evaluation == &evaluations.front()) {
      err << warning << "\n";
    }
    err << "rbacc can-i: " << EvaluationText(evaluation) << "\n";
    const bool allowed = authorizer.Allows(evaluation.user, *request);
    all_allowed = all_allowed && allowed;
    if (evaluations.size() > 1) out << evaluation.namespace_name << ": ";
    out << (allowed ? "yes" : "no") << "\n";
  }
  return all_allowed ? kExitYes : kExitNo;
}

int RunCanI(const CanIOptions& options, std::ostream& out, std::ostream& err) {
  if (!ValidUsage(options, err)) return kExitCanIError;
  CanISubject subject;
  if (!LoadCanISubject(options, err, &subject)) return kExitCanIError;
  return AnswerCanI(subject, options, out, err);
}

CanICommand::CanICommand()
    : Command({"can-i",
               "yes/no like kubectl auth can-i (-n, -A, --list, --as)",
               "can-i VERB RESOURCE[/SUB] [NAME] [flags]  or  can-i --list "
               "[flags]",
               "Answers offline as `kubectl auth can-i` for the compiled "
               "service account or the --as identity. RESOURCE may be "
               "qualified (deployments.apps/scale) or a /URL.\n\nExit codes "
               "(kubectl's): 0 yes (or the --list table); 1 no, or invalid "
               "arguments or input (stderr says which, stdout is then empty). "
               "Flag errors (an unknown flag, a bad value) exit 2.",
               {"bazel run //compiler -- can-i create pods/exec --profile=full",
                "bazel run //compiler -- can-i list nodes -A --profile=minimal",
                "bazel run //compiler -- can-i --list --profile=minimal "
                "-n default"}}) {}

void CanICommand::DeclareFlags(FlagSet* flags) const {
  AddPolicyFlags(TargetNamespaceFlag::kTargetNamespace, flags);
  AddRequestFlags(flags);
  flags->AddBool("list", false,
                 "List what the subject may do in the namespace.");
}

int CanICommand::Execute(const Invocation& call) const {
  CanIOptions options;
  options.workspace_root = call.env.workspace_root;
  if (!PolicyFromFlags(call.flags, TargetNamespaceFlag::kTargetNamespace,
                       "can-i", call.err, &options.policy)) {
    return kExitCanIError;
  }
  options.request = call.positional;
  const RequestFlags request = RequestFlagsFrom(call.flags);
  options.request_namespace = request.request_namespace;
  options.all_namespaces = request.all_namespaces;
  options.list = call.flags.Bool("list");
  options.as = request.as;
  options.as_groups = request.as_groups;
  return RunCanI(options, call.out, call.err);
}

}  // namespace rbacc
