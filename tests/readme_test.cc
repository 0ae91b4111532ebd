// The examples of README.md and of every docs/*.md are the compiler's real
// output: every fenced block that opens with `$ bazel run //compiler -- ARGS`
// holds, below that line, exactly what rbacc prints for ARGS in this
// repository (stdout, then stderr); a block whose last line is "..." holds the
// first lines of it. ARGS are written as in a shell: words, '...' and "..."
// quoting, "\" at the end of a line to continue it, and "< FILE" for standard
// input. Every relative link of those documents leads to a file of the
// repository and, into a Markdown file, to one of its headings.
//
// The examples are written by the test itself, never by hand: after changing
// an output, run
//   RBACC_UPDATE_GOLDENS=1 bazel run //tests:readme_test
// and review the diff.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "compiler/cli/commands.h"
#include "gtest/gtest.h"
#include "tests/testing/workspace.h"

namespace rbacc {
namespace {

using ::rbacc::testing::CheckGolden;
using ::rbacc::testing::RbaccRun;
using ::rbacc::testing::ReadFileOrDie;
using ::rbacc::testing::RunfilePath;
using ::rbacc::testing::RunRbacc;
namespace fs = std::filesystem;

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

// A relative link of a Markdown document: `[text](path#anchor)`.
struct MarkdownLink {
  // The path as written, relative to the document's folder; "" for a link
  // into the document itself.
  std::string path;
  // The heading anchor after "#", or "".
  std::string anchor;
  // The document's line that holds it (1-based).
  int line = 0;
};

// Every link of `text` outside fenced code blocks and code spans that is not
// absolute (http:, https:, mailto:).
std::vector<MarkdownLink> RelativeLinks(absl::string_view text) {
  std::vector<MarkdownLink> links;
  bool in_fence = false;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    if (absl::StartsWith(absl::StripLeadingAsciiWhitespace(line), "```")) {
      in_fence = !in_fence;
      continue;
    }
    if (in_fence) continue;
    bool in_code = false;
    for (size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '`') in_code = !in_code;
      if (in_code || line[i] != ']' || i + 1 >= line.size() ||
          line[i + 1] != '(') {
        continue;
      }
      const size_t close = line.find(')', i + 2);
      if (close == absl::string_view::npos) continue;
      const absl::string_view target = line.substr(i + 2, close - i - 2);
      i = close;
      if (absl::StartsWith(target, "http://") ||
          absl::StartsWith(target, "https://") ||
          absl::StartsWith(target, "mailto:")) {
        continue;
      }
      const std::vector<std::string> parts =
          absl::StrSplit(target, absl::MaxSplits('#', 1));
      links.push_back(
          {parts[0], parts.size() > 1 ? parts[1] : "", line_number});
    }
  }
  return links;
}

// The folder of `path` with a final "/", or "" for a top-level file.
std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash + 1);
}

// `path` with "." and "dir/.." removed; "" when it leaves the repository.
std::string NormalizePath(const std::string& path) {
  std::vector<std::string> parts;
  for (absl::string_view part : absl::StrSplit(path, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (parts.empty()) return "";
      parts.pop_back();
    } else {
      parts.emplace_back(part);
    }
  }
  return absl::StrJoin(parts, "/");
}

// The anchors GitHub gives the headings of a Markdown document: the heading
// in lower case, without punctuation, spaces as "-".
std::set<std::string> HeadingAnchors(absl::string_view text) {
  std::set<std::string> anchors;
  bool in_fence = false;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (absl::StartsWith(line, "```")) in_fence = !in_fence;
    if (in_fence || !absl::StartsWith(line, "#")) continue;
    absl::string_view heading = line;
    while (absl::ConsumePrefix(&heading, "#")) {
    }
    heading = absl::StripAsciiWhitespace(heading);
    std::string anchor;
    for (const char c : heading) {
      const auto byte = static_cast<unsigned char>(c);
      if (absl::ascii_isalnum(byte) || c == '-' || c == '_') {
        anchor.push_back(absl::ascii_tolower(byte));
      } else if (c == ' ') {
        anchor.push_back('-');
      }
    }
    anchors.insert(anchor);
  }
  return anchors;
}

// The documents whose examples run: README.md and every docs/*.md of the
// runfiles, sorted (README.md alone when docs/ cannot be read, which
// TheManualIsFound reports).
std::vector<std::string> Documents() {
  std::vector<std::string> documents = {"README.md"};
  std::vector<std::string> docs;
  std::error_code error;
  for (const fs::directory_entry& entry :
       fs::directory_iterator(RunfilePath("docs"), error)) {
    if (entry.path().extension() == ".md") {
      docs.push_back("docs/" + entry.path().filename().string());
    }
  }
  std::sort(docs.begin(), docs.end());
  documents.insert(documents.end(), docs.begin(), docs.end());
  return documents;
}

