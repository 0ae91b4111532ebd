// Tests for `rbacc lint`: exit codes, and that its JSON and SARIF parse and
// carry the findings (yaml-cpp reads JSON).
#include "compiler/cli/lint_command.h"

#include <sstream>
#include <string>

#include "compiler/common/json_check.h"
#include "compiler/common/lint_checks.h"
#include "gtest/gtest.h"
#include "tests/testing/workspace.h"
#include "yaml-cpp/yaml.h"

namespace rbacc {
namespace {

using ::rbacc::testing::MakeWorkspace;
using ::rbacc::testing::WriteFile;

struct LintRun {
  int exit_code;
  std::string out;
  std::string err;
};

LintRun Lint(const CompileOptions& options, LintFormat format) {
  std::ostringstream out;
  std::ostringstream err;
  const int exit_code = RunLint(options, format, out, err);
  return {exit_code, out.str(), err.str()};
}

TEST(LintCommandTest, ShippedBundleHasOnlyAcknowledgedFindings) {
  CompileOptions options;
  options.request.workspace_root = MakeWorkspace("lint_shipped");
  const LintRun run = Lint(options, LintFormat::kText);
  EXPECT_EQ(run.exit_code, kExitOk) << run.out << run.err;
  EXPECT_NE(run.out.find("note: [pods-exec] acknowledged: "),
            std::string::npos);
  EXPECT_NE(run.out.find(" 0 open\n"), std::string::npos) << run.out;
}

TEST(LintCommandTest, OpenFindingExitsOneAndShowsInJsonAndSarif) {
  CompileOptions options;
  options.request.workspace_root = MakeWorkspace("lint_open");
  options.request.bundle = "skypilot-docs";
  WriteFile(options.request.workspace_root +
                "/policies/skypilot-docs/show-gpus.textproto",
            R"(name: "show-gpus"
summary: "Reads secrets everywhere."
requires: "base"
cluster_rules {
  api_groups: ""
  resources: "secrets"
  verbs: ["get", "list"]
  reason: "Reads credentials."
})");
  options.request.profile = "full";

  const LintRun text = Lint(options, LintFormat::kText);
  EXPECT_EQ(text.exit_code, kExitFindings);
  EXPECT_NE(
      text.out.find("policies/skypilot-docs/show-gpus.textproto:4:1: warning: "
                    "[secrets-read-cluster-wide]"),
      std::string::npos)
      << text.out;

  const LintRun json = Lint(options, LintFormat::kJson);
  EXPECT_EQ(json.exit_code, kExitFindings);
  const YAML::Node report = YAML::Load(json.out);
  int open = 0;
  for (const YAML::Node& finding : report["findings"]) {
    if (finding["acknowledged"].as<bool>()) continue;
    ++open;
    EXPECT_EQ(finding["id"].as<std::string>(), "secrets-read-cluster-wide");
    EXPECT_EQ(finding["severity"].as<std::string>(), "high");
    EXPECT_EQ(finding["file"].as<std::string>(),
              "policies/skypilot-docs/show-gpus.textproto");
    EXPECT_EQ(finding["line"].as<int>(), 4);
    EXPECT_EQ(finding["feature"].as<std::string>(), "show-gpus");
  }
  EXPECT_EQ(open, 1);

  const LintRun sarif = Lint(options, LintFormat::kSarif);
  const YAML::Node log = YAML::Load(sarif.out);
  EXPECT_EQ(log["version"].as<std::string>(), "2.1.0");
  const YAML::Node run = log["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["name"].as<std::string>(), "rbacc");
  EXPECT_GT(run["tool"]["driver"]["rules"].size(), 10u);
  int suppressed = 0;
  int unsuppressed = 0;
  for (const YAML::Node& result : run["results"]) {
    const YAML::Node region =
        result["locations"][0]["physicalLocation"]["region"];
    EXPECT_GT(region["startLine"].as<int>(), 0);
    if (result["suppressions"]) {
      ++suppressed;
      EXPECT_FALSE(
          result["suppressions"][0]["justification"].as<std::string>().empty());
    } else {
      ++unsuppressed;
      EXPECT_EQ(result["ruleId"].as<std::string>(),
                "secrets-read-cluster-wide");
    }
  }
  EXPECT_EQ(unsuppressed, 1);
  EXPECT_EQ(suppressed, 6);
}

TEST(LintCommandTest, InvalidInputExitsTwo) {
  CompileOptions options;
  options.request.workspace_root = MakeWorkspace("lint_invalid");
  options.request.profile = "nope";
  EXPECT_EQ(Lint(options, LintFormat::kText).exit_code, kExitError);
}

TEST(LintCommandTest, ParseLintFormat) {
  LintFormat format;
  EXPECT_TRUE(ParseLintFormat("sarif", &format));
  EXPECT_EQ(format, LintFormat::kSarif);
  EXPECT_FALSE(ParseLintFormat("SARIF", &format));
}

TEST(LintCommandTest, InvalidUtf8InFindingsStillGivesValidJsonAndSarif) {
  std::vector<LintFinding> findings(2);
  for (LintFinding& finding : findings) {
    finding.check = &LintChecks().front();
    finding.location = {"policies/b\xff.textproto", 3, 4};
    finding.feature = "f\x80";
    finding.message = "grants \xc3(";
    finding.suggestion = "narrow \xe2\x82";
    finding.acknowledgement = "because \xed\xa0\x80";
  }
  findings[1].acknowledged = true;
  const std::vector<UnusedAllowance> unused = {
      {{"policies/b\xff.textproto", 5, 0}, "id\xf4\x90\x80\x80"}};
  const std::string json = LintJson(findings, unused);
  EXPECT_TRUE(CheckJson(json).ok()) << CheckJson(json) << "\n" << json;
  EXPECT_NE(json.find("\"f\\ufffd\""), std::string::npos) << json;
  const std::string sarif = LintSarif(findings);
  EXPECT_TRUE(CheckJson(sarif).ok()) << CheckJson(sarif) << "\n" << sarif;
  EXPECT_NE(sarif.find("\"justification\": \"because \\ufffd"),
            std::string::npos)
      << sarif;
}

TEST(LintCommandTest, SarifOmitsTheRegionOfAWholeFileFinding) {
  std::vector<LintFinding> findings(2);
  findings[0].check = &LintChecks().front();
  findings[0].location = {"policies/bundle.textproto", -1, -1};
  findings[1].check = &LintChecks().front();
  findings[1].location = {"policies/f.textproto", 6, -1};
  const std::string sarif = LintSarif(findings);
  ASSERT_TRUE(CheckJson(sarif).ok()) << CheckJson(sarif);
  const YAML::Node results = YAML::Load(sarif)["runs"][0]["results"];
  ASSERT_EQ(results.size(), 2u) << sarif;
  const YAML::Node whole_file = results[0]["locations"][0]["physicalLocation"];
  EXPECT_EQ(whole_file["artifactLocation"]["uri"].as<std::string>(),
            "policies/bundle.textproto");
  EXPECT_FALSE(whole_file["region"]) << sarif;
  const YAML::Node line_only =
      results[1]["locations"][0]["physicalLocation"]["region"];
  EXPECT_EQ(line_only["startLine"].as<int>(), 7) << sarif;
  EXPECT_FALSE(line_only["startColumn"]) << sarif;
  EXPECT_EQ(sarif.find("\"startLine\": 0"), std::string::npos) << sarif;
}

}  // namespace
}  // namespace rbacc
