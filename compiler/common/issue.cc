#include "compiler/common/issue.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <string>
#include <tuple>
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

const char* SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kNote:
      return "note";
  }
  return "error";
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

void IssueList::AddNote(SourceLocation location, std::string message) {
  issues_.push_back({Severity::kNote, std::move(location), std::move(message)});
}

void IssueList::Append(const IssueList& other) {
  // A copy first: `other` may be this list.
  const std::vector<Issue> added = other.issues_;
  issues_.insert(issues_.end(), added.begin(), added.end());
}

void IssueList::Append(IssueList&& other) {
  if (&other == this) {
    Append(static_cast<const IssueList&>(other));
    return;
  }
  issues_.insert(issues_.end(), std::make_move_iterator(other.issues_.begin()),
                 std::make_move_iterator(other.issues_.end()));
  other.issues_.clear();
}

bool IssueList::has_errors() const {
  return std::any_of(issues_.begin(), issues_.end(), [](const Issue& issue) {
    return issue.severity == Severity::kError;
  });
}

std::string IssueList::Render(
    const std::map<std::string, std::string>& file_texts) const {
  // At most kMaxRenderedIssues: errors first, then warnings, then notes, each
  // in file order, so that no error hides behind warnings. What is shown is
  // printed in file order, issues at one place in the order recorded.
  // Pointers: the list may hold a warning for each of many rules, and only
  // the first few are sorted. Pointers into issues_ compare in the order
  // recorded, so they break ties as a stable sort would.
  std::vector<const Issue*> sorted;
  sorted.reserve(issues_.size());
  for (const Issue& issue : issues_) sorted.push_back(&issue);
  const size_t shown = std::min(sorted.size(), kMaxRenderedIssues);
  if (shown < sorted.size()) {
    std::nth_element(sorted.begin(), sorted.begin() + shown, sorted.end(),
                     [](const Issue* a, const Issue* b) {
                       return std::tie(a->severity, a->location, a) <
                              std::tie(b->severity, b->location, b);
                     });
  }
  std::sort(sorted.begin(), sorted.begin() + shown,
            [](const Issue* a, const Issue* b) {
              return std::tie(a->location, a) < std::tie(b->location, b);
            });
  std::string out;
  for (size_t i = 0; i < shown; ++i) {
    const Issue& issue = *sorted[i];
    absl::StrAppend(&out, issue.location.ToString(), ": ",
                    SeverityName(issue.severity), ": ", issue.message, "\n");
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
  if (sorted.size() > shown) {
    absl::StrAppend(&out, "... and ", sorted.size() - shown, " more\n");
  }
  return out;
}

}  // namespace rbacc
