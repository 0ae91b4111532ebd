// Tests for `rbacc coverage`: exit codes, the identities it evaluates as, and
// its refusal of bad input.
#include "compiler/cli/coverage_command.h"

#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "compiler/cli/compile_command.h"
#include "gtest/gtest.h"
#include "tests/testing/workspace.h"
#include "yaml-cpp/yaml.h"

namespace rbacc {
namespace {

using ::rbacc::testing::MakeWorkspace;
using ::rbacc::testing::RunfilePath;

struct CoverageRun {
  int exit_code;
  std::string out;
  std::string err;
};

CoverageRun Coverage(CoverageOptions options) {
  if (options.workspace_root == ".") {
    options.workspace_root = MakeWorkspace("coverage_command");
  }
  std::ostringstream out;
  std::ostringstream err;
  const int exit_code = RunCoverage(options, out, err);
  return {exit_code, out.str(), err.str()};
}

std::string Demo() { return RunfilePath("tests/testdata/calls-demo"); }

TEST(CoverageCommandTest, DeniedFailingCallExitsOne) {
  CoverageOptions options;
  options.target = absl::StrCat(Demo(), ":full");
  const CoverageRun run = Coverage(options);
  EXPECT_EQ(run.exit_code, kExitStale) << run.out << run.err;
  EXPECT_NE(run.out.find("replacing the ingress for a port fails"),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("note: no --subjects: the launcher is evaluated as "
                         "ServiceAccount:default/demo-sa"),
            std::string::npos)
      << run.out;
}

TEST(CoverageCommandTest, OnlyDegradingDenialsExitZero) {
  CoverageOptions options;
  options.target = absl::StrCat(Demo(), ":minimal");
  const CoverageRun run = Coverage(options);
  EXPECT_EQ(run.exit_code, kExitOk) << run.out << run.err;
  EXPECT_NE(run.out.find("recording the autodown event degrades"),
            std::string::npos)
      << run.out;
}

TEST(CoverageCommandTest, EveryProfileOfTheCallsBundleByDefault) {
  CoverageOptions options;
  options.calls_bundle = Demo();
  options.format = CoverageFormat::kJson;
  const CoverageRun run = Coverage(options);
  EXPECT_EQ(run.exit_code, kExitStale) << run.err;
  const YAML::Node reports = YAML::Load(run.out);
  ASSERT_TRUE(reports.IsSequence()) << run.out;
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0]["target"].as<std::string>(),
            absl::StrCat(Demo(), ":full"));
  EXPECT_TRUE(reports[0]["fails"].as<bool>());
  EXPECT_FALSE(reports[1]["fails"].as<bool>());
}

TEST(CoverageCommandTest, SubjectsAreTheLauncher) {
  CoverageOptions options;
  options.target = absl::StrCat(Demo(), ":full");
  options.overrides.subjects = {{"User:alice"}, {"--subjects"}};
  const CoverageRun run = Coverage(options);
  // alice is bound to every role: her calls are what the account's are.
  EXPECT_EQ(run.exit_code, kExitStale) << run.err;
  EXPECT_NE(run.out.find("denied to User:alice: replacing the ingress"),
            std::string::npos)
      << run.out;
  EXPECT_EQ(run.out.find("note: no --subjects"), std::string::npos);
}

TEST(CoverageCommandTest, TargetBundleWithoutCallsUsesTheDefaultBundlesCalls) {
  CoverageOptions options;
  options.target = "skypilot-docs:full";
  const CoverageRun run = Coverage(options);
  EXPECT_NE(run.err.find("bundle skypilot-docs records no calls; evaluating "
                         "the calls of bundle skypilot"),
            std::string::npos)
      << run.err;
  options.calls_bundle = "skypilot";
  const CoverageRun named = Coverage(options);
  EXPECT_EQ(run.exit_code, named.exit_code);
  EXPECT_EQ(run.out, named.out);
  EXPECT_NE(run.out.find("coverage of skypilot-docs:full"), std::string::npos)
      << run.out;
}

TEST(CoverageCommandTest, NamedBundleWithoutCallsExitsTwo) {
  CoverageOptions options;
  options.target = "skypilot-legacy:full";
  options.calls_bundle = "skypilot-legacy";
  const CoverageRun run = Coverage(options);
  EXPECT_EQ(run.exit_code, kExitError);
  EXPECT_NE(run.err.find("bundle skypilot-legacy records no calls"),
            std::string::npos)
      << run.err;
  EXPECT_EQ(run.out, "");
}

TEST(CoverageCommandTest, UnknownProfileExitsTwo) {
  CoverageOptions options;
  options.target = absl::StrCat(Demo(), ":nope");
  const CoverageRun run = Coverage(options);
  EXPECT_EQ(run.exit_code, kExitError);
  EXPECT_NE(run.err.find("nope"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace rbacc
