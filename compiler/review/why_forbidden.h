// Why the API server denied a request (a Kubernetes "403 Forbidden" message,
// parsed by forbidden_message.h), and what to do about it: which features of
// which bundles grant the request, whether a selection already grants it (then
// its outputs are probably not applied, or bound to another subject), whether
// a namespace-only compilation left it out, or, when nothing grants it, the
// smallest rule that would.
//
// Diagnose looks only at what it is given: the caller loads the bundles and
// compiles the selections to examine (compiler/compiler.h), then renders the
// Report.
//
//   absl::StatusOr<Report> report = Diagnose(message, input);
//   if (report.ok() && report->verdict == Verdict::kNotGranted) ...
#ifndef RBACC_COMPILER_REVIEW_WHY_FORBIDDEN_H_
#define RBACC_COMPILER_REVIEW_WHY_FORBIDDEN_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "compiler/catalog/catalog.h"
#include "compiler/common/authorizer.h"
#include "compiler/common/rbac_objects.h"
#include "compiler/load/bundle_loader.h"
#include "compiler/resolve/selection.h"
#include "compiler/review/forbidden_message.h"
#include "compiler/review/policy_input.h"
#include "proto/rbacc/v1/calls.pb.h"
#include "proto/rbacc/v1/policy.pb.h"

