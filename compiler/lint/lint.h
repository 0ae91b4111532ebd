// Least-privilege lint: findings about what a selection's rules grant that is
// risky, each with a stable ID, a severity, the rule's place, and a narrower
// rule to use instead. A rule can acknowledge a finding (`allow { id: ...
// reason: ... }`); acknowledged findings are reported as notes and listed in
// PERMISSIONS.md instead of failing --lint=error.
#ifndef RBACC_COMPILER_LINT_LINT_H_
#define RBACC_COMPILER_LINT_LINT_H_

#include <string>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "compiler/catalog/catalog.h"
#include "compiler/common/lint_checks.h"
#include "compiler/common/shared_memo.h"
#include "compiler/common/source_location.h"
#include "compiler/load/bundle_loader.h"
#include "compiler/merge/compiled_policy.h"

namespace rbacc {

// One finding on one declared rule.
struct LintFinding {
  const LintCheck* check = nullptr;
  // The rule's place in its feature file.
  SourceLocation location;
  std::string feature;
  // What is risky, naming the resources and the scope.
  std::string message;
  // A narrower rule to use instead, or what to do. Suggestions are few
  // distinct texts, kept for the life of the process (not copied per finding).
  absl::string_view suggestion;
  // True when the rule acknowledges the finding; `acknowledgement` then holds
  // its reason.
  bool acknowledged = false;
  std::string acknowledgement;
};

// An `allow` entry that no finding of the rule matched.
struct UnusedAllowance {
  SourceLocation location;
  std::string id;
};

// What linting one compilation found.
struct LintResult {
  // In order of place, then ID.
  std::vector<LintFinding> findings;
  std::vector<UnusedAllowance> unused_allowances;
};

// What linting the declared rules of one run's compilations of one bundle
// found, by SharedRulesKey (compiler/merge/compile.h), with a placeholder for
// the target namespaces: each distinct key is linted once.
using DeclaredLintMemo = SharedMemo<LintResult>;

// Lints the declared rules of the features `policy` compiled (their scopes as
// compiled) and the namespaced rules a cluster rule already grants. With
// `memo`, the declared rules' findings are taken from it when a compilation
// with the same SharedRulesKey linted them (the same findings, with this
// one's namespaces), else linted and kept there; null lints them for this
// compilation alone. Never fails.
LintResult LintPolicy(const LoadedBundle& bundle, const CompiledPolicy& policy,
                      const ResourceCatalog& catalog,
                      DeclaredLintMemo* memo = nullptr);

// The findings (place and check) and unused allowances (place and ID) a run
// has reported, so that a rule several compilations lint is reported once.
class ReportedFindings {
 public:
  // Records the place and check of `finding`; returns false when they were
  // recorded before.
  bool Insert(const LintFinding& finding);
  // Records the place and ID of `unused`; returns false when they were recorded
  // before.
  bool Insert(const UnusedAllowance& unused);

 private:
  // The number of the file at `path`, in the order first seen: keys hold it
  // instead of a copy of the path.
  int FileNumber(const std::string& path);

  absl::flat_hash_map<std::string, int> file_numbers_;
  // (file number, line, column, check).
  absl::flat_hash_set<std::tuple<int, int, int, const LintCheck*>> findings_;
  // (file number, line, column, allowance ID).
  absl::flat_hash_set<std::tuple<int, int, int, std::string>> unused_;
};

}  // namespace rbacc

#endif  // RBACC_COMPILER_LINT_LINT_H_
