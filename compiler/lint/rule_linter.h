// Lints one declared rule of a selected feature: the rule-level checks of
// lint.h, by family (wildcards; pods and nodes subresources; secrets; RBAC
// verbs; credentials; workloads and cluster APIs; what the compiled policy and
// the recorded calls show), and the rule's allowances no finding used.
#ifndef RBACC_COMPILER_LINT_RULE_LINTER_H_
#define RBACC_COMPILER_LINT_RULE_LINTER_H_

#include <string>
#include <vector>

#include "compiler/catalog/catalog.h"
#include "compiler/lint/lint.h"
#include "compiler/load/bundle_loader.h"
#include "compiler/merge/compact.h"
#include "proto/rbacc/v1/policy.pb.h"

namespace rbacc {

// Rules declared together and granted in one scope: a feature's
// namespace_rules or cluster_rules, or one entry of its fixed_namespace_rules.
struct RuleGroup {
  const LoadedFeature* feature;
  const google::protobuf::RepeatedPtrField<v1::Rule>* rules;
  // The rules' field path in the feature file, e.g. "namespace_rules".
  std::string path;
  bool cluster_scope;
  // "cluster-wide", "in namespace default", ...
  std::string scope_text;
  // The feature file's place among the linted files in path order (one for
  // each path), so that findings sort without comparing paths.
  int file_rank;
  // For one entry of fixed_namespace_rules: its namespace.
  std::string fixed_namespace = "";
};

// One declared rule: the index-th rule of its group.
struct DeclaredPlace {
  const RuleGroup* group;
  int index;

  const v1::Rule& rule() const { return (*group->rules)[index]; }
};

// What linting every declared rule reads, prepared once per LintPolicy.
struct LintContext {
  const ResourceCatalog* catalog;
  // The pods and nodes subresources the checks name, as the catalogue serves
  // them (CheckedSubresources).
  std::vector<const v1::ApiSubresource*> subresources;
  // The rules of the compiled ClusterRole; null when there are none.
  const RuleCoverage* cluster_coverage;
  // The recorded calls of the selected features and identity mode; null when
  // the bundle records no calls.
  const std::vector<const v1::ApiCall*>* calls = nullptr;
};

// The subresources the pods and nodes subresource checks name, in the order
// LintContext::subresources holds them, as `catalog` serves them; null where
// it serves none.
std::vector<const v1::ApiSubresource*> CheckedSubresources(
    const ResourceCatalog& catalog);

// What linting one declared rule found, every item at the rule's location.
struct LintedPlace {
  // In ID order.
  std::vector<LintFinding> findings;
  std::vector<UnusedAllowance> unused_allowances;
};

// Runs every rule-level check on the rule at `place`; its findings (with
// their acknowledgements) and unused allowances, located at the rule. Never
// fails.
LintedPlace LintPlace(const DeclaredPlace& place, const LintContext& context);

// Orders findings by check ID.
bool FindingIdLess(const LintFinding& a, const LintFinding& b);

}  // namespace rbacc

#endif  // RBACC_COMPILER_LINT_RULE_LINTER_H_
