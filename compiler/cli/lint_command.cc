#include "compiler/cli/lint_command.h"

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
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

// Writes the "file", "line" and "column" members of a location (1-based).
void WriteJsonLocation(const SourceLocation& location, JsonWriter& json) {
  json.Key("file").String(location.file);
  json.Key("line").Int(location.line + 1);
  json.Key("column").Int(location.column + 1);
}

// Writes one SARIF reportingDescriptor: a lint check as a rule.
void WriteSarifRule(const LintCheck& check, JsonWriter& json) {
  json.BeginObject().Key("id").String(check.id);
  json.Key("shortDescription").BeginObject().Key("text").String(check.summary);
  json.EndObject();
  json.Key("properties").BeginObject();
  json.Key("security-severity").String(SecuritySeverity(check.severity));
  json.Key("tags").BeginArray().String("security").EndArray();
  json.EndObject().EndObject();
}

// Writes one SARIF result: a finding, suppressed when acknowledged.
void WriteSarifResult(const LintFinding& finding, JsonWriter& json) {
  json.BeginObject().Key("ruleId").String(finding.check->id);
  json.Key("level").String(
      finding.check->severity == LintSeverity::kLow ? "note" : "warning");
  json.Key("message").BeginObject().Key("text").String(
      absl::StrCat(finding.message, ". Narrower: ", finding.suggestion));
  json.EndObject();
  json.Key("locations").BeginArray().BeginObject();
  json.Key("physicalLocation").BeginObject();
  json.Key("artifactLocation")
      .BeginObject()
      .Key("uri")
      .String(finding.location.file);
  json.EndObject();
  // SARIF lines and columns start at 1: a finding about a whole file (line
  // -1) has no region, and one without a column no startColumn.
  if (finding.location.line >= 0) {
    json.Key("region").BeginObject();
    json.Key("startLine").Int(finding.location.line + 1);
    if (finding.location.column >= 0) {
      json.Key("startColumn").Int(finding.location.column + 1);
    }
    json.EndObject();
  }
  json.EndObject().EndObject().EndArray();
  if (finding.acknowledged) {
    json.Key("suppressions").BeginArray().BeginObject();
    json.Key("kind").String("inSource");
    json.Key("justification").String(finding.acknowledgement);
    json.EndObject().EndArray();
  }
  json.EndObject();
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
  JsonWriter json({/*break_empty_lines_containers=*/true});
  json.BeginObject(JsonLayout::kLines);
  json.Key("findings").BeginArray(JsonLayout::kLines);
  for (const LintFinding& finding : findings) {
    json.BeginObject();
    json.Key("id").String(finding.check->id);
    json.Key("severity").String(LintSeverityName(finding.check->severity));
    WriteJsonLocation(finding.location, json);
    json.Key("feature").String(finding.feature);
    json.Key("message").String(finding.message);
    json.Key("suggestion").String(finding.suggestion);
    json.Key("acknowledged").Bool(finding.acknowledged);
    json.Key("acknowledgement").String(finding.acknowledgement);
    json.EndObject();
  }
  json.EndArray();
  json.Key("unused_allowances").BeginArray(JsonLayout::kLines);
  for (const UnusedAllowance& allowance : unused) {
    json.BeginObject().Key("id").String(allowance.id);
    WriteJsonLocation(allowance.location, json);
    json.EndObject();
  }
  json.EndArray().EndObject();
  return absl::StrCat(json.text(), "\n");
}

std::string LintSarif(const std::vector<LintFinding>& findings) {
  JsonWriter json({/*break_empty_lines_containers=*/true});
  json.BeginObject(JsonLayout::kLines);
  json.Key("$schema").String("https://json.schemastore.org/sarif-2.1.0.json");
  json.Key("version").String("2.1.0");
  json.Key("runs")
      .BeginArray(JsonLayout::kLines)
      .BeginObject(JsonLayout::kLines);
  json.Key("tool").BeginObject().Key("driver").BeginObject(JsonLayout::kLines);
  json.Key("name").String("rbacc");
  json.Key("version").String(kRbaccVersion);
  json.Key("rules").BeginArray(JsonLayout::kLines);
  for (const LintCheck& check : LintChecks()) WriteSarifRule(check, json);
  json.EndArray().EndObject().EndObject();
  json.Key("results").BeginArray(JsonLayout::kLines);
  for (const LintFinding& finding : findings) WriteSarifResult(finding, json);
  json.EndArray().EndObject().EndArray().EndObject();
  return absl::StrCat(json.text(), "\n");
}

int RunLint(const CompileOptions& options, LintFormat format, std::ostream& out,
            std::ostream& err) {
  CompileRequest request = options.request;
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
  options.request.workspace_root = call.env.workspace_root;
  options.request.bundle = call.flags.String("bundle");
  options.request.profile = call.flags.String("profile");
  options.request.overrides =
      SelectionOverridesFromFlags(call.flags, TargetNamespaceFlag::kNamespace);
  return RunLint(options, call.flags.Enum("format", LintFormats()), call.out,
                 call.err);
}

}  // namespace rbacc
