#include "compiler/cli/why_forbidden_command.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "compiler/cli/compile_command.h"
#include "compiler/cli/review_input.h"
#include "compiler/cli/selection_flags.h"
#include "compiler/common/authorizer.h"
#include "compiler/common/input_file.h"
#include "compiler/common/issue.h"
#include "compiler/common/json.h"
#include "compiler/common/rbac_objects.h"
#include "compiler/compiler.h"
#include "compiler/load/bundle_loader.h"
#include "compiler/merge/compile.h"
#include "compiler/merge/compiled_policy.h"
#include "compiler/resolve/selection.h"
#include "compiler/review/explain.h"
#include "compiler/review/forbidden_message.h"
#include "compiler/review/grants.h"
#include "compiler/review/policy_input.h"
#include "compiler/review/request_parser.h"

namespace rbacc {
namespace {

namespace fs = std::filesystem;

constexpr char kGranted[] = "granted";
constexpr char kDropped[] = "dropped-by-cluster-scope";
constexpr char kOtherSubject[] = "bound-to-another-subject";
constexpr char kMissingFeature[] = "missing-feature";
constexpr char kNotGranted[] = "not-granted";

// A rule of a feature that allows the request, in the scope it would have.
struct FeatureMatch {
  // The --bundle argument and the bundle's name and digest.
  std::string bundle_argument;
  std::string bundle_name;
  std::string digest;
  std::string feature;
  // kCluster, kTargetNamespace (the request's namespace must be a target
  // namespace) or kFixedNamespace.
  RoleScope scope = RoleScope::kCluster;
  std::string reason;
  std::string location;
  std::string when_denied;
};

// What one selection says about the request.
struct SelectionFinding {
  // "skypilot:full", or "skypilot:show-gpus (new selection)".
  std::string selection;
  // kGranted, kDropped, kOtherSubject, kMissingFeature or kNotGranted.
  std::string finding;
  // Sentences saying why, one per line.
  std::string detail;
  // The compile command that fixes it (for kGranted: that writes the
  // outputs to apply).
  std::string command;
  // The kubectl command that shows the answer on the cluster.
  std::string check_command;
};

// One bundle searched: loaded and validated once.
using SearchedBundle = ValidatedBundle;

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

// "cluster-wide", "in the target namespace" or "in namespace X".
std::string MatchScopeText(const FeatureMatch& match, const Request& request) {
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

// The rules of `rules` (at field `path` of the feature) that allow `request`.
void AddMatches(const google::protobuf::RepeatedPtrField<v1::Rule>& rules,
                const std::string& path, RoleScope scope,
                const SearchedBundle& searched, const LoadedFeature& feature,
                const Request& request, std::vector<FeatureMatch>* matches) {
  for (int i = 0; i < rules.size(); ++i) {
    if (!RuleAllows(ToPolicyRule(rules[i]), request)) continue;
    FeatureMatch match;
    match.bundle_argument = searched.argument;
    match.bundle_name = searched.bundle->proto.name();
    match.digest = searched.bundle->digest;
    match.feature = feature.proto.name();
    match.scope = scope;
    match.reason = rules[i].reason();
    match.location =
        feature.source.Locate(absl::StrCat(path, "[", i, "]")).ToString();
    match.when_denied = rules[i].when_denied();
    matches->push_back(std::move(match));
  }
}

// Every rule of the bundles' features that would allow `request`: cluster
// rules anywhere, target-namespace rules for a namespaced request outside the
// bundle's fixed namespaces, and fixed namespace rules in their namespace. In
// bundle, then feature list order.
std::vector<FeatureMatch> MatchFeatures(
    const std::vector<SearchedBundle>& bundles, const Request& request) {
  std::vector<FeatureMatch> matches;
  for (const SearchedBundle& searched : bundles) {
    for (const std::string& name : searched.bundle->proto.features()) {
      const auto found = searched.bundle->features.find(name);
      if (found == searched.bundle->features.end()) continue;
      const LoadedFeature& feature = found->second;
      const v1::Feature& proto = feature.proto;
      AddMatches(proto.cluster_rules(), "cluster_rules", RoleScope::kCluster,
                 searched, feature, request, &matches);
      // A bundle's fixed namespaces are the application's own, never a
      // target namespace.
      const auto& fixed = searched.bundle->proto.fixed_namespaces();
      const bool fixed_namespace =
          std::any_of(fixed.begin(), fixed.end(),
                      [&](const v1::FixedNamespace& namespace_entry) {
                        return namespace_entry.name() == request.namespace_name;
                      });
      if (!request.namespace_name.empty() && !fixed_namespace) {
        AddMatches(proto.namespace_rules(), "namespace_rules",
                   RoleScope::kTargetNamespace, searched, feature, request,
                   &matches);
      }
      for (int i = 0; i < proto.fixed_namespace_rules_size(); ++i) {
        const v1::FixedNamespaceGrant& grant = proto.fixed_namespace_rules(i);
        if (grant.namespace_() != request.namespace_name) continue;
        AddMatches(
            grant.rules(), absl::StrCat("fixed_namespace_rules[", i, "].rules"),
            RoleScope::kFixedNamespace, searched, feature, request, &matches);
      }
    }
  }
  return matches;
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
std::string ChangedCommand(const PolicySpec& spec, Selection selection,
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
  return RegenerateCommand(spec.bundle, spec.profile, selection, overrides,
                           out_dir);
}

// True when a binding of `objects` applies to `user`.
bool BindsUser(const RbacObjects& objects, const UserInfo& user) {
  return std::any_of(objects.bindings.begin(), objects.bindings.end(),
                     [&](const BindingObject& binding) {
                       return BindingAppliesTo(binding, user);
                     });
}

// Where a committed profile's rbac.yaml is (in the context's folder when
// --contexts names one of the profile's contexts); "" for a selection that
// changes the profile.
std::string OutputsFile(const PolicySpec& spec, const LoadedBundle& bundle) {
  const auto profile = bundle.profiles.find(spec.profile);
  if (spec.profile.empty() || profile == bundle.profiles.end() ||
      spec.overrides.features || spec.overrides.namespaces ||
      spec.overrides.subjects || spec.overrides.service_account ||
      spec.overrides.remote_identity || spec.overrides.cluster_scope ||
      spec.overrides.create_service_account || spec.overrides.chart_release) {
    return "";
  }
  const v1::Profile& proto = profile->second.proto;
  fs::path folder = DefaultOutDir(bundle, spec.profile);
  if (spec.overrides.contexts) {
    const std::vector<std::string>& names = spec.overrides.contexts->value;
    const auto context =
        std::find_if(proto.contexts().begin(), proto.contexts().end(),
                     [&](const v1::ContextIdentity& c) {
                       return names.size() == 1 && c.name() == names.front();
                     });
    if (context == proto.contexts().end()) return "";
    folder /= context->folder().empty() ? context->name() : context->folder();
  }
  return (folder / "rbac.yaml").string();
}

// What `input` (the compiled `spec` of `bundle`) says about the request.
SelectionFinding Examine(const PolicySpec& spec, const PolicyInput& input,
                         const LoadedBundle& bundle,
                         const ForbiddenMessage& message,
                         const std::vector<FeatureMatch>& matches) {
  const Request& request = message.request;
  // The kubeconfig context of a profile's context selection.
  const std::string context =
      spec.overrides.contexts && spec.overrides.contexts->value.size() == 1
          ? spec.overrides.contexts->value.front()
          : "";
  const Subject asker = UserSubject(message);
  const UserInfo user = SubjectUser(asker);
  const CompiledPolicy& compiled = *input.compiled;
  const Selection& selection = compiled.selection;
  const bool bound = BindsUser(input.objects, user);
  SelectionFinding finding;
  finding.selection = spec.label;
  const auto add_asker = [&](SelectionChange* change) {
    if (!bound) change->add_subjects.push_back(asker);
  };

  const RequestExplanation explanation =
      ExplainRequest(input.objects, user, request);
  if (explanation.allowed) {
    finding.finding = kGranted;
    const std::string file = OutputsFile(spec, bundle);
    finding.detail = absl::StrCat(
        spec.label, " already grants it to ", SubjectText(asker), ":\n",
        RenderRequestExplanation(explanation, request),
        "Its outputs are probably not applied to the cluster (or an older "
        "version is). Apply ",
        file.empty() ? "its rbac.yaml" : file, ", written by:\n");
    finding.command = ChangedCommand(spec, selection, {});
    finding.check_command = KubectlCanI(request, asker, context);
    return finding;
  }

  for (const DroppedRule& dropped : compiled.dropped_rules) {
    const bool in_scope = dropped.scope == RoleScope::kCluster ||
                          dropped.namespace_name == request.namespace_name;
    if (!in_scope || !RuleAllows(dropped.rule, request)) continue;
    finding.finding = kDropped;
    finding.detail = absl::StrCat(
        spec.label,
        " leaves it out: it is namespace-only (cluster_scope none), which "
        "drops ",
        dropped.scope == RoleScope::kCluster
            ? "cluster-wide"
            : absl::StrCat("in namespace ", dropped.namespace_name),
        " ", RuleText(dropped.rule), " of feature ", dropped.source.feature,
        " (", dropped.source.location.ToString(), "): ", dropped.source.reason,
        "\n",
        dropped.when_denied.empty()
            ? ""
            : absl::StrCat("Without it: ", dropped.when_denied, "\n"),
        "Granting it needs rights outside the target namespace: have a "
        "cluster admin apply the outputs of:\n");
    SelectionChange change;
    change.cluster_scope_full = true;
    add_asker(&change);
    finding.command = ChangedCommand(spec, selection, change);
    finding.check_command = KubectlCanI(request, asker, context);
    return finding;
  }

  std::vector<Subject> holders;
  for (const Subject& subject : compiled.subjects) {
    if (Authorizer(input.objects).Allows(SubjectUser(subject), request)) {
      holders.push_back(subject);
    }
  }
  if (!holders.empty()) {
    finding.finding = kOtherSubject;
    std::vector<std::string> names;
    for (const Subject& subject : holders)
      names.push_back(SubjectText(subject));
    finding.detail = absl::StrCat(
        spec.label, " grants it to ", absl::StrJoin(names, ", "), ", not to ",
        SubjectText(asker), ": the outputs are bound to another subject.\n",
        RenderRequestExplanation(
            ExplainRequest(input.objects, SubjectUser(holders[0]), request),
            request),
        "Bind them to ", SubjectText(asker), " as well:\n");
    SelectionChange change;
    change.add_subjects.push_back(asker);
    finding.command = ChangedCommand(spec, selection, change);
    finding.check_command = KubectlCanI(request, holders[0], context);
    return finding;
  }

  // The feature needing the smallest change: one whose scope fits the
  // selection's namespaces before one that needs another target namespace.
  const FeatureMatch* best = nullptr;
  bool best_needs_namespace = false;
  for (const FeatureMatch& match : matches) {
    if (match.bundle_name != compiled.bundle_name) continue;
    const bool needs_namespace =
        match.scope == RoleScope::kTargetNamespace &&
        std::find(selection.namespaces.begin(), selection.namespaces.end(),
                  request.namespace_name) == selection.namespaces.end();
    if (best == nullptr || (best_needs_namespace && !needs_namespace)) {
      best = &match;
      best_needs_namespace = needs_namespace;
    }
  }
  if (best != nullptr) {
    const bool selected =
        std::find(selection.features.begin(), selection.features.end(),
                  best->feature) != selection.features.end();
    SelectionChange change;
    if (!selected) change.add_features.push_back(best->feature);
    // A target namespace's Role binds that namespace's account: an account of
    // another target namespace needs outputs of its own for this one.
    const std::vector<Subject> accounts = selection.ServiceAccounts();
    const bool own_account =
        std::find(accounts.begin(), accounts.end(), asker) != accounts.end();
    if (best_needs_namespace && own_account) {
      change.replace_namespaces = {request.namespace_name};
      change.add_subjects.push_back(asker);
      change.out_dir =
          (fs::path("outputs") / compiled.bundle_name /
           absl::StrCat(spec.profile.empty() ? "custom" : spec.profile, "-",
                        request.namespace_name))
              .string();
    } else if (best_needs_namespace) {
      change.add_namespaces.push_back(request.namespace_name);
    }
    change.cluster_scope_full = selection.namespace_only() &&
                                best->scope != RoleScope::kTargetNamespace;
    add_asker(&change);
    std::string why;
    if (!selected) {
      why = absl::StrCat(
          " does not select feature ", best->feature, ", which grants it ",
          MatchScopeText(*best, request),
          bound ? ""
                : absl::StrCat(", and binds nothing to ", SubjectText(asker)),
          ". Compile it in:\n");
    } else if (best_needs_namespace && own_account) {
      why = absl::StrCat(
          " selects feature ", best->feature,
          ", which grants it in the target namespace, but its target "
          "namespaces are ",
          absl::StrJoin(selection.namespaces, ", "), ", not ",
          request.namespace_name,
          ", and a target namespace's Role binds "
          "that namespace's account. Compile outputs for ",
          request.namespace_name, " that bind ", SubjectText(asker), ":\n");
    } else if (best_needs_namespace) {
      why = absl::StrCat(" selects feature ", best->feature,
                         ", which grants it in the target namespace, but its "
                         "target namespaces are ",
                         absl::StrJoin(selection.namespaces, ", "), ", not ",
                         request.namespace_name, ". Add ",
                         request.namespace_name, ":\n");
    } else {
      why = absl::StrCat(" selects feature ", best->feature,
                         ", which grants it ", MatchScopeText(*best, request),
                         ", but binds nothing to ", SubjectText(asker),
                         ". Bind it:\n");
    }
    finding.finding = kMissingFeature;
    finding.detail = absl::StrCat(spec.label, why);
    finding.command = ChangedCommand(spec, selection, change);
    finding.check_command = KubectlCanI(request, asker, context);
    return finding;
  }
  finding.finding = kNotGranted;
  finding.detail = absl::StrCat(spec.label, ": no feature of bundle ",
                                compiled.bundle_name, " grants it.\n");
  return finding;
}

// What RBAC YAML read back (`input`, not compiled) says about the request.
SelectionFinding ExamineYaml(const PolicyInput& input,
                             const ForbiddenMessage& message) {
  const Request& request = message.request;
  const Subject asker = UserSubject(message);
  SelectionFinding finding;
  finding.selection = input.label;
  const RequestExplanation explanation =
      ExplainRequest(input.objects, SubjectUser(asker), request);
  if (explanation.allowed) {
    finding.finding = kGranted;
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
    finding.finding = kOtherSubject;
    finding.detail = absl::StrCat(
        input.label, " grants it to ", SubjectText(subject), ", not to ",
        SubjectText(asker), ": it is bound to another subject.\n",
        RenderRequestExplanation(held, request), "Add ", SubjectText(asker),
        " to the subjects of ", held.granting.front().binding.ToString(),
        ".\n");
    finding.check_command = KubectlCanI(request, subject);
    return finding;
  }
  finding.finding = kNotGranted;
  finding.detail = absl::StrCat(input.label, " does not grant it.\n");
  return finding;
}

// The compile command for a new selection of `match`'s feature bound to the
// asker.
SelectionFinding NewSelection(const FeatureMatch& match,
                              const ForbiddenMessage& message) {
  const Request& request = message.request;
  const Subject asker = UserSubject(message);
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
  finding.finding = kMissingFeature;
  finding.detail = absl::StrCat(
      "No committed profile of bundle ", match.bundle_name, " binds ",
      SubjectText(asker), ". Compile feature ", match.feature, " for it:\n");
  finding.command = RegenerateCommand(match.bundle_argument, "", selection,
                                      overrides, std::nullopt);
  finding.check_command = KubectlCanI(request, asker);
  return finding;
}

// Adds a new selection for the first matching feature of each bundle.
void AddNewSelections(const std::vector<FeatureMatch>& matches,
                      const ForbiddenMessage& message,
                      std::vector<SelectionFinding>* findings) {
  std::set<std::string> seen;
  for (const FeatureMatch& match : matches) {
    if (seen.insert(match.bundle_name).second) {
      findings->push_back(NewSelection(match, message));
    }
  }
}

// A feature name for the request: "get-configmaps", "create-pods-exec",
// "get-healthz".
std::string SuggestedFeatureName(const Request& request) {
  std::string words = absl::StrCat(
      request.verb, "-",
      request.is_resource_request
          ? absl::StrCat(request.resource, "-", request.subresource)
          : request.path);
  std::string name;
  for (const char c : words) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (keep) {
      name.push_back(c);
    } else if (c >= 'A' && c <= 'Z') {
      name.push_back(static_cast<char>(c - 'A' + 'a'));
    } else if (!name.empty() && name.back() != '-') {
      name.push_back('-');
    }
  }
  while (!name.empty() && name.back() == '-') name.pop_back();
  return name.empty() ? "granted-request" : name.substr(0, 63);
}

// A text-format string literal.
std::string Quoted(const std::string& value) {
  return absl::StrCat("\"", absl::CEscape(value), "\"");
}

// The smallest rule that grants the request, as a feature file of `bundle`.
std::string SuggestedFeature(const ForbiddenMessage& message,
                             const LoadedBundle* bundle) {
  const Request& request = message.request;
  const std::string name = SuggestedFeatureName(request);
  bool fixed = false;
  if (bundle != nullptr) {
    for (const v1::FixedNamespace& namespace_entry :
         bundle->proto.fixed_namespaces()) {
      fixed = fixed || namespace_entry.name() == request.namespace_name;
    }
  }
  std::string rule;
  if (request.is_resource_request) {
    absl::StrAppend(
        &rule, "  api_groups: ", Quoted(request.api_group), "\n  resources: ",
        Quoted(request.subresource.empty()
                   ? request.resource
                   : absl::StrCat(request.resource, "/", request.subresource)),
        "\n");
  } else {
    absl::StrAppend(&rule, "  non_resource_urls: ", Quoted(request.path), "\n");
  }
  absl::StrAppend(&rule, "  verbs: ", Quoted(request.verb), "\n");
  if (!request.name.empty()) {
    absl::StrAppend(&rule, "  resource_names: ", Quoted(request.name), "\n");
  }
  absl::StrAppend(
      &rule, "  reason: ",
      Quoted(absl::StrCat("The API server denied ", RequestText(request),
                          " to ", message.user_name,
                          "; say here why the application needs "
                          "it.")),
      "\n");
  std::string body;
  std::string where;
  if (!request.is_resource_request || request.namespace_name.empty()) {
    where = "cluster-wide (a ClusterRole)";
    body = absl::StrCat("cluster_rules {\n", rule, "}\n");
  } else if (fixed) {
    where = absl::StrCat("in the bundle's fixed namespace ",
                         request.namespace_name);
    body =
        absl::StrCat("fixed_namespace_rules {\n  namespace: ",
                     Quoted(request.namespace_name), "\n  rules {\n",
                     absl::StrReplaceAll(rule, {{"  ", "    "}}), "  }\n}\n");
  } else {
    where = absl::StrCat("in the target namespace: compile with --namespace=",
                         request.namespace_name);
    body = absl::StrCat("namespace_rules {\n", rule, "}\n");
  }
  return absl::StrCat(
      "# proto-file: proto/rbacc/v1/policy.proto\n"
      "# proto-message: rbacc.v1.Feature\n#\n"
      "# The smallest rule that grants ",
      RequestText(request), ", ", where, ".\n# Save it as policies/",
      bundle == nullptr ? "<bundle>" : bundle->proto.name(), "/", name,
      ".textproto, list it in bundle.textproto (features: ", Quoted(name),
      ") and select it.\n\nname: ", Quoted(name),
      "\nsummary: ", Quoted(absl::StrCat("Allow ", RequestText(request), ".")),
      "\n\n", body);
}

// The verdict of all findings, most useful first.
std::string Verdict(const std::vector<SelectionFinding>& findings,
                    const std::vector<FeatureMatch>& matches) {
  for (const char* verdict : {kGranted, kDropped, kOtherSubject}) {
    for (const SelectionFinding& finding : findings) {
      if (finding.finding == verdict) return verdict;
    }
  }
  return matches.empty() ? kNotGranted : kMissingFeature;
}

std::string VerdictText(const std::string& verdict,
                        const std::vector<SearchedBundle>& bundles) {
  if (verdict == kGranted) {
    return "the policy already grants this: its outputs are probably not "
           "applied to the cluster.";
  }
  if (verdict == kDropped) {
    return "a namespace-only compilation (cluster_scope none) leaves this "
           "out: it needs rights outside the target namespace.";
  }
  if (verdict == kOtherSubject) {
    return "the policy grants this to another subject.";
  }
  if (verdict == kMissingFeature) {
    return "a feature grants this; compile it in.";
  }
  std::vector<std::string> names;
  for (const SearchedBundle& searched : bundles) {
    names.push_back(searched.bundle->proto.name());
  }
  return absl::StrCat("no feature of bundle", names.size() == 1 ? " " : "s ",
                      absl::StrJoin(names, ", "),
                      " grants this; the smallest rule that would is below.");
}

std::string JsonOrNull(const std::string& value) {
  return value.empty() ? "null" : JsonString(value);
}

std::string RenderJson(const ForbiddenMessage& message,
                       const std::string& verdict,
                       const std::vector<FeatureMatch>& matches,
                       const std::vector<SelectionFinding>& findings,
                       const std::string& suggested_rule) {
  const Request& request = message.request;
  std::string out = absl::StrCat(
      "{\n  \"request\": {\"verb\": ", JsonString(request.verb),
      ", \"api_group\": ", JsonString(request.api_group),
      ", \"resource\": ", JsonString(request.resource),
      ", \"subresource\": ", JsonString(request.subresource),
      ", \"name\": ", JsonString(request.name),
      ", \"namespace\": ", JsonString(request.namespace_name),
      ", \"path\": ", JsonString(request.path),
      ", \"non_resource\": ", request.is_resource_request ? "false" : "true",
      "},\n  \"user\": ", JsonString(message.user_name),
      ",\n  \"service_account\": ",
      message.service_account_name.empty()
          ? "null"
          : absl::StrCat(
                "{\"namespace\": ",
                JsonString(message.service_account_namespace),
                ", \"name\": ", JsonString(message.service_account_name), "}"),
      ",\n  \"found_in\": ", JsonString(message.found_in),
      ",\n  \"authorizer_reason\": ", JsonString(message.authorizer_reason),
      ",\n  \"verdict\": ", JsonString(verdict), ",\n  \"features\": [");
  for (size_t i = 0; i < matches.size(); ++i) {
    const FeatureMatch& match = matches[i];
    absl::StrAppend(&out, i == 0 ? "\n" : ",\n",
                    "    {\"bundle\": ", JsonString(match.bundle_name),
                    ", \"digest\": ", JsonString(match.digest),
                    ", \"feature\": ", JsonString(match.feature),
                    ", \"scope\": ", JsonString(MatchScopeText(match, request)),
                    ", \"reason\": ", JsonString(match.reason),
                    ", \"location\": ", JsonString(match.location),
                    ", \"when_denied\": ", JsonString(match.when_denied), "}");
  }
  absl::StrAppend(&out, matches.empty() ? "]" : "\n  ]",
                  ",\n  \"selections\": [");
  for (size_t i = 0; i < findings.size(); ++i) {
    const SelectionFinding& finding = findings[i];
    absl::StrAppend(&out, i == 0 ? "\n" : ",\n",
                    "    {\"selection\": ", JsonString(finding.selection),
                    ", \"finding\": ", JsonString(finding.finding),
                    ", \"detail\": ", JsonString(finding.detail),
                    ", \"command\": ", JsonOrNull(finding.command),
                    ", \"check_command\": ", JsonOrNull(finding.check_command),
                    "}");
  }
  absl::StrAppend(&out, findings.empty() ? "]" : "\n  ]",
                  ",\n  \"suggested_rule\": ", JsonOrNull(suggested_rule),
                  "\n}\n");
  return out;
}

std::string RenderText(const ForbiddenMessage& message,
                       const std::string& verdict,
                       const std::vector<SearchedBundle>& bundles,
                       const std::vector<FeatureMatch>& matches,
                       const std::vector<SelectionFinding>& findings,
                       const std::string& suggested_rule) {
  const Request& request = message.request;
  std::string out =
      absl::StrCat("Forbidden: ", RequestText(request), ", asked by ",
                   SubjectText(UserSubject(message)), " (read from the ",
                   message.found_in, ")\n");
  if (!message.authorizer_reason.empty()) {
    absl::StrAppend(&out, "The API server added: ", message.authorizer_reason,
                    "\n");
    if (absl::StartsWith(message.authorizer_reason, "RBAC: ") &&
        absl::StrContains(message.authorizer_reason, " not found")) {
      absl::StrAppend(&out,
                      "  (a binding names a role that does not exist: apply "
                      "the roles of rbac.yaml too, not only its bindings)\n");
    }
  }
  absl::StrAppend(&out, "Answer: ", VerdictText(verdict, bundles), "\n");
  if (!matches.empty()) {
    absl::StrAppend(&out, "\nFeatures that grant it:\n");
    for (const FeatureMatch& match : matches) {
      absl::StrAppend(&out, "  ", match.bundle_name, "@", match.digest, " ",
                      match.feature, " (", MatchScopeText(match, request),
                      "): ", match.reason, " (", match.location, ")\n");
      if (!match.when_denied.empty()) {
        absl::StrAppend(&out, "    Without it: ", match.when_denied, "\n");
      }
    }
  }
  for (const SelectionFinding& finding : findings) {
    absl::StrAppend(&out, "\n", finding.detail);
    if (!finding.command.empty()) {
      absl::StrAppend(&out, "  ", finding.command, "\n");
    }
    if (!finding.check_command.empty()) {
      absl::StrAppend(&out, "Check on the cluster:\n  ", finding.check_command,
                      "\n");
    }
  }
  if (!suggested_rule.empty()) absl::StrAppend(&out, "\n", suggested_rule);
  return out;
}

}  // namespace

int RunWhyForbidden(const WhyForbiddenOptions& options, std::ostream& out,
                    std::ostream& err) {
  const absl::StatusOr<ForbiddenMessage> parsed =
      ParseForbiddenMessage(options.input);
  if (!parsed.ok()) {
    err << "rbacc why-forbidden: " << parsed.status().message() << "\n";
    return kExitError;
  }
  const ForbiddenMessage& message = *parsed;
  const bool given = !options.profile.empty() || options.overrides.features;

  std::vector<std::string> arguments;
  if (!options.bundle.empty()) {
    arguments.push_back(options.bundle);
  } else if (given) {
    arguments.push_back(kDefaultBundle);
  } else {
    arguments = ListBundles(options.workspace_root);
  }
  if (arguments.empty()) {
    err << "rbacc why-forbidden: no bundles under "
        << (fs::path(options.workspace_root) / kPoliciesFolder).string()
        << "; name one with --bundle\n";
    return kExitError;
  }
  // Each bundle is loaded and validated once, then compiled for each
  // selection examined.
  std::vector<SearchedBundle> bundles;
  std::map<std::string, std::string> file_texts;
  IssueList issues;
  for (const std::string& argument : arguments) {
    absl::StatusOr<ValidatedBundle> bundle = LoadValidatedBundle(
        options.workspace_root, argument, &issues, &file_texts);
    if (!bundle.ok()) {
      err << bundle.status().message() << "\n";
      return kExitError;
    }
    bundles.push_back(*std::move(bundle));
  }
  if (issues.has_errors()) {
    err << issues.Render(file_texts);
    return kExitError;
  }
  const std::vector<FeatureMatch> matches =
      MatchFeatures(bundles, message.request);

  std::vector<SelectionFinding> findings;
  std::vector<SelectionFinding> other_findings;
  if (!options.rbac.empty()) {
    PolicyInput input;
    if (!LoadReviewInput(SelectionSpec(options.rbac, "", "", {}),
                         options.workspace_root, err, &input)) {
      return kExitError;
    }
    findings.push_back(ExamineYaml(input, message));
    if (findings.back().finding == kNotGranted) {
      AddNewSelections(matches, message, &findings);
    }
  }
  for (const SearchedBundle& searched : bundles) {
    if (!options.rbac.empty()) break;
    std::vector<PolicySpec> specs;
    if (given) {
      specs.push_back(SelectionSpec("", searched.argument, options.profile,
                                    options.overrides));
    } else {
      for (const auto& entry : searched.bundle->profiles) {
        const std::string label =
            absl::StrCat(searched.bundle->proto.name(), ":", entry.first);
        if (entry.second.proto.contexts().empty()) {
          PolicySpec spec =
              SelectionSpec("", searched.argument, entry.first, {});
          spec.label = label;
          specs.push_back(std::move(spec));
          continue;
        }
        // Each context is a cluster of its own: look at each.
        for (const v1::ContextIdentity& context :
             entry.second.proto.contexts()) {
          SelectionOverrides overrides;
          overrides.contexts = Located<std::vector<std::string>>{
              {context.name()}, {"--contexts"}, {}};
          PolicySpec spec =
              SelectionSpec("", searched.argument, entry.first, overrides);
          spec.label = absl::StrCat(label, " context ", context.name());
          specs.push_back(std::move(spec));
        }
      }
    }
    for (const PolicySpec& spec : specs) {
      const PolicyInput input = CompileForReview(searched, spec, &issues);
      if (issues.has_errors()) {
        err << issues.Render(file_texts);
        return kExitError;
      }
      SelectionFinding finding =
          Examine(spec, input, *searched.bundle, message, matches);
      const bool bound =
          BindsUser(input.objects, SubjectUser(UserSubject(message)));
      // Without a given selection, only the profiles bound to the asker
      // speak for it; the others matter when they grant it to someone.
      if (given || bound) {
        findings.push_back(std::move(finding));
      } else if (finding.finding != kMissingFeature &&
                 finding.finding != kNotGranted) {
        other_findings.push_back(std::move(finding));
      }
    }
  }
  if (!given && options.rbac.empty() && findings.empty()) {
    findings = std::move(other_findings);
    if (findings.empty()) AddNewSelections(matches, message, &findings);
  }
  if (!issues.issues().empty()) err << issues.Render(file_texts);
  const std::string verdict = Verdict(findings, matches);
  // The smallest rule is for the bundle searched first.
  const std::string suggested_rule =
      verdict == kNotGranted
          ? SuggestedFeature(message, bundles.front().bundle.get())
          : "";
  out << (options.format == WhyForbiddenFormat::kJson
              ? RenderJson(message, verdict, matches, findings, suggested_rule)
              : RenderText(message, verdict, bundles, matches, findings,
                           suggested_rule));
  return kExitOk;
}

namespace {

// --format's values.
const EnumValues<WhyForbiddenFormat>& WhyForbiddenFormats() {
  static const auto* const kFormats = new EnumValues<WhyForbiddenFormat>{
      {"text", WhyForbiddenFormat::kText}, {"json", WhyForbiddenFormat::kJson}};
  return *kFormats;
}

}  // namespace

WhyForbiddenCommand::WhyForbiddenCommand()
    : Command({"why-forbidden",
               "what grants a Forbidden message's request",
               "why-forbidden [MESSAGE | -] [flags]",
               "MESSAGE is a Kubernetes 403 Forbidden message, a JSON Status "
               "body or a log line holding one; without it (or with -) it is "
               "read from standard input.\n\nExit codes: 0 answered; 2 no "
               "Forbidden message in the input, or invalid input or flags.",
               {"bazel run //compiler -- why-forbidden --profile=minimal < "
                "log.txt",
                "bazel run //compiler -- why-forbidden --format=json "
                "'pods is forbidden: User \"x\" cannot list resource "
                "\"pods\" ...'"}}) {}

void WhyForbiddenCommand::DeclareFlags(FlagSet* flags) const {
  flags->AddString("rbac", "FILE_OR_FOLDER",
                   "Read this RBAC YAML file or output folder instead of "
                   "compiling a selection.");
  AddSelectionFlags(TargetNamespaceFlag::kNamespace, flags);
  flags->AddEnum("format", WhyForbiddenFormats(), "text",
                 "text or json (one object).");
}

int WhyForbiddenCommand::Execute(const Invocation& call) const {
  WhyForbiddenOptions options;
  options.workspace_root = call.env.workspace_root;
  options.bundle = call.flags.String("bundle");
  options.profile = call.flags.String("profile");
  options.overrides =
      SelectionOverridesFromFlags(call.flags, TargetNamespaceFlag::kNamespace);
  options.rbac = call.flags.String("rbac");
  options.format = call.flags.Enum("format", WhyForbiddenFormats());
  const std::vector<std::string>& message = call.positional;
  if (message.empty() || (message.size() == 1 && message[0] == "-")) {
    if (call.env.in != nullptr) {
      absl::StatusOr<std::string> input =
          ReadInputStream(*call.env.in, "standard input", kMessageInputLimit);
      if (!input.ok()) {
        call.err << "rbacc why-forbidden: " << input.status().message() << "\n";
        return kExitError;
      }
      options.input = *std::move(input);
    }
  } else {
    options.input = absl::StrJoin(message, " ");
  }
  return RunWhyForbidden(options, call.out, call.err);
}

}  // namespace rbacc
