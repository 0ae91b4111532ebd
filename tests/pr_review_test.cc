// `rbacc review --base=DIR` end to end: a base workspace and a changed one
// (the committed policies with the files under testdata/pr_review/base/ and
// .../head/ laid over them: a profile removed, one added, one given another
// feature) give the report in testdata/pr_review/expected.txt (stdout, stderr
// and exit code). The golden file is written by the test itself, never by
// hand: RBACC_UPDATE_GOLDENS=1 bazel run //tests:pr_review_test
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "compiler/cli/testing/command_line_tester.h"
#include "gtest/gtest.h"
#include "tests/testing/workspace.h"

namespace rbacc {
namespace {

using ::rbacc::testing::CheckGolden;
using ::rbacc::testing::CommandLineRun;
using ::rbacc::testing::CommandLineTester;
using ::rbacc::testing::MakeWorkspace;
using ::rbacc::testing::ReadTree;
using ::rbacc::testing::RunfilePath;
using ::rbacc::testing::WriteFile;

constexpr char kFixture[] = "tests/testdata/pr_review";

// A workspace named `name` holding the committed policies with the files of
// the fixture's `side` folder laid over them.
std::string SideWorkspace(const std::string& name, const std::string& side) {
  const std::string workspace = MakeWorkspace(name);
  for (const auto& [relative, text] :
       ReadTree(RunfilePath(absl::StrCat(kFixture, "/", side)))) {
    WriteFile(absl::StrCat(workspace, "/", relative), text);
  }
  return workspace;
}

// "stdout:\n...stderr:\n...exit: N\n".
std::string Report(const CommandLineRun& run) {
  return absl::StrCat("stdout:\n", run.out, "stderr:\n", run.err,
                      "exit: ", run.exit_code, "\n");
}

TEST(PrReviewTest, ReportsEveryChangedAddedAndRemovedProfile) {
  SideWorkspace("pr_review_base", "base");
  const std::string head = SideWorkspace("pr_review_head", "head");
  const CommandLineRun run = CommandLineTester(head).Run(
      {"review", "--base=../pr_review_base", "--exit_code"});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  CheckGolden(absl::StrCat(kFixture, "/expected.txt"), Report(run),
              "//tests:pr_review_test");
}

TEST(PrReviewTest, UnchangedWorkspaceReportsNothingAndExitsZero) {
  const std::string base = MakeWorkspace("pr_review_same_base");
  const std::string head = MakeWorkspace("pr_review_same_head");
  const CommandLineRun run =
      CommandLineTester(head).Run({"review", "--base=" + base, "--exit_code"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(absl::StrContains(run.out, ": 0 changed, 0 added, 0 removed.\n"))
      << run.out;
  EXPECT_FALSE(absl::StrContains(run.out, "## ")) << run.out;
}

TEST(PrReviewTest, BaseThatDoesNotCompileExitsTwo) {
  const std::string head = MakeWorkspace("pr_review_broken_head");
  const std::string base = MakeWorkspace("pr_review_broken_base");
  WriteFile(base + "/policies/skypilot/profiles/minimal.textproto",
            "name: \"minimal\"\nfeatures: \"no-such-feature\"\n");
  const CommandLineRun run =
      CommandLineTester(head).Run({"review", "--base=" + base});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(run.err, "no-such-feature")) << run.err;
  EXPECT_TRUE(absl::StrContains(run.err, "does not compile")) << run.err;
  EXPECT_EQ(run.out, "");
}

TEST(PrReviewTest, MissingBaseIsAUsageError) {
  const CommandLineRun run =
      CommandLineTester(MakeWorkspace("pr_review_usage")).Run({"review"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(run.err, "--base=DIR is required")) << run.err;
}

}  // namespace
}  // namespace rbacc
