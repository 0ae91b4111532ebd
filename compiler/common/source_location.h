// Where something is in an input: a file and a position, or a command-line
// flag.
#ifndef RBACC_COMPILER_COMMON_SOURCE_LOCATION_H_
#define RBACC_COMPILER_COMMON_SOURCE_LOCATION_H_

#include <string>
#include <tuple>

namespace rbacc {

// A position in an input file, or a flag. `line` and `column` are 0-based, as
// protobuf's parser reports them; rendering adds 1. A negative line means "the
// whole file" (or the flag).
struct SourceLocation {
  // Path of the file as the user should see it (relative to the workspace when
  // inside it), or a flag such as "--features".
  std::string file;
  // 0-based line, or -1 when the location is a whole file or a flag.
  int line = -1;
  // 0-based column (in bytes), or -1.
  int column = -1;

  // Renders "file:line:col" with 1-based line and column, or just "file" when
  // there is no line.
  std::string ToString() const;
  // Appends what ToString returns to `out` (for long outputs, without a
  // string of its own).
  void AppendTo(std::string* out) const;

  friend bool operator<(const SourceLocation& a, const SourceLocation& b) {
    return std::tie(a.file, a.line, a.column) <
           std::tie(b.file, b.line, b.column);
  }
  friend bool operator==(const SourceLocation& a, const SourceLocation& b) {
    return std::tie(a.file, a.line, a.column) ==
           std::tie(b.file, b.line, b.column);
  }
};

}  // namespace rbacc

#endif  // RBACC_COMPILER_COMMON_SOURCE_LOCATION_H_
