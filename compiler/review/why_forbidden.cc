#include "compiler/review/why_forbidden.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "compiler/merge/compile.h"
#include "compiler/review/why_forbidden_selection.h"

namespace rbacc {
namespace {

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
  const Examination exam{message, report.subject, report.features,
                         input.compile_command};
  if (input.rbac) {
    report.selections.push_back(
        ExamineYaml(*input.rbac, message, report.subject));
    if (report.selections.back().finding == Verdict::kNotGranted) {
      AddNewSelections(report.features, message, report.subject,
                       input.compile_command, &report.selections);
    }
  } else {
    report.selections = ExamineSelections(input, exam);
  }
  report.verdict = OverallVerdict(report.selections, report.features);
  // The smallest rule is for the bundle searched first.
  if (report.verdict == Verdict::kNotGranted) {
    report.suggested_fix =
        SuggestFix(message, input.bundles.front().bundle.get());
  }
  return report;
}

}  // namespace rbacc
