// Mistakes found in the input, collected with their locations so that one run
// reports them all.
//
// Two error channels, as in cel-cpp's checker: a mistake in the user's input (a
// policy typo, a bad flag) is an Issue added to an IssueList and the stage
// keeps going; a non-OK absl::Status means a stage could not reasonably finish
// (a file that cannot be read, a broken invariant).
#ifndef RBACC_COMPILER_COMMON_ISSUE_H_
#define RBACC_COMPILER_COMMON_ISSUE_H_

#include <map>
#include <string>
#include <vector>

#include "compiler/common/source_location.h"

namespace rbacc {

// How bad an issue is.
enum class Severity {
  // The input is wrong: nothing is written and the exit code is 2.
  kError,
  // Probably a mistake, but the output is still correct and written.
  kWarning,
  // Information, such as an acknowledged lint finding.
  kNote,
};

// One mistake in the input.
struct Issue {
  Severity severity = Severity::kError;
  // Where the mistake is.
  SourceLocation location;
  // What is wrong and what to do about it, in one or two sentences.
  std::string message;
};

// The most issues Render prints before summarising the rest as "N more".
inline constexpr size_t kMaxRenderedIssues = 50;

// An accumulator of issues, passed to every stage.
class IssueList {
 public:
  // Records an error at `location`.
  void AddError(SourceLocation location, std::string message);
  // Records a warning at `location`.
  void AddWarning(SourceLocation location, std::string message);
  // Records a note at `location`.
  void AddNote(SourceLocation location, std::string message);
  // Appends every issue of `other`.
  void Append(const IssueList& other);
  // Appends every issue of `other` by moving them, leaving `other` empty.
  void Append(IssueList&& other);

  // True when at least one error was recorded.
  bool has_errors() const;
  // Every issue in the order recorded.
  const std::vector<Issue>& issues() const { return issues_; }

  // Renders each issue as "file:line:col: error: message" (1-based line and
  // column), followed, when `file_texts` holds the file, by the source line and
  // a caret under the column, as clang does. Prints at most kMaxRenderedIssues
  // issues (errors first, then warnings, then notes; those shown in order of
  // place), then "... and N more".
  std::string Render(
      const std::map<std::string, std::string>& file_texts = {}) const;

 private:
  std::vector<Issue> issues_;
};

}  // namespace rbacc

#endif  // RBACC_COMPILER_COMMON_ISSUE_H_
