#include "compiler/cli/flags.h"

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace rbacc {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

enum class Color { kRed, kGreen };

const EnumValues<Color>& Colors() {
  static const auto* const kColors =
      new EnumValues<Color>{{"red", Color::kRed}, {"green", Color::kGreen}};
  return *kColors;
}

// A flag set with one flag of each kind, a short name and an alias.
FlagSet TestFlags() {
  FlagSet flags;
  flags.AddString("profile", "NAME", "A profile.");
  flags.AddString("namespace", "NS", "A namespace.").short_name = "n";
  flags.AddBool("exit_code", false, "Exit 1 on changes.");
  flags.AddBool("create_service_account", true, "Create it.");
  flags.AddBool("all_namespaces", false, "Everywhere.").short_name = "A";
  flags.AddList("features", "A,B", "Features.");
  flags.AddEnum("color", Colors(), "red", "A color.");
  return flags;
}

// Parses `args` with TestFlags into `flags`; returns the positional
// arguments, failing the test when parsing fails.
std::vector<std::string> ParseOk(const std::vector<std::string>& args,
                                 FlagSet* flags) {
  std::vector<std::string> positional;
  const absl::Status parsed = flags->Parse(args, &positional);
  EXPECT_TRUE(parsed.ok()) << parsed;
  return positional;
}

// The error Parse returns for `args` with TestFlags.
std::string ParseError(const std::vector<std::string>& args) {
  FlagSet flags = TestFlags();
  std::vector<std::string> positional;
  const absl::Status parsed = flags.Parse(args, &positional);
  EXPECT_FALSE(parsed.ok()) << "parsed: " << args.front();
  return std::string(parsed.message());
}

TEST(FlagSetTest, DefaultsWhenNotGiven) {
  FlagSet flags = TestFlags();
  EXPECT_THAT(ParseOk({}, &flags), IsEmpty());
  EXPECT_FALSE(flags.Given("profile"));
  EXPECT_EQ(flags.String("profile"), "");
  EXPECT_FALSE(flags.Bool("exit_code"));
  EXPECT_TRUE(flags.Bool("create_service_account"));
  EXPECT_THAT(flags.List("features"), IsEmpty());
  EXPECT_EQ(flags.Enum("color", Colors()), Color::kRed);
}

TEST(FlagSetTest, ValueWithEqualsOrAsTheNextArgument) {
  FlagSet flags = TestFlags();
  ParseOk({"--profile=full", "--namespace", "team-a"}, &flags);
  EXPECT_EQ(flags.String("profile"), "full");
  EXPECT_EQ(flags.String("namespace"), "team-a");
}

TEST(FlagSetTest, EmptyValueIsGiven) {
  FlagSet flags = TestFlags();
  ParseOk({"--profile=", "--features="}, &flags);
  EXPECT_TRUE(flags.Given("profile"));
  EXPECT_TRUE(flags.Given("features"));
  EXPECT_THAT(flags.List("features"), IsEmpty());
}

TEST(FlagSetTest, ShortNames) {
  FlagSet flags = TestFlags();
  ParseOk({"-n", "kube-system", "-A"}, &flags);
  EXPECT_EQ(flags.String("namespace"), "kube-system");
  EXPECT_TRUE(flags.Bool("all_namespaces"));
  FlagSet equals = TestFlags();
  ParseOk({"-n=default"}, &equals);
  EXPECT_EQ(equals.String("namespace"), "default");
}

TEST(FlagSetTest, DashesAndUnderscoresAreOneName) {
  FlagSet flags = TestFlags();
  ParseOk({"--exit-code", "--all-namespaces"}, &flags);
  EXPECT_TRUE(flags.Bool("exit_code"));
  EXPECT_TRUE(flags.Bool("all_namespaces"));
}

TEST(FlagSetTest, SingleDashLongNames) {
  FlagSet flags = TestFlags();
  ParseOk({"-profile=full"}, &flags);
  EXPECT_EQ(flags.String("profile"), "full");
}

TEST(FlagSetTest, BoolSpellings) {
  FlagSet negated = TestFlags();
  ParseOk({"--nocreate_service_account"}, &negated);
  EXPECT_TRUE(negated.Given("create_service_account"));
  EXPECT_FALSE(negated.Bool("create_service_account"));

  FlagSet explicit_false = TestFlags();
  ParseOk({"--create-service-account=false", "--exit_code=true"},
          &explicit_false);
  EXPECT_FALSE(explicit_false.Bool("create_service_account"));
  EXPECT_TRUE(explicit_false.Bool("exit_code"));
}

TEST(FlagSetTest, BoolDoesNotTakeTheNextArgument) {
  FlagSet flags = TestFlags();
  EXPECT_THAT(ParseOk({"--exit_code", "false"}, &flags), ElementsAre("false"));
  EXPECT_TRUE(flags.Bool("exit_code"));
}

TEST(FlagSetTest, ListsSplitAtCommasAndRepeat) {
  FlagSet flags = TestFlags();
  ParseOk({"--features=base,show-gpus", "--features", "ingress"}, &flags);
  EXPECT_THAT(flags.List("features"),
              ElementsAre("base", "show-gpus", "ingress"));
}

TEST(FlagSetTest, LastStringWins) {
  FlagSet flags = TestFlags();
  ParseOk({"--profile=a", "--profile=b"}, &flags);
  EXPECT_EQ(flags.String("profile"), "b");
}

TEST(FlagSetTest, EnumValue) {
  FlagSet flags = TestFlags();
  ParseOk({"--color=green"}, &flags);
  EXPECT_EQ(flags.Enum("color", Colors()), Color::kGreen);
}

TEST(FlagSetTest, PositionalArgumentsAndDoubleDash) {
  FlagSet flags = TestFlags();
  EXPECT_THAT(
      ParseOk({"get", "--profile=x", "pods", "-", "--", "--exit_code"}, &flags),
      ElementsAre("get", "pods", "-", "--exit_code"));
  EXPECT_FALSE(flags.Given("exit_code"));
}

TEST(FlagSetTest, Help) {
  for (const std::string help : {"-h", "--help"}) {
    FlagSet flags = TestFlags();
    ParseOk({"--profile=x", help}, &flags);
    EXPECT_TRUE(flags.help_requested()) << help;
  }
}

TEST(FlagSetTest, UnknownFlagWithDidYouMean) {
  EXPECT_EQ(ParseError({"--profil=full"}),
            "--profil: error: unknown flag (did you mean \"--profile\"?)");
  EXPECT_EQ(ParseError({"--featuers=base"}),
            "--featuers: error: unknown flag (did you mean \"--features\"?)");
  EXPECT_EQ(ParseError({"--exit-cod"}),
            "--exit-cod: error: unknown flag (did you mean \"--exit_code\"?)");
  EXPECT_EQ(ParseError({"--zzzzzzzz"}), "--zzzzzzzz: error: unknown flag");
  EXPECT_EQ(ParseError({"-x"}), "-x: error: unknown flag");
}

TEST(FlagSetTest, InvalidValues) {
  EXPECT_EQ(ParseError({"--color=blue"}),
            "--color: error: \"blue\" is not red or green");
  EXPECT_EQ(ParseError({"--color=gren"}),
            "--color: error: \"gren\" is not red or green (did you mean "
            "\"green\"?)");
  EXPECT_EQ(ParseError({"--exit_code=maybe"}),
            "--exit_code: error: \"maybe\" is not true or false");
  EXPECT_EQ(ParseError({"--noexit_code=true"}),
            "--noexit_code: error: takes no value; write --noexit_code or "
            "--exit_code=false");
  EXPECT_EQ(ParseError({"--profile"}),
            "--profile: error: missing value; write --profile=NAME");
  EXPECT_EQ(ParseError({"-n"}), "-n: error: missing value; write -n=NS");
  // The next argument is a flag, not the value.
  EXPECT_EQ(ParseError({"--profile", "--exit_code"}),
            "--profile: error: missing value; write --profile=NAME");
  EXPECT_EQ(ParseError({"-n", "-A"}), "-n: error: missing value; write -n=NS");
}

TEST(FlagSetTest, FlagFile) {
  const std::string path = ::testing::TempDir() + "/flags.txt";
  std::ofstream(path) << "# comment\n--profile=full\n\n  -n\n  team-a\n";
  FlagSet flags = TestFlags();
  EXPECT_THAT(ParseOk({"--flagfile=" + path, "get"}, &flags),
              ElementsAre("get"));
  EXPECT_EQ(flags.String("profile"), "full");
  EXPECT_EQ(flags.String("namespace"), "team-a");
  std::remove(path.c_str());
  EXPECT_THAT(ParseError({"--flagfile=" + path}), HasSubstr("cannot read"));
  EXPECT_EQ(ParseError({"--flagfile=/dev/zero"}),
            "--flagfile: error: /dev/zero: is a character device; rbacc reads "
            "regular files only");
}

TEST(FlagSetTest, UsageListsEveryFlagWithItsSpellings) {
  const std::string usage = TestFlags().Usage();
  EXPECT_THAT(usage, HasSubstr("  --profile=NAME\n      A profile.\n"));
  EXPECT_THAT(usage, HasSubstr("  -n, --namespace=NS\n"));
  EXPECT_THAT(usage, HasSubstr("  --exit_code, --noexit_code\n"
                               "      Exit 1 on changes. Default: false.\n"));
  EXPECT_THAT(usage, HasSubstr("  --color=red|green\n"
                               "      A color. Default: red.\n"));
}

}  // namespace
}  // namespace rbacc
