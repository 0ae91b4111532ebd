#include "compiler/review/why_forbidden_selection.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "compiler/common/shell_word.h"
#include "compiler/merge/compiled_policy.h"
#include "compiler/review/explain.h"
#include "compiler/review/grants.h"

namespace rbacc {
namespace {

// kubectl's --as for a subject (groups as --as-group with a placeholder
// user).
std::string KubectlAs(const Subject& subject) {
  if (subject.kind == "ServiceAccount") {
    return absl::StrCat("--as=system:serviceaccount:", subject.namespace_name,
                        ":", subject.name);
  }
  if (subject.kind == "Group") {
    return absl::StrCat("--as=member --as-group=", subject.name);
  }
  return absl::StrCat("--as=", ShellWord(subject.name));
}

// `kubectl auth can-i` for the request as `subject`, against kubeconfig
// context `context` when it is not "".
std::string KubectlCanI(const Request& request, const Subject& subject,
                        const std::string& context = "") {
  std::vector<std::string> words = {
      context.empty() ? std::string("kubectl auth can-i")
                      : absl::StrCat("kubectl --context=", ShellWord(context),
                                     " auth can-i"),
      request.verb};
  if (!request.is_resource_request) {
    words.push_back(ShellWord(request.path));
  } else {
    std::string resource = request.resource;
    if (!request.api_group.empty()) {
      absl::StrAppend(&resource, ".", request.api_group);
    }
    if (!request.subresource.empty()) {
      absl::StrAppend(&resource, "/", request.subresource);
    }
    words.push_back(resource);
    if (!request.name.empty()) words.push_back(ShellWord(request.name));
    words.push_back(request.namespace_name.empty()
                        ? "--all-namespaces"
                        : absl::StrCat("-n ", request.namespace_name));
  }
  words.push_back(KubectlAs(subject));
  return absl::StrJoin(words, " ");
}

// A change to a selection, for the command that compiles it.
struct SelectionChange {
  std::vector<std::string> add_features;
  std::vector<std::string> add_namespaces;
  std::vector<Subject> add_subjects;
  bool cluster_scope_full = false;
  // A second set of outputs: these target namespaces instead, without
  // creating the service account, written to `out_dir`.
  std::vector<std::string> replace_namespaces;
  std::string out_dir;
};

// The compile command for `spec`'s selection `selection` changed by
// `change`; only the flags that change are added to the profile's.
std::string ChangedCommand(const CompileCommandSpeller& speller,
                           const PolicySpec& spec, Selection selection,
                           const SelectionChange& change) {
  SelectionOverrides overrides = spec.overrides;
  std::optional<std::string> out_dir;
  const bool unchanged =
      change.add_features.empty() && change.add_namespaces.empty() &&
      change.add_subjects.empty() && !change.cluster_scope_full &&
      change.replace_namespaces.empty();
  // One context of a profile is written by the profile's own command, which
  // also writes the config.yaml that names every context.
  if (unchanged) overrides.contexts.reset();
  if (!change.add_features.empty() || overrides.features) {
    std::set<std::string> features(selection.requested_features.begin(),
                                   selection.requested_features.end());
    features.insert(change.add_features.begin(), change.add_features.end());
    selection.requested_features.assign(features.begin(), features.end());
    overrides.features = Located<std::vector<std::string>>{
        selection.requested_features, {"--features"}, {}};
  }
  if (!change.add_namespaces.empty()) {
    selection.namespaces.insert(selection.namespaces.end(),
                                change.add_namespaces.begin(),
                                change.add_namespaces.end());
    overrides.namespaces = Located<std::vector<std::string>>{
        selection.namespaces, {"--namespace"}, {}};
  }
  if (!change.replace_namespaces.empty()) {
    selection.namespaces = change.replace_namespaces;
    overrides.namespaces = Located<std::vector<std::string>>{
        selection.namespaces, {"--namespace"}, {}};
    overrides.create_service_account =
        Located<bool>{false, {"--create_service_account"}, {}};
    out_dir = change.out_dir;
  }
  if (!change.add_subjects.empty()) {
    std::set<Subject> subjects(selection.extra_subjects.begin(),
                               selection.extra_subjects.end());
    subjects.insert(change.add_subjects.begin(), change.add_subjects.end());
    selection.extra_subjects.assign(subjects.begin(), subjects.end());
    overrides.subjects =
        Located<std::vector<std::string>>{{}, {"--subjects"}, {}};
  }
  if (change.cluster_scope_full) {
    selection.cluster_scope = v1::CLUSTER_SCOPE_FULL;
    overrides.cluster_scope = Located<v1::ClusterScope>{
        v1::CLUSTER_SCOPE_FULL, {"--cluster_scope"}, {}};
  }
  return speller(spec.bundle, spec.profile, selection, overrides, out_dir);
}

// The profile file `examined` compiles unchanged (one of its contexts at
// most), or nullptr for a selection the user changed or made up.
const LoadedProfile* CommittedProfile(const ExaminedSelection& examined) {
  const PolicySpec& spec = examined.spec;
  const SelectionOverrides& overrides = spec.overrides;
  if (spec.profile.empty() || overrides.features || overrides.namespaces ||
      overrides.subjects || overrides.service_account ||
      overrides.remote_identity || overrides.cluster_scope ||
      overrides.create_service_account || overrides.chart_release) {
    return nullptr;
  }
  const auto profile = examined.bundle->profiles.find(spec.profile);
  return profile == examined.bundle->profiles.end() ? nullptr
                                                    : &profile->second;
}

// "ServiceAccount:ns/name", "User:alice" or "Group:team", as Profile.subjects
// lists a subject.
std::string ProfileSubject(const Subject& subject) {
  return subject.kind == "ServiceAccount"
             ? absl::StrCat("ServiceAccount:", subject.namespace_name, "/",
                            subject.name)
             : absl::StrCat(subject.kind, ":", subject.name);
}

// The edits to `profile`'s file that make the change, or nothing when one of
// them has no place in the file (a context's own subjects or namespaces, a
// second set of outputs).
std::optional<ProfileEdit> EditOf(const LoadedProfile& profile,
                                  const Selection& selection, bool context,
                                  const SelectionChange& change) {
  if (!change.replace_namespaces.empty() ||
      (context &&
       (!change.add_subjects.empty() || !change.add_namespaces.empty()))) {
    return std::nullopt;
  }
  ProfileEdit edit;
  edit.file = profile.source.display_path;
  for (const std::string& feature : change.add_features) {
    edit.edits.push_back(absl::StrCat("add \"", feature, "\" to features"));
  }
  if (!change.add_namespaces.empty()) {
    if (profile.proto.namespaces_size() > 0) {
      for (const std::string& namespace_name : change.add_namespaces) {
        edit.edits.push_back(
            absl::StrCat("add \"", namespace_name, "\" to namespaces"));
      }
    } else {
      std::vector<std::string> quoted;
      for (const std::string& namespace_name : selection.namespaces) {
        quoted.push_back(absl::StrCat("\"", namespace_name, "\""));
      }
      for (const std::string& namespace_name : change.add_namespaces) {
        quoted.push_back(absl::StrCat("\"", namespace_name, "\""));
      }
      edit.edits.push_back(absl::StrCat(
          "set namespaces: [", absl::StrJoin(quoted, ", "), "]",
          profile.proto.namespace_().empty() ? "" : " in place of namespace"));
    }
  }
  for (const Subject& subject : change.add_subjects) {
    edit.edits.push_back(
        absl::StrCat("add \"", ProfileSubject(subject), "\" to subjects"));
  }
  if (change.cluster_scope_full) {
    edit.edits.push_back("set cluster_scope: CLUSTER_SCOPE_FULL");
  }
  if (edit.edits.empty()) return std::nullopt;
  return edit;
}

// Sets `finding`'s fix for `change` to `examined`: for a committed profile,
// the edit to its file and the command that compiles it again (a command
// overriding the profile with flags would overwrite its committed outputs,
// which the next `check` reverts); otherwise the compile command with the
// changed flags.
void SetFix(const ExaminedSelection& examined, const Examination& exam,
            const SelectionChange& change, SelectionFinding* finding) {
  const PolicySpec& spec = examined.spec;
  const Selection& selection = examined.input.compiled->selection;
  if (const LoadedProfile* profile = CommittedProfile(examined)) {
    finding->profile_edit = EditOf(*profile, selection,
                                   spec.overrides.contexts.has_value(), change);
    if (finding->profile_edit) {
      finding->command = ChangedCommand(exam.speller, spec, selection, {});
      return;
    }
  }
  finding->command = ChangedCommand(exam.speller, spec, selection, change);
}

// The finding of `examined` when a feature of its bundle grants the request
// (`best`, needing another target namespace when `needs_namespace`).
SelectionFinding MissingFeature(const ExaminedSelection& examined,
                                const Examination& exam,
                                const FeatureMatch& best, bool needs_namespace,
                                bool bound, SelectionFinding finding) {
  const Request& request = exam.message.request;
  const PolicySpec& spec = examined.spec;
  const Selection& selection = examined.input.compiled->selection;
  const std::string asker = SubjectText(exam.asker);
  const bool selected =
      std::find(selection.features.begin(), selection.features.end(),
                best.feature) != selection.features.end();
  SelectionChange change;
  if (!selected) change.add_features.push_back(best.feature);
  // A target namespace's Role binds that namespace's account: an account of
  // another target namespace needs outputs of its own for this one.
  const std::vector<Subject> accounts = selection.ServiceAccounts();
  const bool own_account =
      std::find(accounts.begin(), accounts.end(), exam.asker) != accounts.end();
  if (needs_namespace && own_account) {
    change.replace_namespaces = {request.namespace_name};
    change.add_subjects.push_back(exam.asker);
    change.out_dir =
        absl::StrCat("outputs/", examined.input.compiled->bundle_name, "/",
                     spec.profile.empty() ? "custom" : spec.profile, "-",
                     request.namespace_name);
  } else if (needs_namespace) {
    change.add_namespaces.push_back(request.namespace_name);
  }
  change.cluster_scope_full =
      selection.namespace_only() && best.scope != RoleScope::kTargetNamespace;
  if (!bound && change.add_subjects.empty()) {
    change.add_subjects.push_back(exam.asker);
  }
  std::string why;
  if (!selected) {
    why = absl::StrCat(
        " does not select feature ", best.feature, ", which grants it ",
        FeatureScopeText(best, request),
        bound ? "" : absl::StrCat(", and binds nothing to ", asker),
        ". Compile it in:\n");
  } else if (needs_namespace && own_account) {
    why = absl::StrCat(
        " selects feature ", best.feature,
        ", which grants it in the target namespace, but its target "
        "namespaces are ",
        absl::StrJoin(selection.namespaces, ", "), ", not ",
        request.namespace_name,
        ", and a target namespace's Role binds that namespace's account. "
        "Compile outputs for ",
        request.namespace_name, " that bind ", asker, ":\n");
  } else if (needs_namespace) {
    why = absl::StrCat(" selects feature ", best.feature,
                       ", which grants it in the target namespace, but its "
                       "target namespaces are ",
                       absl::StrJoin(selection.namespaces, ", "), ", not ",
                       request.namespace_name, ". Add ", request.namespace_name,
                       ":\n");
  } else {
    why = absl::StrCat(" selects feature ", best.feature, ", which grants it ",
                       FeatureScopeText(best, request),
                       ", but binds nothing to ", asker, ". Bind it:\n");
  }
  finding.finding = Verdict::kMissingFeature;
  finding.detail = absl::StrCat(spec.label, why);
  SetFix(examined, exam, change, &finding);
  return finding;
}

// The feature of `bundle_name` needing the smallest change to `selection`:
// one whose scope fits the selection's namespaces before one that needs
// another target namespace (then *needs_namespace is true); nullptr for none.
const FeatureMatch* BestMatch(const std::vector<FeatureMatch>& matches,
                              const std::string& bundle_name,
                              const Selection& selection,
                              const Request& request, bool* needs_namespace) {
  const FeatureMatch* best = nullptr;
  for (const FeatureMatch& match : matches) {
    if (match.bundle_name != bundle_name) continue;
    const bool needs =
        match.scope == RoleScope::kTargetNamespace &&
        std::find(selection.namespaces.begin(), selection.namespaces.end(),
                  request.namespace_name) == selection.namespaces.end();
    if (best == nullptr || (*needs_namespace && !needs)) {
      best = &match;
      *needs_namespace = needs;
    }
  }
  return best;
}

// The rule `compiled` dropped for being outside a namespace-only
// compilation's reach that allows `request`, or nullptr.
const DroppedRule* DroppedRuleAllowing(const CompiledPolicy& compiled,
                                       const Request& request) {
  for (const DroppedRule& dropped : compiled.dropped_rules) {
    const bool in_scope = dropped.scope == RoleScope::kCluster ||
                          dropped.namespace_name == request.namespace_name;
    if (in_scope && RuleAllows(dropped.rule, request)) return &dropped;
  }
  return nullptr;
}

// The compile command for a new selection of `match`'s feature bound to the
// asker.
SelectionFinding NewSelection(const FeatureMatch& match,
                              const ForbiddenMessage& message,
                              const Subject& asker,
                              const CompileCommandSpeller& speller) {
  const Request& request = message.request;
  Selection selection;
  selection.requested_features = {match.feature};
  SelectionOverrides overrides;
  overrides.features = Located<std::vector<std::string>>{
      selection.requested_features, {"--features"}, {}};
  const std::string target_namespace =
      match.scope == RoleScope::kTargetNamespace ? request.namespace_name
      : asker.kind == "ServiceAccount"           ? asker.namespace_name
                                                 : "";
  if (!target_namespace.empty()) {
    selection.namespaces = {target_namespace};
    overrides.namespaces = Located<std::vector<std::string>>{
        selection.namespaces, {"--namespace"}, {}};
  }
  if (asker.kind == "ServiceAccount" &&
      asker.namespace_name == target_namespace) {
    selection.service_account = asker.name;
    overrides.service_account =
        Located<std::string>{asker.name, {"--service_account"}, {}};
  } else {
    selection.extra_subjects = {asker};
    overrides.subjects =
        Located<std::vector<std::string>>{{}, {"--subjects"}, {}};
  }
  SelectionFinding finding;
  finding.selection =
      absl::StrCat(match.bundle_name, ":", match.feature, " (new selection)");
  finding.finding = Verdict::kMissingFeature;
  finding.detail = absl::StrCat(
      "No committed profile of bundle ", match.bundle_name, " binds ",
      SubjectText(asker), ". Compile feature ", match.feature, " for it:\n");
  finding.command =
      speller(match.bundle_argument, "", selection, overrides, std::nullopt);
  finding.check_command = KubectlCanI(request, asker);
  return finding;
}

}  // namespace

std::string FeatureScopeText(const FeatureMatch& match,
                             const Request& request) {
  switch (match.scope) {
    case RoleScope::kCluster:
      return "cluster-wide";
    case RoleScope::kTargetNamespace:
      return absl::StrCat("in the target namespace, when that is ",
                          request.namespace_name);
    case RoleScope::kFixedNamespace:
      return absl::StrCat("in namespace ", request.namespace_name);
  }
  return "";
}

// The user's identity as a binding subject.
Subject UserSubject(const ForbiddenMessage& message) {
  if (!message.service_account_name.empty()) {
    return {"ServiceAccount", message.service_account_name,
            message.service_account_namespace};
  }
  return {"User", message.user_name, ""};
}

// The identity a binding subject stands for; a group through a user in it.
UserInfo SubjectUser(const Subject& subject) {
  if (subject.kind == "ServiceAccount") {
    return ServiceAccountUser(subject.namespace_name, subject.name);
  }
  if (subject.kind == "Group") return UserInfo{"", {subject.name}};
  return UserInfo{subject.name, {"system:authenticated"}};
}

// True when a binding of `objects` applies to `user`.
bool BindsUser(const RbacObjects& objects, const UserInfo& user) {
  return std::any_of(objects.bindings.begin(), objects.bindings.end(),
                     [&](const BindingObject& binding) {
                       return BindingAppliesTo(binding, user);
                     });
}

// What the compiled selection `examined` says about the request.
SelectionFinding ExamineSelection(const ExaminedSelection& examined,
                                  const Examination& exam) {
  const Request& request = exam.message.request;
  const PolicySpec& spec = examined.spec;
  // The kubeconfig context of a profile's context selection.
  const std::string context =
      spec.overrides.contexts && spec.overrides.contexts->value.size() == 1
          ? spec.overrides.contexts->value.front()
          : "";
  const UserInfo user = SubjectUser(exam.asker);
  const RbacObjects& objects = examined.input.objects;
  const CompiledPolicy& compiled = *examined.input.compiled;
  const Selection& selection = compiled.selection;
  const bool bound = BindsUser(objects, user);
  SelectionFinding finding;
  finding.selection = spec.label;
  finding.check_command = KubectlCanI(request, exam.asker, context);

  const RequestExplanation explanation = ExplainRequest(objects, user, request);
  if (explanation.allowed) {
    finding.finding = Verdict::kGranted;
    finding.detail = absl::StrCat(
        spec.label, " already grants it to ", SubjectText(exam.asker), ":\n",
        RenderRequestExplanation(explanation, request),
        "Its outputs are probably not applied to the cluster (or an older "
        "version is). Apply ",
        examined.outputs_file.empty() ? "its rbac.yaml" : examined.outputs_file,
        ", written by:\n");
    finding.command = ChangedCommand(exam.speller, spec, selection, {});
    return finding;
  }

  if (const DroppedRule* dropped = DroppedRuleAllowing(compiled, request)) {
    finding.finding = Verdict::kDroppedByClusterScope;
    finding.detail = absl::StrCat(
        spec.label,
        " leaves it out: it is namespace-only (cluster_scope none), which "
        "drops ",
        dropped->scope == RoleScope::kCluster
            ? "cluster-wide"
            : absl::StrCat("in namespace ", dropped->namespace_name),
        " ", RuleText(dropped->rule), " of feature ", dropped->source.feature,
        " (", dropped->source.location.ToString(),
        "): ", dropped->source.reason, "\n",
        dropped->when_denied.empty()
            ? ""
            : absl::StrCat("Without it: ", dropped->when_denied, "\n"),
        "Granting it needs rights outside the target namespace: have a "
        "cluster admin apply the outputs of:\n");
    SelectionChange change;
    change.cluster_scope_full = true;
    if (!bound) change.add_subjects.push_back(exam.asker);
    SetFix(examined, exam, change, &finding);
    return finding;
  }

  std::vector<Subject> holders;
  for (const Subject& subject : compiled.subjects) {
    if (Authorizer(objects).Allows(SubjectUser(subject), request)) {
      holders.push_back(subject);
    }
  }
  if (!holders.empty()) {
    finding.finding = Verdict::kBoundToAnotherSubject;
    std::vector<std::string> names;
    for (const Subject& subject : holders) {
      names.push_back(SubjectText(subject));
    }
    finding.detail = absl::StrCat(
        spec.label, " grants it to ", absl::StrJoin(names, ", "), ", not to ",
        SubjectText(exam.asker),
        ": the outputs are bound to another subject.\n",
        RenderRequestExplanation(
            ExplainRequest(objects, SubjectUser(holders[0]), request), request),
        "Bind them to ", SubjectText(exam.asker), " as well:\n");
    SelectionChange change;
    change.add_subjects.push_back(exam.asker);
    SetFix(examined, exam, change, &finding);
    finding.check_command = KubectlCanI(request, holders[0], context);
    return finding;
  }

  bool needs_namespace = false;
  const FeatureMatch* best = BestMatch(exam.matches, compiled.bundle_name,
                                       selection, request, &needs_namespace);
  if (best != nullptr) {
    return MissingFeature(examined, exam, *best, needs_namespace, bound,
                          std::move(finding));
  }
  finding.finding = Verdict::kNotGranted;
  finding.detail = absl::StrCat(spec.label, ": no feature of bundle ",
                                compiled.bundle_name, " grants it.\n");
  finding.check_command.clear();
  return finding;
}

// What RBAC YAML read back (`input`, not compiled) says about the request.
SelectionFinding ExamineYaml(const PolicyInput& input,
                             const ForbiddenMessage& message,
                             const Subject& asker) {
  const Request& request = message.request;
  SelectionFinding finding;
  finding.selection = input.label;
  const RequestExplanation explanation =
      ExplainRequest(input.objects, SubjectUser(asker), request);
  if (explanation.allowed) {
    finding.finding = Verdict::kGranted;
    finding.detail = absl::StrCat(
        input.label, " already grants it to ", SubjectText(asker), ":\n",
        RenderRequestExplanation(explanation, request),
        "It is probably not applied to the cluster (or an older version "
        "is): kubectl apply -f ",
        input.label, "\n");
    finding.check_command = KubectlCanI(request, asker);
    return finding;
  }
  std::set<Subject> subjects;
  for (const BindingObject& binding : input.objects.bindings) {
    for (Subject subject : binding.subjects) {
      if (subject.kind == "ServiceAccount" && subject.namespace_name.empty()) {
        subject.namespace_name = binding.metadata.namespace_name;
      }
      subjects.insert(subject);
    }
  }
  for (const Subject& subject : subjects) {
    const RequestExplanation held =
        ExplainRequest(input.objects, SubjectUser(subject), request);
    if (!held.allowed) continue;
    finding.finding = Verdict::kBoundToAnotherSubject;
    finding.detail = absl::StrCat(
        input.label, " grants it to ", SubjectText(subject), ", not to ",
        SubjectText(asker), ": it is bound to another subject.\n",
        RenderRequestExplanation(held, request), "Add ", SubjectText(asker),
        " to the subjects of ", held.granting.front().binding.ToString(),
        ".\n");
    finding.check_command = KubectlCanI(request, subject);
    return finding;
  }
  finding.finding = Verdict::kNotGranted;
  finding.detail = absl::StrCat(input.label, " does not grant it.\n");
  return finding;
}

// Adds a new selection for the first matching feature of each bundle.
void AddNewSelections(const std::vector<FeatureMatch>& matches,
                      const ForbiddenMessage& message, const Subject& asker,
                      const CompileCommandSpeller& speller,
                      std::vector<SelectionFinding>* findings) {
  std::set<std::string> seen;
  for (const FeatureMatch& match : matches) {
    if (seen.insert(match.bundle_name).second) {
      findings->push_back(NewSelection(match, message, asker, speller));
    }
  }
}

}  // namespace rbacc
