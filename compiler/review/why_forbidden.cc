#include "compiler/review/why_forbidden.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "compiler/common/call_request.h"
#include "compiler/merge/compile.h"
#include "compiler/review/why_forbidden_selection.h"

namespace rbacc {
namespace {

// What a recorded call's object name holds in place of the target namespace.
constexpr char kNamespacePlaceholder[] = "{namespace}";

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

// True when `namespace_name` is one of the bundle's fixed namespaces (the
// application's own, never a target namespace).
bool IsFixedNamespace(const LoadedBundle& bundle,
                      const std::string& namespace_name) {
  const auto& fixed = bundle.proto.fixed_namespaces();
  return std::any_of(fixed.begin(), fixed.end(),
                     [&](const v1::FixedNamespace& namespace_entry) {
                       return namespace_entry.name() == namespace_name;
                     });
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
      if (!request.namespace_name.empty() &&
          !IsFixedNamespace(*searched.bundle, request.namespace_name)) {
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

// True when `pattern`, an object name in which "{namespace}" stands for any
// target namespace, names `name`.
bool NameMatches(const std::string& pattern, const std::string& name) {
  const size_t at = pattern.find(kNamespacePlaceholder);
  if (at == std::string::npos) return pattern == name;
  const absl::string_view prefix = absl::string_view(pattern).substr(0, at);
  const absl::string_view suffix = absl::string_view(pattern).substr(
      at + std::strlen(kNamespacePlaceholder));
  return name.size() > prefix.size() + suffix.size() &&
         absl::StartsWith(name, prefix) && absl::EndsWith(name, suffix);
}

// True when `call` makes `request`. A call whose code names no fixed object
// makes it whatever the object's name; a request without a name (a list
// filtered by name is denied without one) matches any call.
bool CallMakes(const v1::ApiCall& call, const Request& request) {
  if (!request.is_resource_request) return false;
  std::string namespace_name;
  switch (call.scope()) {
    case v1::CALL_SCOPE_TARGET_NAMESPACE:
      if (request.namespace_name.empty()) return false;
      namespace_name = request.namespace_name;
      break;
    case v1::CALL_SCOPE_NAMED_NAMESPACE:
      namespace_name = call.namespace_();
      break;
    default:
      break;
  }
  const Request made = CallRequest(call, namespace_name);
  if (made.verb != request.verb || made.api_group != request.api_group ||
      made.resource != request.resource ||
      made.subresource != request.subresource ||
      made.namespace_name != request.namespace_name) {
    return false;
  }
  if (made.name.empty() || request.name.empty()) return true;
  if (call.scope() == v1::CALL_SCOPE_TARGET_NAMESPACE) {
    return absl::StrReplaceAll(
               made.name, {{kNamespacePlaceholder, request.namespace_name}}) ==
           request.name;
  }
  return NameMatches(made.name, request.name);
}

// The recorded calls of the bundles' applications that make `request`.
std::vector<CallMatch> MatchCalls(const std::vector<SearchedBundle>& bundles,
                                  const Request& request) {
  std::vector<CallMatch> matches;
  for (const SearchedBundle& searched : bundles) {
    if (!searched.bundle->calls) continue;
    for (const v1::ApiCall& call : searched.bundle->calls->proto.calls()) {
      if (!CallMakes(call, request)) continue;
      matches.push_back({searched.bundle->proto.application().name(), call});
    }
  }
  return matches;
}

// The verdict of all findings, most useful first.
Verdict OverallVerdict(const std::vector<SelectionFinding>& findings,
                       const std::vector<FeatureMatch>& matches) {
  for (const Verdict verdict :
       {Verdict::kGranted, Verdict::kDroppedByClusterScope,
        Verdict::kBoundToAnotherSubject}) {
    for (const SelectionFinding& finding : findings) {
      if (finding.finding == verdict) return verdict;
    }
  }
  return matches.empty() ? Verdict::kNotGranted : Verdict::kMissingFeature;
}

// The findings of the compiled selections: without a given selection, only
// the profiles bound to the asker speak for it, unless none is (then those
// granting it to someone, else new selections).
std::vector<SelectionFinding> ExamineSelections(const DiagnoseInput& input,
                                                const Examination& exam) {
  std::vector<SelectionFinding> findings;
  std::vector<SelectionFinding> other_findings;
  for (const ExaminedSelection& examined : input.selections) {
    SelectionFinding finding = ExamineSelection(examined, exam);
    if (input.selection_given ||
        BindsUser(examined.input.objects, SubjectUser(exam.asker))) {
      findings.push_back(std::move(finding));
    } else if (finding.finding != Verdict::kMissingFeature &&
               finding.finding != Verdict::kNotGranted) {
      other_findings.push_back(std::move(finding));
    }
  }
  if (!input.selection_given && findings.empty()) {
    findings = std::move(other_findings);
    if (findings.empty()) {
      AddNewSelections(exam.matches, exam.message, exam.asker,
                       input.compile_command, &findings);
    }
  }
  return findings;
}

// The findings for RBAC YAML given instead of a selection: the YAML's, and
// when it does not grant the request, those of the committed profiles that
// bind the asker (else new selections for it).
std::vector<SelectionFinding> ExamineRbac(const DiagnoseInput& input,
                                          const Examination& exam) {
  std::vector<SelectionFinding> findings = {
      ExamineYaml(*input.rbac, exam.message, exam.asker)};
  if (findings.front().finding != Verdict::kNotGranted) return findings;
  for (const ExaminedSelection& examined : input.selections) {
    if (BindsUser(examined.input.objects, SubjectUser(exam.asker))) {
      findings.push_back(ExamineSelection(examined, exam));
    }
  }
  if (findings.size() == 1) {
    AddNewSelections(exam.matches, exam.message, exam.asker,
                     input.compile_command, &findings);
  }
  return findings;
}

}  // namespace

absl::string_view VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kGranted:
      return "granted";
    case Verdict::kDroppedByClusterScope:
      return "dropped-by-cluster-scope";
    case Verdict::kBoundToAnotherSubject:
      return "bound-to-another-subject";
    case Verdict::kMissingFeature:
      return "missing-feature";
    case Verdict::kNotGranted:
      return "not-granted";
  }
  return "not-granted";
}

absl::StatusOr<Report> Diagnose(const ForbiddenMessage& message,
                                const DiagnoseInput& input) {
  if (input.bundles.empty()) {
    return absl::InvalidArgumentError("no bundle to search");
  }
  if (!input.compile_command) {
    return absl::InvalidArgumentError("no compile command speller");
  }
  for (const ExaminedSelection& examined : input.selections) {
    if (!examined.input.compiled || examined.bundle == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(examined.spec.label, " was not compiled"));
    }
  }
  Report report;
  report.message = message;
  report.subject = UserSubject(message);
  for (const SearchedBundle& searched : input.bundles) {
    report.bundle_names.push_back(searched.bundle->proto.name());
  }
  report.features = MatchFeatures(input.bundles, message.request);
  report.calls = MatchCalls(input.bundles, message.request);
  const Examination exam{message, report.subject, report.features,
                         input.compile_command};
  if (input.rbac) {
    report.selections = ExamineRbac(input, exam);
    // The verdict is the YAML's: the committed profiles only suggest.
    report.verdict =
        OverallVerdict({report.selections.front()}, report.features);
  } else {
    report.selections = ExamineSelections(input, exam);
    report.verdict = OverallVerdict(report.selections, report.features);
  }
  // The smallest rule is for the bundle searched first.
  if (report.verdict == Verdict::kNotGranted) {
    report.suggested_fix =
        SuggestFix(message, input.bundles.front().bundle.get(),
                   input.bundles.front().catalog.get());
  }
  return report;
}

}  // namespace rbacc
