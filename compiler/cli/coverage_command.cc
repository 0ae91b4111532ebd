#include "compiler/cli/coverage_command.h"

#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "compiler/cli/compile_command.h"
#include "compiler/cli/review_input.h"
#include "compiler/cli/selection_flags.h"
#include "compiler/common/authorizer.h"
#include "compiler/common/issue.h"
#include "compiler/compiler.h"
#include "compiler/load/bundle_loader.h"
#include "compiler/review/policy_input.h"

namespace rbacc {
namespace {

// Sets each field of `into` that `from` sets.
void ApplyOverrides(const SelectionOverrides& from, SelectionOverrides* into) {
  const auto apply = [](const auto& source, auto& target) {
    if (source.has_value()) target = source;
  };
  apply(from.features, into->features);
  apply(from.namespaces, into->namespaces);
  apply(from.service_account, into->service_account);
  apply(from.remote_identity, into->remote_identity);
  apply(from.subjects, into->subjects);
  apply(from.create_service_account, into->create_service_account);
  apply(from.cluster_scope, into->cluster_scope);
  apply(from.contexts, into->contexts);
  apply(from.chart_release, into->chart_release);
}

// What LoadCallsBundle found.
enum class CallsBundle { kLoaded, kNoCalls, kFailed };

// The bundle `argument` names, loaded and validated (the facade's
// LoadValidatedBundle), into `bundle`. Prints the issues on `err`. Returns
// kFailed when it cannot be used, kNoCalls when it records no calls.
CallsBundle LoadCallsBundle(const std::string& workspace_root,
                            const std::string& argument, std::ostream& err,
                            ValidatedBundle* bundle) {
  IssueList issues;
  std::map<std::string, std::string> file_texts;
  absl::StatusOr<ValidatedBundle> loaded =
      LoadValidatedBundle(workspace_root, argument, &issues, &file_texts);
  if (!loaded.ok()) {
    err << "rbacc coverage: " << loaded.status().message() << "\n";
    return CallsBundle::kFailed;
  }
  if (!issues.issues().empty()) err << issues.Render(file_texts);
  if (issues.has_errors()) return CallsBundle::kFailed;
  if (!loaded->bundle->calls.has_value()) return CallsBundle::kNoCalls;
  *bundle = *std::move(loaded);
  return CallsBundle::kLoaded;
}

// The identity a binding subject stands for.
CoverageIdentity SubjectIdentity(const Subject& subject) {
  if (subject.kind == "ServiceAccount") {
    return {absl::StrCat("ServiceAccount:", subject.namespace_name, "/",
                         subject.name),
            ServiceAccountUser(subject.namespace_name, subject.name)};
  }
  if (subject.kind == "Group") {
    return {absl::StrCat("Group:", subject.name),
            UserInfo{absl::StrCat("a member of ", subject.name),
                     {subject.name, "system:authenticated"}}};
  }
  return {absl::StrCat("User:", subject.name),
          UserInfo{subject.name, {"system:authenticated"}}};
}

// The coverage target for a compiled selection.
CoverageTarget SelectionTarget(const PolicyInput& input) {
  const Selection& selection = input.compiled->selection;
  CoverageTarget target;
  target.label = input.label;
  target.objects = input.objects;
  target.features = selection.features;
  target.namespaces = selection.namespaces;
  std::string pod_account = selection.service_account;
  if (selection.identity_mode.has_value()) {
    target.identity_mode = selection.identity_mode->name();
    if (pod_account.empty()) {
      pod_account = selection.identity_mode->service_account();
    }
  }
  for (const Subject& subject : selection.extra_subjects) {
    target.launchers.push_back(SubjectIdentity(subject));
  }
  if (!pod_account.empty()) {
    // Each target namespace binds its own account.
    for (const std::string& namespace_name : selection.namespaces) {
      CoverageIdentity pods =
          SubjectIdentity({"ServiceAccount", pod_account, namespace_name});
      if (selection.namespaces.size() > 1) {
        pods.target_namespace = namespace_name;
      }
      target.pods.push_back(std::move(pods));
    }
  } else {
    target.pods = target.launchers;
    target.notes.push_back(
        "the mode runs pods under no account of its own: the subjects make "
        "the pods' calls");
  }
  if (target.launchers.empty()) {
    target.launchers = target.pods;
    target.notes.push_back(absl::StrCat(
        "no --subjects: the launcher is evaluated as ", target.pods[0].label,
        target.pods.size() > 1 ? " (and each target namespace's account there)"
                               : "",
        " (a launcher holding the same roles)"));
  }
  if (selection.bootstraps() && selection.bootstrap != v1::BOOTSTRAP_GRANT) {
    target.bootstrap_objects_precreated = true;
    target.notes.push_back(
        "rbac.yaml pre-creates the objects the application's bootstrap "
        "creates or patches, exactly as its template writes them: the "
        "bootstrap's create and patch calls are not made (--bootstrap=grant "
        "evaluates them)");
  }
  return target;
}

// The identities RBAC YAML is evaluated as: the subjects --subjects names,
// else its first ServiceAccount object, else the one ServiceAccount its
// bindings name (a cluster dump as kubectl prints it holds bindings, not
// ServiceAccount objects). Sets `target_namespace` to the first account's
// namespace (else DefaultRequestNamespace). Prints why on `err` and returns
// false when the subjects do not parse or no single account can be chosen.
bool YamlIdentities(const PolicyInput& input,
                    const SelectionOverrides& overrides, std::ostream& err,
                    std::vector<CoverageIdentity>* identities,
                    std::string* target_namespace) {
  *target_namespace = DefaultRequestNamespace(input);
  if (overrides.subjects.has_value()) {
    IssueList issues;
    for (const std::string& text : overrides.subjects->value) {
      Subject subject;
      if (ParseSubject(text, overrides.subjects->location, &subject, &issues)) {
        if (identities->empty() && subject.kind == "ServiceAccount") {
          *target_namespace = subject.namespace_name;
        }
        identities->push_back(SubjectIdentity(subject));
      }
    }
    err << issues.Render();
    return !issues.has_errors() && !identities->empty();
  }
  if (!input.objects.service_accounts.empty()) {
    const ObjectMeta& account = input.objects.service_accounts.front();
    identities->push_back(SubjectIdentity(
        {"ServiceAccount", account.name, account.namespace_name}));
    return true;
  }
  std::vector<std::string> bound;
  for (const Subject& subject : BoundSubjects(input.objects)) {
    if (subject.kind != "ServiceAccount") continue;
    if (bound.empty()) {
      identities->push_back(SubjectIdentity(subject));
      *target_namespace = subject.namespace_name;
    }
    bound.push_back(absl::StrCat(subject.namespace_name, "/", subject.name));
  }
  if (bound.size() == 1) return true;
  identities->clear();
  err << "rbacc coverage: " << input.label
      << (bound.empty()
              ? " has no ServiceAccount whose calls to evaluate"
              : absl::StrCat(" binds ", bound.size(), " service accounts (",
                             absl::StrJoin(bound, ", "),
                             "): which makes the calls is ambiguous"))
      << "; name the application's identity with "
         "--subjects=ServiceAccount:NAMESPACE/NAME (or User:NAME)\n";
  return false;
}

// The coverage target for RBAC YAML: every call, as YamlIdentities' subjects.
bool YamlTarget(const PolicyInput& input, const SelectionOverrides& overrides,
                std::ostream& err, CoverageTarget* target) {
  std::vector<CoverageIdentity> identities;
  std::string target_namespace;
  if (!YamlIdentities(input, overrides, err, &identities, &target_namespace)) {
    return false;
  }
  std::vector<std::string> labels;
  for (const CoverageIdentity& identity : identities) {
    labels.push_back(identity.label);
  }
  target->label = input.label;
  target->objects = input.objects;
  target->namespaces = {target_namespace};
  target->pods = identities;
  target->launchers = std::move(identities);
  target->notes = {absl::StrCat(
      "RBAC YAML names no features: every recorded call is evaluated, as ",
      absl::StrJoin(labels, ", "), " (launcher and pods)")};
  return true;
}

// The specs to evaluate: the target, or every profile of `bundle`.
bool TargetSpecs(const CoverageOptions& options, const LoadedBundle& bundle,
                 const std::string& bundle_argument, std::ostream& err,
                 std::vector<PolicySpec>* specs) {
  if (!options.target.empty()) {
    absl::StatusOr<PolicySpec> spec =
        ParsePolicyReference(options.target, options.workspace_root);
    if (!spec.ok()) {
      err << "rbacc coverage: " << spec.status().message() << "\n";
      return false;
    }
    specs->push_back(*std::move(spec));
  } else {
    for (const auto& [name, profile] : bundle.profiles) {
      PolicySpec spec;
      spec.bundle = bundle_argument;
      spec.profile = name;
      spec.label = absl::StrCat(bundle_argument, ":", name);
      specs->push_back(std::move(spec));
    }
  }
  for (PolicySpec& spec : *specs)
    ApplyOverrides(options.overrides, &spec.overrides);
  return true;
}

}  // namespace

int RunCoverage(const CoverageOptions& options, std::ostream& out,
                std::ostream& err) {
  // Which bundle's calls: --calls, else the target's bundle when it records
  // calls, else the default.
  std::string calls_argument = options.calls_bundle;
  bool from_target = false;
  if (calls_argument.empty() && !options.target.empty()) {
    absl::StatusOr<PolicySpec> spec =
        ParsePolicyReference(options.target, options.workspace_root);
    if (spec.ok() && spec->yaml_path.empty()) {
      calls_argument = spec->bundle;
      from_target = calls_argument != kDefaultBundle;
    }
  }
  if (calls_argument.empty()) calls_argument = kDefaultBundle;
  ValidatedBundle calls;
  CallsBundle found =
      LoadCallsBundle(options.workspace_root, calls_argument, err, &calls);
  if (found == CallsBundle::kNoCalls && from_target) {
    err << "rbacc coverage: bundle " << calls_argument
        << " records no calls; evaluating the calls of bundle "
        << kDefaultBundle << " (--calls=BUNDLE names another)\n";
    calls_argument = kDefaultBundle;
    found =
        LoadCallsBundle(options.workspace_root, calls_argument, err, &calls);
  }
  if (found == CallsBundle::kNoCalls) {
    err << "rbacc coverage: bundle " << calls_argument
        << " records no calls (bundle.textproto names no calls_file); name "
           "a bundle that does with --calls=BUNDLE\n";
  }
  if (found != CallsBundle::kLoaded) return kExitError;
  std::vector<PolicySpec> specs;
  if (!TargetSpecs(options, *calls.bundle, calls_argument, err, &specs)) {
    return kExitError;
  }
  bool fails = false;
  // Several JSON reports make one array.
  const bool json_array =
      options.format == CoverageFormat::kJson && specs.size() > 1;
  std::string text = json_array ? "[\n" : "";
  for (size_t i = 0; i < specs.size(); ++i) {
    PolicyInput input;
    if (!LoadReviewInput(specs[i], options.workspace_root, err, &input)) {
      return kExitError;
    }
    CoverageTarget target;
    if (input.compiled.has_value()) {
      target = SelectionTarget(input);
    } else if (!YamlTarget(input, options.overrides, err, &target)) {
      return kExitError;
    }
    const CoverageReport report =
        EvaluateCoverage(calls.bundle->calls->proto, target);
    if (i > 0) absl::StrAppend(&text, json_array ? ",\n" : "\n");
    absl::StrAppend(&text, RenderCoverage(report, options.format));
    fails = fails || report.fails();
  }
  if (json_array) absl::StrAppend(&text, "]\n");
  out << text;
  return fails ? kExitStale : kExitOk;
}

namespace {

const EnumValues<CoverageFormat>& CoverageFormats() {
  static const auto* const kFormats =
      new EnumValues<CoverageFormat>{{"text", CoverageFormat::kText},
                                     {"json", CoverageFormat::kJson},
                                     {"markdown", CoverageFormat::kMarkdown}};
  return *kFormats;
}

}  // namespace

CoverageCommand::CoverageCommand()
    : Command({"coverage",
               "the application's recorded calls evaluated against a policy",
               "coverage [TARGET] [flags]",
               "Evaluates every recorded call (the bundle's calls file) of "
               "TARGET's features against what TARGET grants the identity "
               "making it: the launcher (--subjects, else the service "
               "account) or the pods' account. TARGET is as for diff (a "
               "profile, features, BUNDLE:PROFILE, an rbac.yaml, an output "
               "folder or a cluster dump; RBAC YAML is evaluated as "
               "--subjects, else its ServiceAccount, else the one "
               "ServiceAccount its bindings name); none: every profile of the "
               "calls bundle.\n\nExit "
               "codes: 0 every call the application does not tolerate a 403 "
               "on is allowed; 1 one is denied; 2 invalid input or flags.",
               {"bazel run //compiler -- coverage skypilot:full",
                "bazel run //compiler -- coverage skypilot-docs:full "
                "--calls=skypilot --format=markdown"}}) {}

void CoverageCommand::DeclareFlags(FlagSet* flags) const {
  AddSelectionFlags(TargetNamespaceFlag::kNamespace, flags);
  flags->AddString("calls", "BUNDLE",
                   "The bundle whose recorded calls are evaluated. Default: "
                   "the target's bundle when it records calls, else skypilot.");
  flags->AddEnum("format", CoverageFormats(), "text",
                 "text, json or markdown (for a pull request).");
}

int CoverageCommand::Execute(const Invocation& call) const {
  if (call.positional.size() > 1) {
    call.err << "rbacc coverage: takes at most one policy: rbacc coverage "
                "[TARGET]; see rbacc coverage --help\n";
    return kExitUsage;
  }
  for (const char* flag : {"bundle", "profile", "features"}) {
    if (call.flags.Given(flag)) {
      call.err << "rbacc coverage: --" << flag
               << " is not taken here; name the target as an argument "
                  "(BUNDLE:PROFILE or BUNDLE:F1,F2); see rbacc coverage "
                  "--help\n";
      return kExitUsage;
    }
  }
  CoverageOptions options;
  options.workspace_root = call.env.workspace_root;
  if (!call.positional.empty()) options.target = call.positional[0];
  options.calls_bundle = call.flags.String("calls");
  options.overrides =
      SelectionOverridesFromFlags(call.flags, TargetNamespaceFlag::kNamespace);
  options.format = call.flags.Enum("format", CoverageFormats());
  return RunCoverage(options, call.out, call.err);
}

}  // namespace rbacc
