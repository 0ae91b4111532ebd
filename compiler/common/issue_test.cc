// Tests for IssueList: recording issues, and rendering them clang-style with
// 1-based positions, the offending source line and a caret.
#include "compiler/common/issue.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "compiler/common/source_location.h"
#include "gtest/gtest.h"

namespace rbacc {
namespace {

SourceLocation At(std::string file, int line = -1, int column = -1) {
  SourceLocation location;
  location.file = std::move(file);
  location.line = line;
  location.column = column;
  return location;
}

// Counts the occurrences of `needle` in `haystack`.
int Count(const std::string& haystack, const std::string& needle) {
  int count = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size())) {
    ++count;
  }
  return count;
}

struct RenderCase {
  std::string description;
  Severity severity;
  SourceLocation location;
  std::string message;
  std::map<std::string, std::string> file_texts;
  std::string expected;
};

const std::map<std::string, std::string> kFeatureText = {
    {"policies/sky/exec.textproto",
     "name: \"exec\"\nrule {\n  verbs: \"craete\"\n}\n"}};

TEST(IssueListRenderTest, RendersOneIssue) {
  const std::vector<RenderCase> cases = {
      {"error with 1-based line and column",
       Severity::kError,
       At("policies/sky/exec.textproto", 2, 9),
       "unknown verb",
       {},
       "policies/sky/exec.textproto:3:10: error: unknown verb\n"},
      {"first position is 1:1",
       Severity::kError,
       At("a.textproto", 0, 0),
       "bad",
       {},
       "a.textproto:1:1: error: bad\n"},
      {"warning",
       Severity::kWarning,
       At("a.textproto", 4, 1),
       "unused feature",
       {},
       "a.textproto:5:2: warning: unused feature\n"},
      {"flag has no line",
       Severity::kError,
       At("--features"),
       "unknown feature \"gpu\"",
       {},
       "--features: error: unknown feature \"gpu\"\n"},
      {"line without column",
       Severity::kError,
       At("a.textproto", 6),
       "m",
       {},
       "a.textproto:7: error: m\n"},
      {"source line and caret under the column", Severity::kError,
       At("policies/sky/exec.textproto", 2, 9), "unknown verb", kFeatureText,
       "policies/sky/exec.textproto:3:10: error: unknown verb\n"
       " |   verbs: \"craete\"\n"
       " | .........^\n"},
      {"caret at the first column", Severity::kWarning,
       At("policies/sky/exec.textproto", 0, 0), "w", kFeatureText,
       "policies/sky/exec.textproto:1:1: warning: w\n"
       " | name: \"exec\"\n"
       " | ^\n"},
      {"source line without column has no caret", Severity::kError,
       At("policies/sky/exec.textproto", 1), "m", kFeatureText,
       "policies/sky/exec.textproto:2: error: m\n"
       " | rule {\n"},
      {"whole file has no source line", Severity::kError,
       At("policies/sky/exec.textproto"), "m", kFeatureText,
       "policies/sky/exec.textproto: error: m\n"},
      {"file without text has no source line", Severity::kError,
       At("policies/sky/other.textproto", 2, 9), "m", kFeatureText,
       "policies/sky/other.textproto:3:10: error: m\n"},
  };
  for (const RenderCase& c : cases) {
    IssueList issues;
    if (c.severity == Severity::kError) {
      issues.AddError(c.location, c.message);
    } else {
      issues.AddWarning(c.location, c.message);
    }
    EXPECT_EQ(issues.Render(c.file_texts), c.expected) << c.description;
  }
}

TEST(IssueListRenderTest, EmptyListRendersNothing) {
  EXPECT_EQ(IssueList().Render(), "");
}

TEST(IssueListRenderTest, RendersIssuesInOrderOfPlace) {
  IssueList issues;
  issues.AddWarning(At("b.textproto", 0, 0), "first");
  issues.AddError(At("a.textproto", 2, 0), "second");
  issues.AddError(At("a.textproto", 0, 4), "third");
  issues.AddNote(At("a.textproto", 0, 4), "fourth");
  issues.AddError(SourceLocation{"--features"}, "fifth");
  EXPECT_EQ(issues.Render(),
            "--features: error: fifth\n"
            "a.textproto:1:5: error: third\n"
            "a.textproto:1:5: note: fourth\n"
            "a.textproto:3:1: error: second\n"
            "b.textproto:1:1: warning: first\n");
}

TEST(IssueListRenderTest, CapsRenderedIssues) {
  ASSERT_EQ(kMaxRenderedIssues, 50u);
  IssueList issues;
  for (int i = 0; i < 53; ++i) {
    issues.AddError(At("f.textproto", i, 0), "issue " + std::to_string(i));
  }
  const std::string rendered = issues.Render();
  EXPECT_EQ(Count(rendered, ": error: issue "), 50);
  EXPECT_NE(rendered.find("f.textproto:1:1: error: issue 0\n"),
            std::string::npos);
  EXPECT_NE(rendered.find("f.textproto:50:1: error: issue 49\n"),
            std::string::npos);
  EXPECT_EQ(rendered.find("issue 50"), std::string::npos);
  const std::string tail = "... and 3 more\n";
  ASSERT_GE(rendered.size(), tail.size());
  EXPECT_EQ(rendered.substr(rendered.size() - tail.size()), tail);
  // Every issue is still recorded.
  EXPECT_EQ(issues.issues().size(), 53u);
}

