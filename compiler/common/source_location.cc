#include "compiler/common/source_location.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace rbacc {

std::string SourceLocation::ToString() const {
  std::string text;
  AppendTo(&text);
  return text;
}

void SourceLocation::AppendTo(std::string* out) const {
  if (line < 0) {
    out->append(file);
  } else if (column < 0) {
    absl::StrAppend(out, file, ":", line + 1);
  } else {
    absl::StrAppend(out, file, ":", line + 1, ":", column + 1);
  }
}

}  // namespace rbacc
