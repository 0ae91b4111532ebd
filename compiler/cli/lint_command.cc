#include "compiler/cli/lint_command.h"

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "compiler/cli/selection_flags.h"
#include "compiler/common/issue.h"
#include "compiler/common/json.h"
#include "compiler/common/lint_checks.h"
#include "compiler/common/version.h"

namespace rbacc {
namespace {

// SARIF's "security-severity" score GitHub uses to rank findings.
const char* SecuritySeverity(LintSeverity severity) {
  switch (severity) {
    case LintSeverity::kHigh:
      return "8.0";
    case LintSeverity::kMedium:
      return "5.0";
    case LintSeverity::kLow:
      return "2.0";
  }
  return "8.0";
}

std::string JsonLocation(const SourceLocation& location) {
  return absl::StrCat("\"file\": ", JsonString(location.file),
                      ", \"line\": ", location.line + 1,
                      ", \"column\": ", location.column + 1);
}

}  // namespace

bool ParseLintFormat(const std::string& text, LintFormat* format) {
  if (text == "text") {
    *format = LintFormat::kText;
  } else if (text == "json") {
    *format = LintFormat::kJson;
  } else if (text == "sarif") {
    *format = LintFormat::kSarif;
  } else {
    return false;
  }
  return true;
}

std::string LintJson(const std::vector<LintFinding>& findings,
                     const std::vector<UnusedAllowance>& unused) {
  std::vector<std::string> items;
  for (const LintFinding& finding : findings) {
    items.push_back(absl::StrCat(
        "    {\"id\": ", JsonString(finding.check->id), ", \"severity\": ",
        JsonString(LintSeverityName(finding.check->severity)), ", ",
        JsonLocation(finding.location),
        ", \"feature\": ", JsonString(finding.feature),
        ", \"message\": ", JsonString(finding.message),
        ", \"suggestion\": ", JsonString(finding.suggestion),
        ", \"acknowledged\": ", finding.acknowledged ? "true" : "false",
        ", \"acknowledgement\": ", JsonString(finding.acknowledgement), "}"));
  }
  std::vector<std::string> unused_items;
  for (const UnusedAllowance& allowance : unused) {
    unused_items.push_back(
        absl::StrCat("    {\"id\": ", JsonString(allowance.id), ", ",
                     JsonLocation(allowance.location), "}"));
  }
  return absl::StrCat("{\n  \"findings\": [\n", absl::StrJoin(items, ",\n"),
                      items.empty() ? "" : "\n",
                      "  ],\n  \"unused_allowances\": [\n",
                      absl::StrJoin(unused_items, ",\n"),
                      unused_items.empty() ? "" : "\n", "  ]\n}\n");
}

std::string LintSarif(const std::vector<LintFinding>& findings) {
  std::vector<std::string> rules;
  for (const LintCheck& check : LintChecks()) {
    rules.push_back(absl::StrCat(
        "          {\"id\": ", JsonString(check.id),
        ", \"shortDescription\": {\"text\": ", JsonString(check.summary),
        "}, \"properties\": {\"security-severity\": ",
        JsonString(SecuritySeverity(check.severity)),
        ", \"tags\": [\"security\"]}}"));
  }
  std::vector<std::string> results;
  for (const LintFinding& finding : findings) {
    std::string result = absl::StrCat(
        "        {\"ruleId\": ", JsonString(finding.check->id), ", \"level\": ",
        JsonString(finding.check->severity == LintSeverity::kLow ? "note"
                                                                 : "warning"),
        ", \"message\": {\"text\": ",
        JsonString(
            absl::StrCat(finding.message, ". Narrower: ", finding.suggestion)),
        "}, \"locations\": [{\"physicalLocation\": {\"artifactLocation\": "
        "{\"uri\": ",
        JsonString(finding.location.file),
        "}, \"region\": {\"startLine\": ", finding.location.line + 1,
        ", \"startColumn\": ", finding.location.column + 1, "}}}]");
    if (finding.acknowledged) {
      absl::StrAppend(
          &result,
          ", \"suppressions\": [{\"kind\": \"inSource\", \"justification\": ",
          JsonString(finding.acknowledgement), "}]");
    }
    absl::StrAppend(&result, "}");
    results.push_back(std::move(result));
  }
  return absl::StrCat(
      "{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
      "  \"version\": \"2.1.0\",\n  \"runs\": [\n    {\n      \"tool\": "
      "{\"driver\": {\n"
      "        \"name\": \"rbacc\",\n        \"version\": ",
      JsonString(kRbaccVersion), ",\n        \"rules\": [\n",
      absl::StrJoin(rules, ",\n"),
      "\n        ]\n      }},\n      \"results\": [\n",
      absl::StrJoin(results, ",\n"), results.empty() ? "" : "\n",
      "      ]\n    }\n  ]\n}\n");
}

int RunLint(const CompileOptions& options, LintFormat format, std::ostream& out,
            std::ostream& err) {
  CompileRequest request = ToCompileRequest(options);
  request.lint = LintMode::kOff;
  absl::StatusOr<CompilationSet> set = PlanCompilations(request);
  if (!set.ok()) {
    err << set.status().message() << "\n";
    return kExitError;
  }
  if (set->issues.has_errors()) {
    err << set->issues.Render(set->file_texts);
    return kExitError;
  }

  // Each finding once, although several profiles may compile its rule.
  std::vector<LintFinding> findings;
  std::vector<UnusedAllowance> unused;
  ReportedFindings seen;
  for (const Compilation& compilation : set->compilations) {
    for (const LintFinding& finding : compilation.lint.findings) {
      if (seen.Insert(finding)) findings.push_back(finding);
    }
    for (const UnusedAllowance& allowance :
         compilation.lint.unused_allowances) {
      if (seen.Insert(allowance)) unused.push_back(allowance);
    }
  }
  size_t open = 0;
  for (const LintFinding& finding : findings)
    open += finding.acknowledged ? 0 : 1;

  switch (format) {
    case LintFormat::kJson:
      out << LintJson(findings, unused);
      break;
    case LintFormat::kSarif:
      out << LintSarif(findings);
      break;
    case LintFormat::kText: {
      IssueList report;
      for (const LintFinding& finding : findings) {
        if (finding.acknowledged) {
          report.AddNote(
              finding.location,
              absl::StrCat("[", finding.check->id,
                           "] acknowledged: ", finding.acknowledgement));
        } else {
          report.AddWarning(finding.location, LintMessage(finding));
        }
      }
      for (const UnusedAllowance& allowance : unused) {
        report.AddWarning(
            allowance.location,
            absl::StrCat("allow { id: \"", allowance.id,
                         "\" } acknowledges a finding this rule does not "
                         "have; remove it"));
      }
      out << report.Render(set->file_texts);
      out << "lint: " << findings.size() << " findings, "
          << findings.size() - open << " acknowledged, " << open << " open\n";
      break;
    }
  }
  return open > 0 || !unused.empty() ? kExitFindings : kExitOk;
}

namespace {

// --format's values.
const EnumValues<LintFormat>& LintFormats() {
  static const auto* const kFormats =
      new EnumValues<LintFormat>{{"text", LintFormat::kText},
                                 {"json", LintFormat::kJson},
                                 {"sarif", LintFormat::kSarif}};
  return *kFormats;
}

}  // namespace

LintCommand::LintCommand()
    : Command(
          {"lint",
           "least-privilege findings (--format=text|json|sarif)",
           "lint [flags]",
           "Lints every profile (or the selection the flags name) and "
           "prints each finding once.\n\nExit codes: 0 every finding is "
           "acknowledged and every allow matches one; 1 open findings or "
           "unused allowances; 2 invalid input or flags.",
           {"bazel run //compiler -- lint",
            "bazel run //compiler -- lint --profile=full --format=sarif"}}) {}

void LintCommand::DeclareFlags(FlagSet* flags) const {
  AddSelectionFlags(TargetNamespaceFlag::kNamespace, flags);
  flags->AddEnum("format", LintFormats(), "text",
                 "text: compiler-style diagnostics; json: one object; sarif: "
                 "SARIF 2.1.0 for GitHub code scanning.");
}

int LintCommand::Execute(const Invocation& call) const {
  if (!call.positional.empty()) {
    return UnexpectedArgument(call.positional[0],
                              "flags are written --name=value", call.err);
  }
  CompileOptions options;
  options.workspace_root = call.env.workspace_root;
  options.bundle = call.flags.String("bundle");
  options.profile = call.flags.String("profile");
  options.overrides =
      SelectionOverridesFromFlags(call.flags, TargetNamespaceFlag::kNamespace);
  return RunLint(options, call.flags.Enum("format", LintFormats()), call.out,
                 call.err);
}

}  // namespace rbacc