TEST(IssueListRenderTest, CapsInOrderOfPlaceThenOfRecording) {
  // 200 issues over 10 lines, recorded round-robin: the first 50 in place
  // order are the 20 of line 1, the 20 of line 2 and the first 10 of line 3,
  // each line's in the order recorded.
  IssueList issues;
  for (int i = 0; i < 200; ++i) {
    issues.AddWarning(At("f.textproto", 9 - i % 10, 0),
                      "issue " + std::to_string(i));
  }
  std::string expected;
  for (int line = 0; line < 3; ++line) {
    for (int i = 9 - line; i < 200 && (line < 2 || i < 100); i += 10) {
      expected += "f.textproto:" + std::to_string(line + 1) +
                  ":1: warning: issue " + std::to_string(i) + "\n";
    }
  }
  expected += "... and 150 more\n";
  EXPECT_EQ(issues.Render(), expected);
}

TEST(IssueListRenderTest, CapsErrorsFirstThenWarningsThenNotes) {
  // 60 warnings and notes before one error: the error is shown, then the
  // warnings of the first places; what is shown is printed in place order.
  IssueList issues;
  for (int i = 0; i < 30; ++i) {
    issues.AddNote(At("a.textproto", i, 0), "note " + std::to_string(i));
    issues.AddWarning(At("b.textproto", i, 0), "warning " + std::to_string(i));
  }
  issues.AddError(At("c.textproto", 5, 0), "the error");
  const std::string rendered = issues.Render();
  ASSERT_NE(rendered.find("c.textproto:6:1: error: the error\n"),
            std::string::npos)
      << rendered;
  EXPECT_EQ(Count(rendered, ": warning: "), 30) << rendered;
  EXPECT_NE(rendered.find("a.textproto:19:1: note: note 18\n"),
            std::string::npos)
      << rendered;
  EXPECT_EQ(rendered.find("a.textproto:20:1:"), std::string::npos) << rendered;
  EXPECT_LT(rendered.find("a.textproto:1:1:"),
            rendered.find("b.textproto:1:1:"));
  EXPECT_LT(rendered.find("b.textproto:30:1:"),
            rendered.find("c.textproto:6:1:"));
  EXPECT_NE(rendered.find("... and 11 more\n"), std::string::npos) << rendered;
}

TEST(IssueListRenderTest, NoSummaryAtTheCap) {
  IssueList issues;
  for (size_t i = 0; i < kMaxRenderedIssues; ++i) {
    issues.AddWarning(At("--features"), "w");
  }
  const std::string rendered = issues.Render();
  EXPECT_EQ(Count(rendered, "--features: warning: w\n"),
            static_cast<int>(kMaxRenderedIssues));
  EXPECT_EQ(rendered.find("more"), std::string::npos);
}

TEST(IssueListTest, HasErrors) {
  IssueList issues;
  EXPECT_FALSE(issues.has_errors());
  issues.AddWarning(At("a"), "w1");
  issues.AddWarning(At("b"), "w2");
  EXPECT_FALSE(issues.has_errors());
  issues.AddError(At("c"), "e");
  EXPECT_TRUE(issues.has_errors());
}

TEST(IssueListTest, RecordsSeverityLocationAndMessage) {
  IssueList issues;
  issues.AddError(At("a.textproto", 3, 4), "e");
  issues.AddWarning(At("--profile"), "w");
  ASSERT_EQ(issues.issues().size(), 2u);
  EXPECT_EQ(issues.issues()[0].severity, Severity::kError);
  EXPECT_EQ(issues.issues()[0].location, At("a.textproto", 3, 4));
  EXPECT_EQ(issues.issues()[0].message, "e");
  EXPECT_EQ(issues.issues()[1].severity, Severity::kWarning);
  EXPECT_EQ(issues.issues()[1].location, At("--profile"));
  EXPECT_EQ(issues.issues()[1].message, "w");
}

TEST(IssueListTest, AppendKeepsOrder) {
  IssueList first;
  first.AddError(At("a"), "1");
  first.AddWarning(At("a"), "2");
  IssueList second;
  second.AddWarning(At("b"), "3");
  second.AddError(At("b"), "4");

  first.Append(second);

  std::vector<std::string> messages;
  for (const Issue& issue : first.issues()) messages.push_back(issue.message);
  EXPECT_EQ(messages, (std::vector<std::string>{"1", "2", "3", "4"}));
  EXPECT_EQ(first.issues()[2].severity, Severity::kWarning);
  EXPECT_EQ(first.issues()[2].location.file, "b");
  EXPECT_EQ(first.issues()[3].severity, Severity::kError);
  // The appended list is unchanged.
  EXPECT_EQ(second.issues().size(), 2u);
}

TEST(IssueListTest, AppendMovedKeepsOrderAndEmptiesTheOther) {
  IssueList first;
  first.AddError(At("a"), "1");
  IssueList second;
  second.AddWarning(At("b"), "2");
  second.AddError(At("b"), "3");

  first.Append(std::move(second));

  std::vector<std::string> messages;
  for (const Issue& issue : first.issues()) messages.push_back(issue.message);
  EXPECT_EQ(messages, (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(first.issues()[1].severity, Severity::kWarning);
  EXPECT_EQ(first.issues()[1].location.file, "b");
  EXPECT_TRUE(second.issues().empty());  // NOLINT(bugprone-use-after-move)
  // A list appended to itself doubles.
  first.Append(std::move(first));  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(first.issues().size(), 6u);
}

TEST(IssueListTest, AppendingErrorsSetsHasErrors) {
  IssueList warnings;
  warnings.AddWarning(At("a"), "w");
  IssueList errors;
  errors.AddError(At("b"), "e");
  warnings.Append(IssueList());
  EXPECT_FALSE(warnings.has_errors());
  warnings.Append(errors);
  EXPECT_TRUE(warnings.has_errors());
}

}  // namespace
}  // namespace rbacc
