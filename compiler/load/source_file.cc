#include "compiler/load/source_file.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace rbacc {

SourceLocation SourceFile::Locate(absl::string_view field_path) const {
  absl::string_view path = field_path;
  while (!path.empty()) {
    const auto found = field_locations.find(path);
    if (found != field_locations.end()) {
      return SourceLocation{display_path, found->second.line,
                            found->second.column};
    }
    // A repeated field is recorded per element: use its first element's place.
    const auto first = field_locations.find(absl::StrCat(path, "[0]"));
    if (first != field_locations.end()) {
      return SourceLocation{display_path, first->second.line,
                            first->second.column};
    }
    const size_t cut = path.find_last_of(".[");
    if (cut == absl::string_view::npos) break;
    path = path.substr(0, cut);
  }
  return SourceLocation{display_path};
}

}  // namespace rbacc