// The lines of `document` (a path relative to the repository) with every
// example's output replaced by what rbacc prints for it; adds a test failure
// for each example that differs. Sets `examples` to how many it ran.
std::vector<std::string> RunExamples(const std::string& document,
                                     int* examples) {
  const std::string text = ReadFileOrDie(RunfilePath(document));
  const std::vector<std::string> lines = absl::StrSplit(text, '\n');
  std::vector<std::string> regenerated;
  *examples = 0;
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
      if (line >= lines.size()) {
        ADD_FAILURE() << document << ":" << i + 1 << ": unterminated example";
        return regenerated;
      }
      regenerated.push_back(lines[line]);
      absl::string_view part = lines[line];
      const bool continued = absl::ConsumeSuffix(&part, "\\");
      absl::StrAppend(&command_line, command_line.empty() ? "" : " ",
                      absl::StripAsciiWhitespace(part));
      if (!continued) break;
    }
    size_t end = line + 1;
    while (end < lines.size() && !absl::StartsWith(lines[end], "```")) ++end;
    if (end >= lines.size()) {
      ADD_FAILURE() << document << ":" << i + 1 << ": unterminated example";
      return regenerated;
    }
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
        << document << ":" << i + 2 << ": " << command_line;
    regenerated.insert(regenerated.end(), expected.begin(), expected.end());
    ++*examples;
    i = end - 1;
  }
  return regenerated;
}

class DocumentTest : public ::testing::TestWithParam<std::string> {};

TEST_P(DocumentTest, EveryExampleIsWhatTheCompilerPrints) {
  const std::string& document = GetParam();
  int examples = 0;
  const std::vector<std::string> regenerated = RunExamples(document, &examples);
  if (document == "README.md") EXPECT_GE(examples, 10);
  if (std::getenv("RBACC_UPDATE_GOLDENS") != nullptr) {
    CheckGolden(document, absl::StrJoin(regenerated, "\n"),
                "//tests:readme_test");
  }
}

TEST_P(DocumentTest, EveryRelativeLinkLeadsToAFileAndHeading) {
  const std::string& document = GetParam();
  const std::string text = ReadFileOrDie(RunfilePath(document));
  for (const MarkdownLink& link : RelativeLinks(text)) {
    const std::string target =
        link.path.empty() ? document
                          : NormalizePath(DirectoryOf(document) + link.path);
    EXPECT_TRUE(!target.empty() && fs::exists(RunfilePath(target)))
        << document << ":" << link.line << ": link to " << link.path
        << " leads to no file of the repository (" << target << ")";
    if (link.anchor.empty() || !absl::EndsWith(target, ".md") ||
        !fs::exists(RunfilePath(target))) {
      continue;
    }
    const std::set<std::string> anchors =
        HeadingAnchors(ReadFileOrDie(RunfilePath(target)));
    EXPECT_TRUE(anchors.count(link.anchor) > 0)
        << document << ":" << link.line << ": link to " << link.path << "#"
        << link.anchor << ": " << target << " has no such heading";
  }
}

TEST(ReadmeTest, TheManualIsFound) {
  const std::vector<std::string> documents = Documents();
  for (const std::string document :
       {"docs/bazel.md", "docs/commands.md", "docs/contributing.md",
        "docs/gitops.md", "docs/performance.md", "docs/policy-language.md",
        "docs/reliability.md", "docs/skypilot.md"}) {
    EXPECT_NE(std::find(documents.begin(), documents.end(), document),
              documents.end())
        << document;
  }
}

TEST(ReadmeTest, TheCommandsPageShowsEveryCommandsUsage) {
  const std::string commands = ReadFileOrDie(RunfilePath("docs/commands.md"));
  for (const auto& command : Commands()) {
    const std::string example =
        absl::StrCat("\n", kPrompt, command->info().name, " --help\n");
    EXPECT_TRUE(absl::StrContains(commands, example))
        << "docs/commands.md has no example `" << example.substr(1)
        << "`: add a section for the command with it, then run "
           "RBACC_UPDATE_GOLDENS=1 bazel run //tests:readme_test";
  }
}

// "README.md" -> "README_md", as gtest names a parameter.
std::string DocumentName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Documents, DocumentTest,
                         ::testing::ValuesIn(Documents()), DocumentName);

}  // namespace
}  // namespace rbacc
