#include "compiler/common/source_location.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace rbacc {

std::string SourceLocation::ToString() const {
  if (line < 0) return file;
  if (column < 0) return absl::StrCat(file, ":", line + 1);
  return absl::StrCat(file, ":", line + 1, ":", column + 1);
}

}  // namespace rbacc
