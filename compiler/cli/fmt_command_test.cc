// Tests for `rbacc fmt`.
#include "compiler/cli/fmt_command.h"

#include <map>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "compiler/cli/testing/command_line_tester.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/workspace.h"

namespace rbacc {
namespace {

using ::rbacc::testing::CommandLineRun;
using ::rbacc::testing::CommandLineTester;
using ::rbacc::testing::MakeWorkspace;
using ::rbacc::testing::ReadFileOrDie;
using ::rbacc::testing::ReadTree;
using ::rbacc::testing::WriteFile;
using ::testing::HasSubstr;

constexpr char kBase[] = "policies/skypilot/base.textproto";

// base.textproto with its first two fields swapped and a list split in two.
std::string Unformatted(const std::string& canonical) {
  std::string text = canonical;
  const size_t name = text.find("name: \"base\"\n");
  const size_t summary = text.find("summary: ");
  const size_t summary_end = text.find('\n', summary) + 1;
  const std::string summary_line = text.substr(summary, summary_end - summary);
  text.erase(summary, summary_end - summary);
  text.insert(name, summary_line);
  const std::string verbs = "verbs: [\"get\", \"create\"]";
  text.replace(text.find(verbs), verbs.size(),
               "verbs: \"get\"\n   verbs: \"create\"");
  return text;
}

TEST(FmtCommandTest, EveryCommittedPolicyFileIsCanonical) {
  FmtCommandOptions options;
  options.workspace_root = MakeWorkspace("committed");
  options.check = true;
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(RunFmt(options, out, err), 0) << err.str();
  EXPECT_EQ(out.str(), "") << "run: bazel run //compiler -- fmt";
}

TEST(FmtCommandTest, CheckPrintsTheDiffAndWritesNothing) {
  const std::string workspace = MakeWorkspace("check");
  const std::string path = workspace + "/" + kBase;
  const std::string canonical = ReadFileOrDie(path);
  WriteFile(path, Unformatted(canonical));
  const CommandLineRun run =
      CommandLineTester(workspace).Run({"fmt", "--check"});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_THAT(run.out, HasSubstr("--- policies/skypilot/base.textproto\n"
                                 "+++ policies/skypilot/base.textproto\n"));
  EXPECT_THAT(run.out, HasSubstr("-   verbs: \"create\"\n"));
  EXPECT_THAT(run.err, HasSubstr("1 file is not in canonical format"));
  EXPECT_EQ(ReadFileOrDie(path), Unformatted(canonical));
}

TEST(FmtCommandTest, RewritesTheNamedFileInPlace) {
  const std::string workspace = MakeWorkspace("rewrite");
  const std::string path = workspace + "/" + kBase;
  const std::string canonical = ReadFileOrDie(path);
  WriteFile(path, Unformatted(canonical));
  const CommandLineTester tester(workspace);
  const CommandLineRun run = tester.Run({"fmt", kBase});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err, "formatted policies/skypilot/base.textproto\n");
  EXPECT_EQ(ReadFileOrDie(path), canonical);
  const CommandLineRun again = tester.Run({"fmt", "--check", kBase});
  EXPECT_EQ(again.exit_code, 0) << again.out;
  EXPECT_EQ(again.out, "");
}

TEST(FmtCommandTest, AFileThatDoesNotParseStopsEveryWrite) {
  const std::string workspace = MakeWorkspace("bad");
  const std::string path = workspace + "/" + kBase;
  WriteFile(path, Unformatted(ReadFileOrDie(path)));
  WriteFile(workspace + "/policies/skypilot/broken.textproto",
            "name: \"broken\"\nnamespace_rules {\n  verbs: \"get\"\n");
  const std::map<std::string, std::string> before = ReadTree(workspace);
  const CommandLineRun run = CommandLineTester(workspace).Run({"fmt"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err,
              HasSubstr("policies/skypilot/broken.textproto:4:1: error:"));
  EXPECT_THAT(run.err, HasSubstr("rbacc fmt: nothing written"));
  EXPECT_EQ(ReadTree(workspace), before);
}

TEST(FmtCommandTest, AMissingFileIsAnError) {
  const CommandLineRun run = CommandLineTester(MakeWorkspace("missing"))
                                 .Run({"fmt", "policies/nope.textproto"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("policies/nope.textproto"));
}

}  // namespace
}  // namespace rbacc
