// The review commands' exact output: each case under testdata/review/ runs
// rbacc in-process (CommandLineTester) with `args` (one argument per line) in
// a scratch workspace holding policies/ and the page's example as page.yaml,
// and compares its stdout, stderr and exit code with `expected.txt`.
//
// expected.txt is written by the test itself, never by hand: after changing
// an output, run
//   RBACC_UPDATE_GOLDENS=1 bazel run //tests:review_golden_test
// and review the diff.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "compiler/cli/testing/command_line_tester.h"
#include "gtest/gtest.h"
#include "tests/testing/workspace.h"

namespace rbacc {
namespace {

using ::rbacc::testing::CheckGolden;
using ::rbacc::testing::CommandLineRun;
using ::rbacc::testing::CommandLineTester;
using ::rbacc::testing::MakeWorkspace;
using ::rbacc::testing::ReadFileOrDie;
using ::rbacc::testing::RunfilePath;
using ::rbacc::testing::Subfolders;
using ::rbacc::testing::WriteFile;

constexpr char kCases[] = "tests/testdata/review";

// Runs rbacc in-process in `workspace`; returns "stdout:\n...stderr:\n...exit:
// N\n".
std::string RunAndReport(const std::string& workspace,
                         const std::vector<std::string>& args) {
  const CommandLineRun run = CommandLineTester(workspace).Run(args);
  return absl::StrCat("stdout:\n", run.out, "stderr:\n", run.err,
                      "exit: ", run.exit_code, "\n");
}

class ReviewGoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ReviewGoldenTest, PrintsTheExpectedOutput) {
  const std::string case_dir =
      absl::StrCat(RunfilePath(kCases), "/", GetParam());
  const std::string workspace = MakeWorkspace("review_" + GetParam());
  WriteFile(workspace + "/page.yaml",
            ReadFileOrDie(RunfilePath("tests/testdata/create-sky-sa.yaml")));
  const std::vector<std::string> args = absl::StrSplit(
      ReadFileOrDie(case_dir + "/args"), '\n', absl::SkipEmpty());

  const std::string actual = RunAndReport(workspace, args);

  if (!CheckGolden(absl::StrCat(kCases, "/", GetParam(), "/expected.txt"),
                   actual, "//tests:review_golden_test")) {
    return;
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, ReviewGoldenTest,
                         ::testing::ValuesIn(Subfolders(RunfilePath(kCases))),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return absl::StrReplaceAll(info.param, {{"-", "_"}});
                         });

}  // namespace
}  // namespace rbacc