namespace rbacc {

// The answer, most useful first.
enum class Verdict {
  // A selection examined already grants the request to the asker.
  kGranted,
  // A namespace-only compilation (cluster_scope none) dropped the rule.
  kDroppedByClusterScope,
  // A selection grants it, but to another subject.
  kBoundToAnotherSubject,
  // A feature grants it; the selection does not compile it in (or not for
  // the asker, or not in the request's namespace).
  kMissingFeature,
  // No feature of the bundles searched grants it.
  kNotGranted,
};

// Returns the verdict's name in JSON answers: "granted",
// "dropped-by-cluster-scope", "bound-to-another-subject", "missing-feature"
// or "not-granted".
absl::string_view VerdictName(Verdict verdict);

// A bundle searched for features granting the request.
struct SearchedBundle {
  // The bundle as the user named it (a name under policies/ or a path).
  std::string argument;
  // The bundle, loaded and validated without errors.
  std::shared_ptr<const LoadedBundle> bundle;
  // Its resource catalogue (the built-in one with the bundle's custom
  // resources), for the suggested rule; nullptr: the rule is not checked.
  std::shared_ptr<const ResourceCatalog> catalog;
};

// A rule of a feature that allows the request, in the scope it would have.
struct FeatureMatch {
  // SearchedBundle::argument of the bundle declaring it.
  std::string bundle_argument;
  // The bundle's name and LoadedBundle::digest.
  std::string bundle_name;
  std::string digest;
  // The feature's name.
  std::string feature;
  // kCluster, kTargetNamespace (the request's namespace must be a target
  // namespace) or kFixedNamespace.
  RoleScope scope = RoleScope::kCluster;
  // The rule's reason, "file:line:col" and when_denied.
  std::string reason;
  std::string location;
  std::string when_denied;
};

// A recorded call of the application (the bundle's calls file) that makes
// the denied request: what the application was doing when it was denied.
struct CallMatch {
  // The application's name (Application.name, e.g. "SkyPilot").
  std::string application;
  // The call as recorded.
  v1::ApiCall call;
};

// A change to a committed profile that makes it grant the request: edit the
// profile's file, then compile it again (SelectionFinding::command).
struct ProfileEdit {
  // The profile file, as shown to the user
  // ("policies/skypilot/profiles/minimal.textproto").
  std::string file;
  // The edits, one each: `add "ingress" to features`, `add
  // "User:alice" to subjects`, `set cluster_scope: CLUSTER_SCOPE_FULL`, `set
  // namespaces: ["default", "ml"] in place of namespace`.
  std::vector<std::string> edits;
};

// Returns where `match` grants `request`: "cluster-wide", "in the target
// namespace, when that is NS" or "in namespace NS". Never fails.
std::string FeatureScopeText(const FeatureMatch& match, const Request& request);

// What one selection (or the RBAC YAML given instead) says about the request.
struct SelectionFinding {
  // "skypilot:full", "skypilot:show-gpus (new selection)" or the YAML's label.
  std::string selection;
  // What this selection alone says.
  Verdict finding = Verdict::kNotGranted;
  // Sentences saying why, each ending in a newline.
  std::string detail;
  // For a committed profile to change: the edit to its file; `command` then
  // compiles the profile again. Unset: `command` compiles the change.
  std::optional<ProfileEdit> profile_edit;
  // The compile command that fixes it (for kGranted: that writes the outputs
  // to apply); "" when there is none.
  std::string command;
  // The kubectl command that shows the answer on the cluster; "" when none.
  std::string check_command;
};

// The smallest rule that grants the request, as a new feature of a bundle.
struct SuggestedFix {
  // The feature: its name, summary and the one rule (in cluster_rules,
  // namespace_rules or fixed_namespace_rules).
  v1::Feature feature;
  // Where the rule grants the request, in words: "cluster-wide (a
  // ClusterRole)", "in the bundle's fixed namespace skypilot-system", "in the
  // target namespace: compile with --namespace=ml".
  std::string where;
  // The bundle it is for ("<bundle>" when none was searched).
  std::string bundle_name;
  // For a resource the bundle's catalogue does not know (a CRD's): the
  // custom resource to declare in bundle.textproto, without which the rule
  // fails validation.
  std::optional<v1::CustomResource> custom_resource;
  // For custom_resource: the text to add to bundle.textproto, with a comment
  // saying so, printed by protobuf's TextFormat::Printer; "" otherwise.
  std::string bundle_text;
  // The feature file to save, with a header saying where and how: the
  // feature printed by protobuf's TextFormat::Printer.
  std::string file_text;
};

// The answer to one Forbidden message.
struct Report {
  // The message: the request and who asked.
  ForbiddenMessage message;
  // The asker as a binding subject (a ServiceAccount or a User).
  Subject subject;
  // The most useful finding.
  Verdict verdict = Verdict::kNotGranted;
  // The names of the bundles searched, in search order.
  std::vector<std::string> bundle_names;
  // Every rule of the bundles' features that allows the request.
  std::vector<FeatureMatch> features;
  // The recorded calls of the bundles' applications that make the request,
  // in bundle, then record order.
  std::vector<CallMatch> calls;
  // What each selection examined says (only those that speak for the asker).
  std::vector<SelectionFinding> selections;
  // For kNotGranted: the smallest rule that would grant it.
  std::optional<SuggestedFix> suggested_fix;
};

// A selection compiled for examination.
struct ExaminedSelection {
  // What was compiled (label, bundle argument, profile and overrides).
  PolicySpec spec;
  // The compilation (PolicyInput::compiled is set).
  PolicyInput input;
  // The bundle it was compiled from.
  std::shared_ptr<const LoadedBundle> bundle;
  // For a committed profile compiled unchanged: its rbac.yaml, relative to
  // the workspace; "" otherwise.
  std::string outputs_file;
};

// Returns the shell command that compiles `selection` of `profile` ("" for
// an ad-hoc one) of the bundle named `bundle_argument`, with a flag for each
// override set, and --out_dir when `out_dir` is set (RegenerateCommand).
using CompileCommandSpeller = std::function<std::string(
    const std::string& bundle_argument, const std::string& profile,
    const Selection& selection, const SelectionOverrides& overrides,
    const std::optional<std::string>& out_dir)>;

// What Diagnose looks at.
struct DiagnoseInput {
  // The bundles searched for features (at least one), in search order; the
  // suggested rule is for the first.
  std::vector<SearchedBundle> bundles;
  // True when the user named the selection (a profile or features): its
  // finding is reported whether or not it binds the asker.
  bool selection_given = false;
  // The selections examined: the one the user gave, or the committed
  // profiles.
  std::vector<ExaminedSelection> selections;
  // RBAC YAML examined in place of the selections (--rbac); when it does not
  // grant the request, the selections that bind the asker say what would.
  std::optional<PolicyInput> rbac;
  // Spells the compile commands of the findings; must be set.
  CompileCommandSpeller compile_command;
};

// Answers `message` from `input`. Returns InvalidArgumentError when `input`
// searches no bundle or has no compile_command, or holds a selection that
// was not compiled.
absl::StatusOr<Report> Diagnose(const ForbiddenMessage& message,
                                const DiagnoseInput& input);

// Returns the smallest rule that grants `message`'s request, as a feature of
// `bundle` (nullptr: of no bundle in particular): a cluster rule for a
// cluster-wide or non-resource request, a fixed namespace rule in one of the
// bundle's fixed namespaces, a target namespace rule otherwise. With the
// bundle's `catalog` (may be nullptr), a verb it does not know is declared in
// the rule's custom_verbs and a resource it does not know gets a custom
// resource for bundle.textproto, so that the rule passes validation. Never
// fails.
SuggestedFix SuggestFix(const ForbiddenMessage& message,
                        const LoadedBundle* bundle,
                        const ResourceCatalog* catalog);

}  // namespace rbacc

#endif  // RBACC_COMPILER_REVIEW_WHY_FORBIDDEN_H_
