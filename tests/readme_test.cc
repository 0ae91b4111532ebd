// The README's examples are the compiler's real output: every fenced block
// that opens with `$ bazel run //compiler -- ARGS` holds, below that line,
// exactly what rbacc prints for ARGS in this repository (stdout, then
// stderr); a block whose last line is "..." holds the first lines of it.
// ARGS are written as in a shell: words, '...' and "..." quoting, "\" at the
// end of a line to continue it, and "< FILE" for standard input.
//
// The README's examples are written by the test itself, never by hand: after
// changing an output, run
//   RBACC_UPDATE_GOLDENS=1 bazel run //tests:readme_test
// and review the diff.
#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "tests/testing/workspace.h"

namespace rbacc {
namespace {

using ::rbacc::testing::CheckGolden;
using ::rbacc::testing::RbaccRun;
using ::rbacc::testing::ReadFileOrDie;
using ::rbacc::testing::RunfilePath;
using ::rbacc::testing::RunRbacc;

constexpr absl::string_view kPrompt = "$ bazel run //compiler -- ";

// A command line of an example: the arguments after `--`, and the file given
// as standard input ("" for none), relative to the repository.
struct ExampleCommand {
  std::vector<std::string> args;
  std::string stdin_path;
};

// Splits `line` as a shell would: words, '...' and "..." quoting (no escapes
// inside), and "< FILE". Adds a test failure for an unterminated quote.
ExampleCommand ParseCommandLine(absl::string_view line) {
  ExampleCommand command;
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == ' ') {
      if (in_word) words.push_back(word);
      word.clear();
      in_word = false;
    } else if (c == '\'' || c == '"') {
      const size_t end = line.find(c, i + 1);
      if (end == absl::string_view::npos) {
        ADD_FAILURE() << "unterminated " << c << " in: " << line;
        return command;
      }
      absl::StrAppend(&word, line.substr(i + 1, end - i - 1));
      in_word = true;
      i = end;
    } else {
      word.push_back(c);
      in_word = true;
    }
  }
  if (in_word) words.push_back(word);
  for (size_t i = 0; i < words.size(); ++i) {
    if (words[i] == "<" && i + 1 < words.size()) {
      command.stdin_path = words[++i];
    } else {
      command.args.push_back(words[i]);
    }
  }
  return command;
}

// What rbacc prints for `command` in the repository of the runfiles, as an
// example shows it: stdout then stderr, without the final newline.
std::string RunExample(const ExampleCommand& command) {
  const std::string repository = RunfilePath("");
  const RbaccRun run = RunRbacc(
      repository, command.args, "", "",
      command.stdin_path.empty() ? "" : repository + command.stdin_path);
  std::string printed = run.out + run.err;
  while (absl::EndsWith(printed, "\n")) printed.pop_back();
  return printed;
}

TEST(ReadmeTest, EveryExampleIsWhatTheCompilerPrints) {
  const std::string readme = ReadFileOrDie(RunfilePath("README.md"));
  const std::vector<std::string> lines = absl::StrSplit(readme, '\n');
  std::vector<std::string> regenerated;
  int examples = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    regenerated.push_back(lines[i]);
    if (!absl::StartsWith(lines[i], "```") || i + 1 >= lines.size() ||
        !absl::StartsWith(lines[i + 1], kPrompt)) {
      continue;
    }
    // The command, over lines ending in "\".
    std::string command_line;
    size_t line = i + 1;
    for (;; ++line) {
      ASSERT_LT(line, lines.size()) << "unterminated example at line " << i + 1;
      regenerated.push_back(lines[line]);
      absl::string_view part = lines[line];
      const bool continued = absl::ConsumeSuffix(&part, "\\");
      absl::StrAppend(&command_line, command_line.empty() ? "" : " ",
                      absl::StripAsciiWhitespace(part));
      if (!continued) break;
    }
    size_t end = line + 1;
    while (end < lines.size() && !absl::StartsWith(lines[end], "```")) ++end;
    ASSERT_LT(end, lines.size()) << "unterminated example at line " << i + 1;
    const std::vector<std::string> shown(lines.begin() + line + 1,
                                         lines.begin() + end);

    const ExampleCommand command =
        ParseCommandLine(command_line.substr(kPrompt.size()));
    const std::vector<std::string> printed =
        absl::StrSplit(RunExample(command), '\n');
    std::vector<std::string> expected = printed;
    if (!shown.empty() && shown.back() == "...") {
      expected.resize(std::min(printed.size(), shown.size() - 1));
      expected.push_back("...");
    }
    EXPECT_EQ(absl::StrJoin(shown, "\n"), absl::StrJoin(expected, "\n"))
        << "README.md:" << i + 2 << ": " << command_line;
    regenerated.insert(regenerated.end(), expected.begin(), expected.end());
    ++examples;
    i = end - 1;
  }
  EXPECT_GE(examples, 5);
  if (std::getenv("RBACC_UPDATE_GOLDENS") != nullptr) {
    CheckGolden("README.md", absl::StrJoin(regenerated, "\n"),
                "//tests:readme_test");
  }
}

}  // namespace
}  // namespace rbacc
