// The least-privilege checks `rbacc lint` runs: their stable IDs, severities
// and summaries.
#ifndef RBACC_COMPILER_COMMON_LINT_CHECKS_H_
#define RBACC_COMPILER_COMMON_LINT_CHECKS_H_

#include <vector>

#include "absl/strings/string_view.h"

namespace rbacc {

// How much a finding matters.
enum class LintSeverity {
  // Can lead to cluster-wide privilege escalation or secret disclosure.
  kHigh,
  // Broad or powerful access worth a reviewer's look.
  kMedium,
  // Redundant or untidy, not dangerous by itself.
  kLow,
};

// One kind of finding.
struct LintCheck {
  // Stable ID, used in `allow` and in SARIF, e.g. "pods-exec".
  const char* id;
  LintSeverity severity;
  // One line saying what it looks for.
  const char* summary;
  // True when an open finding is an error under --lint=warn too, not only
  // under --lint=error: what it reports is granted to people nobody named.
  bool error_when_open = false;
};

// Every check, in ID order.
const std::vector<LintCheck>& LintChecks();

// Returns the check with `id`, or nullptr.
const LintCheck* FindLintCheck(absl::string_view id);

// Returns "high", "medium" or "low".
const char* LintSeverityName(LintSeverity severity);

}  // namespace rbacc

#endif  // RBACC_COMPILER_COMMON_LINT_CHECKS_H_
