#include "compiler/common/unified_diff.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace rbacc {
namespace {

// One line of the edit script: ' ' kept, '-' removed, '+' added.
struct Edit {
  char op;
  // Index in `before` (for ' ' and '-') or `after` (for '+').
  size_t line;
};

std::vector<std::string> Lines(const std::string& text, bool* missing_newline) {
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  *missing_newline = !text.empty() && text.back() != '\n';
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

}  // namespace

std::string UnifiedDiff(const std::string& before, const std::string& after,
                        const std::string& before_name,
                        const std::string& after_name, int context) {
  if (before == after) return "";
  bool a_open = false, b_open = false;
  const std::vector<std::string> a = Lines(before, &a_open);
  const std::vector<std::string> b = Lines(after, &b_open);
  const size_t n = a.size(), m = b.size();
  // lcs[i][j]: length of the longest common subsequence of a[i:] and b[j:].
  std::vector<std::vector<int>> lcs(n + 1, std::vector<int>(m + 1, 0));
  for (size_t i = n; i-- > 0;) {
    for (size_t j = m; j-- > 0;) {
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1
                               : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  std::vector<Edit> edits;
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    // The last lines differ when only one text ends with a newline.
    const bool same_end = !(i == n - 1 && j == m - 1 && a_open != b_open);
    if (i < n && j < m && a[i] == b[j] && same_end) {
      edits.push_back({' ', i++});
      ++j;
    } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      edits.push_back({'-', i++});
    } else {
      edits.push_back({'+', j++});
    }
  }

  std::string out =
      absl::StrCat("--- ", before_name, "\n+++ ", after_name, "\n");
  size_t k = 0;
  while (k < edits.size()) {
    if (edits[k].op == ' ') {
      ++k;
      continue;
    }
    // A hunk: from `context` kept lines before this change to `context` kept
    // lines after the last change that is at most 2 * context lines later.
    const size_t start = k >= static_cast<size_t>(context) ? k - context : 0;
    size_t end = k;
    size_t kept_run = 0;
    for (size_t e = k; e < edits.size(); ++e) {
      if (edits[e].op == ' ') {
        if (++kept_run > static_cast<size_t>(2 * context)) break;
      } else {
        kept_run = 0;
        end = e;
      }
    }
    const size_t stop =
        std::min(edits.size(), end + 1 + static_cast<size_t>(context));
    size_t a_start = 0, a_count = 0, b_start = 0, b_count = 0;
    bool a_set = false, b_set = false;
    // Line numbers: the position in each text where the hunk starts.
    size_t a_pos = 0, b_pos = 0;
    for (size_t e = 0; e < start; ++e) {
      if (edits[e].op != '+') ++a_pos;
      if (edits[e].op != '-') ++b_pos;
    }
    std::string body;
    for (size_t e = start; e < stop; ++e) {
      const Edit& edit = edits[e];
      const bool from_a = edit.op != '+';
      const std::string& text = from_a ? a[edit.line] : b[edit.line];
      absl::StrAppend(&body, std::string(1, edit.op), text, "\n");
      if ((from_a && a_open && edit.line == n - 1 && edit.op != ' ') ||
          (edit.op == '+' && b_open && edit.line == m - 1) ||
          (edit.op == ' ' && a_open && edit.line == n - 1)) {
        absl::StrAppend(&body, "\\ No newline at end of file\n");
      }
      if (edit.op != '+') {
        if (!a_set) a_start = a_pos + a_count, a_set = true;
        ++a_count;
      }
      if (edit.op != '-') {
        if (!b_set) b_start = b_pos + b_count, b_set = true;
        ++b_count;
      }
    }
    // An empty side starts at the line before the hunk, as diff -u has it.
    const size_t a_first = a_count == 0 ? a_pos : a_start + 1;
    const size_t b_first = b_count == 0 ? b_pos : b_start + 1;
    absl::StrAppend(&out, "@@ -", a_first, ",", a_count, " +", b_first, ",",
                    b_count, " @@\n", body);
    k = stop;
  }
  return out;
}

}  // namespace rbacc
