// The command-line interface, run in-process: the command table, every
// command's usage, flag errors and their exit codes, kubectl's spellings and
// --version.
#include "compiler/cli/commands.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "compiler/cli/command.h"
#include "compiler/cli/testing/command_line_tester.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/workspace.h"

namespace rbacc {
namespace {

using ::rbacc::testing::CommandLineRun;
using ::rbacc::testing::CommandLineTester;
using ::rbacc::testing::MakeWorkspace;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

// A tester over a scratch copy of the repository's policies/.
CommandLineTester Tester(const std::string& name) {
  return CommandLineTester(MakeWorkspace(name));
}

std::vector<std::string> CommandNames() {
  std::vector<std::string> names;
  for (const auto& command : Commands()) names.push_back(command->info().name);
  return names;
}

TEST(CommandsTest, TableHasEveryCommandOnce) {
  EXPECT_EQ(CommandNames(), (std::vector<std::string>{
                                "compile", "check", "lint", "list", "diff",
                                "review", "explain", "can-i", "import", "fmt",
                                "graph", "why-forbidden", "coverage"}));
}

TEST(CommandsTest, TopLevelHelpListsEveryCommandWithItsSummary) {
  const CommandLineTester tester = Tester("top_help");
  for (const std::string help : {"--help", "-h", "help"}) {
    const CommandLineRun run = tester.Run({help});
    EXPECT_EQ(run.exit_code, 0) << help;
    EXPECT_THAT(run.err, IsEmpty());
    EXPECT_EQ(run.out, TopLevelUsage());
  }
  for (const auto& command : Commands()) {
    EXPECT_THAT(TopLevelUsage(),
                HasSubstr(absl::StrCat("  ", command->info().name, " ")));
    EXPECT_THAT(TopLevelUsage(), HasSubstr(command->info().summary));
  }
}

class CommandHelpTest : public ::testing::TestWithParam<std::string> {};

TEST_P(CommandHelpTest, PrintsUsageExamplesAndFlagsAndExitsZero) {
  const CommandLineTester tester = Tester("help_" + GetParam());
  const CommandLineRun run = tester.Run({GetParam(), "--help"});
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_THAT(run.err, IsEmpty());
  EXPECT_THAT(run.out, StartsWith("usage: rbacc "));
  EXPECT_THAT(run.out, HasSubstr("\nExamples:\n  bazel run //compiler"));
  EXPECT_THAT(run.out, HasSubstr("  -h, --help\n"));
  EXPECT_EQ(tester.Run({GetParam(), "-h", "--no-such-flag"}).out, run.out);
  EXPECT_EQ(tester.Run({"help", GetParam()}).out, run.out);
}

INSTANTIATE_TEST_SUITE_P(EveryCommand, CommandHelpTest,
                         ::testing::ValuesIn(CommandNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           for (char& c : name) c = c == '-' ? '_' : c;
                           return name;
                         });

TEST(CommandsTest, HelpListsTheCommandsOwnFlags) {
  const CommandLineTester tester = Tester("own_flags");
  const std::string compile = tester.Run({"compile", "--help"}).out;
  EXPECT_THAT(compile, HasSubstr("  -n, --namespace=NS[,NS]\n"));
  EXPECT_THAT(compile, HasSubstr("  --lint=warn|error|off\n"));
  EXPECT_THAT(compile, HasSubstr("  --check, --nocheck\n"));
  const std::string can_i = tester.Run({"can-i", "--help"}).out;
  EXPECT_THAT(can_i, HasSubstr("  -A, --all_namespaces, --noall_namespaces\n"));
  EXPECT_THAT(can_i, HasSubstr("  --target_namespace=NS[,NS]\n"));
  EXPECT_THAT(can_i, HasSubstr("Flag errors (an unknown flag, a bad value) "
                               "exit 2."));
  EXPECT_THAT(tester.Run({"diff", "--help"}).out,
              HasSubstr("  --format=text|markdown|json\n"));
  EXPECT_THAT(tester.Run({"check", "--help"}).out,
              ::testing::Not(HasSubstr("  --check, --nocheck")));
}

TEST(CommandsTest, UnknownFlagExitsTwoWithDidYouMean) {
  const CommandLineTester tester = Tester("unknown_flag");
  const CommandLineRun run = tester.Run({"lint", "--featuers=base"});
  EXPECT_EQ(run.exit_code, kExitUsage);
  EXPECT_THAT(run.out, IsEmpty());
  EXPECT_EQ(run.err,
            "--featuers: error: unknown flag (did you mean \"--features\"?); "
            "see rbacc lint --help\n");
  EXPECT_EQ(tester.Run({"--profil=full"}).err,
            "--profil: error: unknown flag (did you mean \"--profile\"?); see "
            "rbacc compile --help\n");
}

TEST(CommandsTest, FlagErrorsExitTwoEvenForCanI) {
  const CommandLineTester tester = Tester("can_i_flags");
  const CommandLineRun unknown =
      tester.Run({"can-i", "get", "pods", "--profil=full"});
  EXPECT_EQ(unknown.exit_code, kExitUsage);
  EXPECT_THAT(unknown.err, HasSubstr("did you mean \"--profile\"?"));
  EXPECT_THAT(unknown.err, HasSubstr("see rbacc can-i --help"));
  EXPECT_EQ(tester.Run({"can-i", "get", "pods", "--profile"}).exit_code,
            kExitUsage);
}

TEST(CommandsTest, InvalidValuesExitTwo) {
  const CommandLineTester tester = Tester("bad_values");
  const CommandLineRun format =
      tester.Run({"diff", "minimal", "full", "--format=yaml"});
  EXPECT_EQ(format.exit_code, kExitUsage);
  EXPECT_EQ(format.err,
            "--format: error: \"yaml\" is not text, markdown or json; see "
            "rbacc diff --help\n");
  const CommandLineRun scope =
      tester.Run({"--profile=minimal", "--cluster_scope=namespace"});
  EXPECT_EQ(scope.exit_code, kExitUsage);
  EXPECT_THAT(scope.err,
              HasSubstr("--cluster_scope: error: \"namespace\" is not full or "
                        "none"));
  const CommandLineRun missing = tester.Run({"graph", "--format"});
  EXPECT_EQ(missing.exit_code, kExitUsage);
  EXPECT_THAT(missing.err, HasSubstr("--format: error: missing value"));
}

TEST(CommandsTest, PositionalArgumentACommandDoesNotTake) {
  const CommandLineTester tester = Tester("positional");
  const CommandLineRun run = tester.Run({"lint", "full"});
  EXPECT_EQ(run.exit_code, kExitUsage);
  EXPECT_THAT(run.err, HasSubstr("rbacc lint: error: unexpected argument "
                                 "\"full\""));
  EXPECT_THAT(run.err, HasSubstr("see rbacc lint --help"));
}

TEST(CommandsTest, CheckWithOutDirStdoutIsAnError) {
  const CommandLineTester tester = Tester("check_stdout");
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{
           {"--features=base", "--check", "--out_dir=-"},
           {"check", "--features=base", "--out_dir=-"}}) {
    const CommandLineRun run = tester.Run(args);
    EXPECT_EQ(run.exit_code, kExitUsage) << args[0];
    EXPECT_THAT(run.out, IsEmpty());
    EXPECT_THAT(run.err, HasSubstr("--out_dir: error: \"-\" prints rbac.yaml"));
  }
}

TEST(CommandsTest, UnknownCommandExitsTwoWithDidYouMean) {
  const CommandLineRun run = Tester("unknown_command").Run({"lnit"});
  EXPECT_EQ(run.exit_code, kExitUsage);
  EXPECT_THAT(run.err, HasSubstr("unknown command \"lnit\" (did you mean "
                                 "\"lint\"?)"));
}

TEST(CommandsTest, KubectlNamespaceSpellings) {
  const CommandLineTester tester = Tester("kubectl_spellings");
  const CommandLineRun long_form = tester.Run(
      {"can-i", "list", "pods", "--profile=minimal", "--namespace=other"});
  const CommandLineRun short_form =
      tester.Run({"can-i", "list", "pods", "--profile=minimal", "-n", "other"});
  const CommandLineRun home =
      tester.Run({"can-i", "list", "pods", "--profile=minimal"});
  EXPECT_EQ(short_form.out, long_form.out);
  EXPECT_EQ(short_form.exit_code, long_form.exit_code);
  // The service account may list pods in its own namespace, not in another.
  EXPECT_EQ(home.out, "yes\n");
  EXPECT_EQ(short_form.out, "no\n");
}

TEST(CommandsTest, ExplainRequestNamespaceShortName) {
  const CommandLineTester tester = Tester("explain_short_namespace");
  const CommandLineRun short_form = tester.Run(
      {"explain", "list", "pods", "--profile=minimal", "-n", "kube-system"});
  EXPECT_EQ(short_form.exit_code, 0) << short_form.err;
  EXPECT_THAT(short_form.out, HasSubstr("no: nothing allows list pods in "
                                        "namespace kube-system\n"));
  EXPECT_EQ(short_form.out,
            tester
                .Run({"explain", "list", "pods", "--profile=minimal",
                      "--namespace=kube-system"})
                .out);
}

TEST(CommandsTest, KubectlAllNamespacesSpellings) {
  const CommandLineTester tester = Tester("all_namespaces");
  const CommandLineRun dashed = tester.Run(
      {"can-i", "list", "pods", "--profile=minimal", "--all-namespaces"});
  const CommandLineRun short_form =
      tester.Run({"can-i", "list", "pods", "--profile=minimal", "-A"});
  EXPECT_EQ(dashed.out, "no\n");
  EXPECT_EQ(short_form.out, dashed.out);
  EXPECT_EQ(short_form.exit_code, dashed.exit_code);
  EXPECT_EQ(
      tester.Run({"can-i", "list", "nodes", "--profile=minimal", "-A"}).out,
      "yes\n");
}

TEST(CommandsTest, CompileTargetNamespaceShortName) {
  const CommandLineTester tester = Tester("compile_short_namespace");
  const CommandLineRun run =
      tester.Run({"--features=base", "-n", "team-a", "--out_dir=-"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("namespace: team-a\n"));
  EXPECT_EQ(
      run.out,
      tester.Run({"--features=base", "--namespace=team-a", "--out_dir=-"}).out);
}

TEST(CommandsTest, VersionPrintsTheVersionAndEveryBundleDigest) {
  const CommandLineRun run = Tester("version").Run({"--version"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, StartsWith("rbacc "));
  EXPECT_THAT(run.out, HasSubstr("\nbundle skypilot@"));
  EXPECT_THAT(run.out, HasSubstr("\nbundle skypilot-legacy@"));
}

TEST(CommandsTest, WhyForbiddenReadsStandardInput) {
  const CommandLineTester tester = Tester("why_forbidden_stdin");
  const std::string message =
      "pods is forbidden: User \"system:serviceaccount:default:sky-sa\" "
      "cannot list resource \"pods\" in API group \"\" in the namespace "
      "\"kube-system\"";
  const CommandLineRun from_stdin =
      tester.Run({"why-forbidden", "--profile=minimal"}, message);
  EXPECT_EQ(from_stdin.exit_code, 0) << from_stdin.err;
  EXPECT_THAT(from_stdin.out, StartsWith("Forbidden: list pods"));
  EXPECT_EQ(tester.Run({"why-forbidden", "--profile=minimal", message}).out,
            from_stdin.out);
}

}  // namespace
}  // namespace rbacc
