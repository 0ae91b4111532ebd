#include "compiler/lint/lint.h"

#include <algorithm>
#include <iterator>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "compiler/common/parallel.h"
#include "compiler/common/policy_rule.h"
#include "compiler/lint/broad_subject.h"
#include "compiler/lint/identity_cost.h"
#include "compiler/lint/rule_linter.h"
#include "compiler/lint/system_namespace.h"
#include "compiler/merge/compact.h"
#include "compiler/merge/compile.h"

namespace rbacc {
namespace {

// The recorded calls of the features and identity mode `policy` selects.
std::vector<const v1::ApiCall*> SelectedCalls(const LoadedBundle& bundle,
                                              const CompiledPolicy& policy) {
  std::vector<const v1::ApiCall*> calls;
  if (!bundle.calls.has_value()) return calls;
  const Selection& selection = policy.selection;
  const std::string mode =
      selection.identity_mode ? selection.identity_mode->name() : "";
  const auto contains = [](const auto& values, const std::string& value) {
    return std::find(values.begin(), values.end(), value) != values.end();
  };
  for (const v1::ApiCall& call : bundle.calls->proto.calls()) {
    const bool selected = std::any_of(
        call.features().begin(), call.features().end(),
        [&](const std::string& f) { return contains(selection.features, f); });
    if (selected && (call.identity_modes().empty() ||
                     contains(call.identity_modes(), mode))) {
      calls.push_back(&call);
    }
  }
  return calls;
}

// Declared rules linted per task: enough that handing out a task costs little
// against linting its rules.
constexpr size_t kPlacesPerTask = 256;

// Stands for the target namespaces in the messages of findings kept in a
// DeclaredLintMemo, which selections with other namespaces share. Control
// characters appear in no other part of a message (validation rejects them in
// policy strings, and names are DNS labels).
constexpr char kTargetNamespacesPlaceholder[] = "\x01target namespaces\x01";

// "in namespace a" or "in namespaces a, b".
std::string TargetNamespacesText(const Selection& selection) {
  return absl::StrCat(
      selection.namespaces.size() > 1 ? "in namespaces " : "in namespace ",
      absl::StrJoin(selection.namespaces, ", "));
}

// The rule groups of the features `policy` selects, in selection order: per
// feature its namespace_rules (the target namespaces' named `target_text`),
// cluster_rules, then each fixed_namespace_rules entry.
std::vector<RuleGroup> SelectedRuleGroups(const LoadedBundle& bundle,
                                          const CompiledPolicy& policy,
                                          const std::string& target_text) {
  std::vector<const LoadedFeature*> features;
  std::vector<absl::string_view> paths;
  for (const std::string& name : policy.selection.features) {
    features.push_back(&bundle.features.at(name));
    paths.push_back(features.back()->source.display_path);
  }
  std::sort(paths.begin(), paths.end());
  paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
  const auto file_rank = [&](const LoadedFeature& feature) {
    return static_cast<int>(std::lower_bound(paths.begin(), paths.end(),
                                             feature.source.display_path) -
                            paths.begin());
  };

  std::vector<RuleGroup> groups;
  for (const LoadedFeature* feature : features) {
    const v1::Feature& f = feature->proto;
    const int rank = file_rank(*feature);
    groups.push_back({feature, &f.namespace_rules(), "namespace_rules", false,
                      target_text, rank});
    groups.push_back({feature, &f.cluster_rules(), "cluster_rules", true,
                      "cluster-wide", rank});
    for (int i = 0; i < f.fixed_namespace_rules_size(); ++i) {
      const v1::FixedNamespaceGrant& grant = f.fixed_namespace_rules(i);
      groups.push_back({feature, &grant.rules(),
                        absl::StrCat("fixed_namespace_rules[", i, "].rules"),
                        false,
                        absl::StrCat("in namespace ", grant.namespace_()), rank,
                        grant.namespace_()});
    }
  }
  return groups;
}

// The rules of the compiled ClusterRole.
std::vector<PolicyRule> ClusterRules(const CompiledPolicy& policy) {
  std::vector<PolicyRule> cluster_rules;
  for (const ScopedRole& role : policy.roles) {
    if (role.scope != RoleScope::kCluster) continue;
    for (const CompiledRule& rule : role.rules.rules)
      cluster_rules.push_back(rule.rule);
  }
  return cluster_rules;
}

// The findings of every place, in order of place, then ID, as a stable sort of
// all of them would give: the places with findings sorted by location (in
// declaration order where equal), then, where several places share a location
// (a rule whose position was not recorded), their findings sorted by ID
// together. Moves the findings out of `linted`.
std::vector<LintFinding> FindingsInPlaceOrder(
    const std::vector<DeclaredPlace>& places,
    std::vector<LintedPlace>& linted) {
  std::vector<size_t> found;
  size_t finding_count = 0;
  for (size_t i = 0; i < linted.size(); ++i) {
    if (linted[i].findings.empty()) continue;
    found.push_back(i);
    finding_count += linted[i].findings.size();
  }
  const auto place_key = [&](size_t i) {
    const SourceLocation& location = linted[i].findings.front().location;
    return std::make_tuple(places[i].group->file_rank, location.line,
                           location.column);
  };
  std::stable_sort(found.begin(), found.end(), [&](size_t a, size_t b) {
    return place_key(a) < place_key(b);
  });
  std::vector<LintFinding> findings;
  findings.reserve(finding_count);
  for (size_t run = 0; run < found.size();) {
    size_t end = run + 1;
    while (end < found.size() && place_key(found[end]) == place_key(found[run]))
      ++end;
    const size_t first = findings.size();
    for (size_t k = run; k < end; ++k) {
      std::vector<LintFinding>& place_findings = linted[found[k]].findings;
      std::move(place_findings.begin(), place_findings.end(),
                std::back_inserter(findings));
    }
    if (end - run > 1) {
      std::stable_sort(findings.begin() + first, findings.end(), FindingIdLess);
    }
    run = end;
  }
  return findings;
}

// Lints the declared rules of the features `policy` compiled, each finding on
// a rule of the target namespaces' Role naming them as `target_text`.
LintResult LintDeclaredRules(const LoadedBundle& bundle,
                             const CompiledPolicy& policy,
                             const ResourceCatalog& catalog,
                             const std::string& target_text) {
  const std::vector<RuleGroup> groups =
      SelectedRuleGroups(bundle, policy, target_text);
  std::vector<DeclaredPlace> places;
  for (const RuleGroup& group : groups) {
    for (int i = 0; i < group.rules->size(); ++i) places.push_back({&group, i});
  }

  const std::vector<PolicyRule> cluster_rules = ClusterRules(policy);
  const RuleCoverage cluster_coverage(cluster_rules);
  LintContext context{&catalog, CheckedSubresources(catalog), nullptr};
  if (!cluster_rules.empty()) context.cluster_coverage = &cluster_coverage;
  const std::vector<const v1::ApiCall*> calls = SelectedCalls(bundle, policy);
  if (bundle.calls.has_value()) context.calls = &calls;

  std::vector<LintedPlace> linted(places.size());
  ParallelFor(
      places.size(),
      [&](size_t i) { linted[i] = LintPlace(places[i], context); },
      kPlacesPerTask);

  LintResult result;
  result.findings = FindingsInPlaceOrder(places, linted);
  for (LintedPlace& place : linted) {
    std::move(place.unused_allowances.begin(), place.unused_allowances.end(),
              std::back_inserter(result.unused_allowances));
  }
  return result;
}

}  // namespace

LintResult LintPolicy(const LoadedBundle& bundle, const CompiledPolicy& policy,
                      const ResourceCatalog& catalog, DeclaredLintMemo* memo) {
  const std::string target_text = TargetNamespacesText(policy.selection);
  LintResult result;
  if (memo == nullptr) {
    result = LintDeclaredRules(bundle, policy, catalog, target_text);
  } else {
    result = *memo->Get(SharedRulesKey(policy.selection), [&] {
      return LintDeclaredRules(bundle, policy, catalog,
                               kTargetNamespacesPlaceholder);
    });
    for (LintFinding& finding : result.findings) {
      if (absl::StrContains(finding.message, kTargetNamespacesPlaceholder)) {
        finding.message = absl::StrReplaceAll(
            finding.message, {{kTargetNamespacesPlaceholder, target_text}});
      }
    }
  }
  if (std::optional<LintFinding> cost =
          IdentityModeCostFinding(bundle, policy)) {
    result.findings.push_back(std::move(*cost));
  }
  for (LintFinding& finding : BroadSubjectFindings(policy.selection)) {
    result.findings.push_back(std::move(finding));
  }
  for (LintFinding& finding : SystemNamespaceFindings(policy)) {
    result.findings.push_back(std::move(finding));
  }
  return result;
}

bool ReportedFindings::Insert(const LintFinding& finding) {
  const SourceLocation& at = finding.location;
  return findings_
      .emplace(FileNumber(at.file), at.line, at.column, finding.check)
      .second;
}

bool ReportedFindings::Insert(const UnusedAllowance& unused) {
  const SourceLocation& at = unused.location;
  return unused_.emplace(FileNumber(at.file), at.line, at.column, unused.id)
      .second;
}

int ReportedFindings::FileNumber(const std::string& path) {
  return file_numbers_.try_emplace(path, static_cast<int>(file_numbers_.size()))
      .first->second;
}

}  // namespace rbacc
