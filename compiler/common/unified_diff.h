// A line diff in the unified format (`diff -u`), for showing how a stale
// output differs from what would be generated.
#ifndef RBACC_COMPILER_COMMON_UNIFIED_DIFF_H_
#define RBACC_COMPILER_COMMON_UNIFIED_DIFF_H_

#include <string>

namespace rbacc {

// Returns the unified diff from `before` to `after` ("--- <before_name>",
// "+++ <after_name>", then hunks with `context` lines around each change and
// 1-based "@@ -l,n +l,n @@" headers), or "" when the texts are equal. Lines
// are found by a longest-common-subsequence table, which is quadratic in the
// line counts: meant for files of a few thousand lines. A text without a final
// newline gets "\ No newline at end of file" after its last line.
std::string UnifiedDiff(const std::string& before, const std::string& after,
                        const std::string& before_name,
                        const std::string& after_name, int context = 3);

}  // namespace rbacc

#endif  // RBACC_COMPILER_COMMON_UNIFIED_DIFF_H_
