// `rbacc lint`: the least-privilege findings of every selected compilation, as
// diagnostics, JSON, or SARIF for GitHub code scanning.
#ifndef RBACC_COMPILER_CLI_LINT_COMMAND_H_
#define RBACC_COMPILER_CLI_LINT_COMMAND_H_

#include <ostream>
#include <string>
#include <vector>

#include "compiler/cli/command.h"
#include "compiler/cli/compile_command.h"
#include "compiler/lint/lint.h"

namespace rbacc {

// Exit code of `rbacc lint` when a finding is not acknowledged.
inline constexpr int kExitFindings = 1;

// How `rbacc lint` prints its findings (--format).
enum class LintFormat {
  // Compiler-style diagnostics: warnings, and notes for acknowledged findings.
  kText,
  // {"findings": [...], "unused_allowances": [...]}.
  kJson,
  // SARIF 2.1.0, for GitHub code scanning.
  kSarif,
};

// Parses "text", "json" or "sarif". Returns false for anything else.
bool ParseLintFormat(const std::string& text, LintFormat* format);

// Lints what `options` selects (every profile by default; options.lint is
// ignored) and prints the findings once each, in `format`, on `out`. Returns
// kExitOk when every finding is acknowledged and every `allow` matches a
// finding, kExitFindings otherwise, kExitError for invalid input (printed on
// `err`).
int RunLint(const CompileOptions& options, LintFormat format, std::ostream& out,
            std::ostream& err);

// The findings and unused allowances as JSON (see LintFormat::kJson).
std::string LintJson(const std::vector<LintFinding>& findings,
                     const std::vector<UnusedAllowance>& unused);

// The findings as a SARIF 2.1.0 log: one rule per check, one result per
// finding, acknowledged findings with an in-source suppression carrying the
// reason.
std::string LintSarif(const std::vector<LintFinding>& findings);

// `rbacc lint` on the command line: the selection flags and --format for
// RunLint.
class LintCommand : public Command {
 public:
  LintCommand();

 protected:
  void DeclareFlags(FlagSet* flags) const override;
  int Execute(const Invocation& call) const override;
};

}  // namespace rbacc

#endif  // RBACC_COMPILER_CLI_LINT_COMMAND_H_
