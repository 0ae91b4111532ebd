#include "compiler/common/issue.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace rbacc {
namespace {

// Sets *out to the 0-based line `line` of `text`; false when there is no such
// line.
bool SourceLine(const std::string& text, int line, std::string* out) {
  int current = 0;
  for (absl::string_view piece : absl::StrSplit(text, '\n')) {
    if (current == line) {
      *out = std::string(piece);
      return true;
    }
    ++current;
  }
  return false;
}

}  // namespace

void IssueList::AddError(SourceLocation location, std::string message) {
  issues_.push_back(
      {Severity::kError, std::move(location), std::move(message)});
}

void IssueList::AddWarning(SourceLocation location, std::string message) {
  issues_.push_back(
      {Severity::kWarning, std::move(location), std::move(message)});
}

void IssueList::Append(const IssueList& other) {
  // A copy first: `other` may be this list.
  const std::vector<Issue> added = other.issues_;
  issues_.insert(issues_.end(), added.begin(), added.end());
}

bool IssueList::has_errors() const {
  return std::any_of(issues_.begin(), issues_.end(), [](const Issue& issue) {
    return issue.severity == Severity::kError;
  });
}

std::string IssueList::Render(
    const std::map<std::string, std::string>& file_texts) const {
  std::string out;
  const size_t shown = std::min(issues_.size(), kMaxRenderedIssues);
  for (size_t i = 0; i < shown; ++i) {
    const Issue& issue = issues_[i];
    absl::StrAppend(&out, issue.location.ToString(), ": ",
                    issue.severity == Severity::kError ? "error" : "warning",
                    ": ", issue.message, "\n");
    const auto text = file_texts.find(issue.location.file);
    std::string line;
    if (text == file_texts.end() || issue.location.line < 0 ||
        !SourceLine(text->second, issue.location.line, &line)) {
      continue;
    }
    absl::StrAppend(&out, " | ", line, "\n");
    if (issue.location.column >= 0) {
      absl::StrAppend(&out, " | ", std::string(issue.location.column, '.'),
                      "^\n");
    }
  }
  if (issues_.size() > shown) {
    absl::StrAppend(&out, "... and ", issues_.size() - shown, " more\n");
  }
  return out;
}

}  // namespace rbacc
