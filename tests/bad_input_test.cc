// Bad input never crashes and never writes: each case under
// testdata/bad_inputs/ is one defect, run in-process (CommandLineTester) on a
// scratch copy of policies/. The test checks the exact error text and exit code
// (expected.txt) and, when the run failed, that the previous outputs are
// untouched. A few cases are only warnings (exit 0): they pin the warning's
// text.
//
// A case folder holds:
//   args          the command-line arguments, one per line (default:
//   --features=base) policies/...  files that replace or add to the copy of
//   policies/ (optional) remove        paths under the workspace to delete
//   before running, one per line (optional) expected.txt  what rbacc prints on
//   stderr, then "exit: N"
//
// expected.txt is written by the test itself, never by hand: after changing a
// message, run
//   RBACC_UPDATE_GOLDENS=1 bazel run //tests:bad_input_test
// and review the diff.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "compiler/cli/testing/command_line_tester.h"
#include "gtest/gtest.h"
#include "tests/testing/workspace.h"

namespace rbacc {
namespace {

namespace fs = std::filesystem;
using ::rbacc::testing::CheckGolden;
using ::rbacc::testing::CommandLineRun;
using ::rbacc::testing::CommandLineTester;
using ::rbacc::testing::MakeWorkspace;
using ::rbacc::testing::ReadFileOrDie;
using ::rbacc::testing::ReadTree;
using ::rbacc::testing::RunfilePath;
using ::rbacc::testing::Subfolders;
using ::rbacc::testing::WriteFile;

constexpr char kCases[] = "tests/testdata/bad_inputs";

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

// Runs rbacc in-process in `workspace` with `args`; returns its stderr followed
// by "exit: N".
std::string RunAndReport(const std::string& workspace,
                         const std::vector<std::string>& args) {
  const CommandLineRun run = CommandLineTester(workspace).Run(args);
  return absl::StrCat(run.err, "exit: ", run.exit_code, "\n");
}

class BadInputTest : public ::testing::TestWithParam<std::string> {};

TEST_P(BadInputTest, ReportsTheExactErrorAndWritesNothing) {
  const std::string case_dir =
      absl::StrCat(RunfilePath(kCases), "/", GetParam());
  const std::string workspace = MakeWorkspace("bad_" + GetParam());
  for (const auto& [relative, content] : ReadTree(case_dir + "/policies")) {
    WriteFile(absl::StrCat(workspace, "/policies/", relative), content);
  }
  if (fs::exists(case_dir + "/remove")) {
    for (const std::string& path : Lines(ReadFileOrDie(case_dir + "/remove"))) {
      fs::remove(absl::StrCat(workspace, "/", path));
    }
  }
  std::vector<std::string> args = {"--features=base"};
  if (fs::exists(case_dir + "/args"))
    args = Lines(ReadFileOrDie(case_dir + "/args"));

  // Previous outputs that a failed run must leave alone.
  for (const std::string profile : {"custom", "full", "minimal"}) {
    WriteFile(
        absl::StrCat(workspace, "/outputs/skypilot/", profile, "/rbac.yaml"),
        "previous\n");
  }
  const std::map<std::string, std::string> before = ReadTree(workspace);

  const std::string actual = RunAndReport(workspace, args);

  if (!CheckGolden(absl::StrCat(kCases, "/", GetParam(), "/expected.txt"),
                   actual, "//tests:bad_input_test")) {
    return;
  }
  if (actual.find("exit: 0\n") == std::string::npos) {
    EXPECT_NE(actual.find("exit: 2\n"), std::string::npos);
    EXPECT_TRUE(ReadTree(workspace) == before)
        << "a failed run changed the workspace";
  }
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadInputTest,
                         ::testing::ValuesIn(Subfolders(RunfilePath(kCases))),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return absl::StrReplaceAll(info.param, {{"-", "_"}});
                         });

}  // namespace
}  // namespace rbacc
