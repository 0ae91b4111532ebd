// A parsed policy file: its text and where each field's value stands in it.
#ifndef RBACC_COMPILER_LOAD_SOURCE_FILE_H_
#define RBACC_COMPILER_LOAD_SOURCE_FILE_H_

#include <map>
#include <string>

#include "absl/strings/string_view.h"
#include "compiler/common/source_location.h"

namespace rbacc {

// One input file with the positions of its fields.
struct SourceFile {
  // Path as shown to the user (relative to the workspace when inside it).
  std::string display_path;
  // The file's text.
  std::string text;
  // Where a value starts in `text`: 0-based line and column, as in
  // SourceLocation. (The file is display_path; not repeated per field.)
  struct Position {
    int line = -1;
    int column = -1;
  };
  // Field path → where its value starts. Paths name fields as in the schema,
  // repeated elements with their index: "cluster_rules[0].verbs[1]",
  // "defaults.namespace".
  std::map<std::string, Position, std::less<>> field_locations;

  // Returns the location of `field_path`, or of its first element when it names
  // a repeated field; when neither was recorded (a field left unset), the
  // location of its nearest recorded parent; otherwise the file itself (no
  // line).
  SourceLocation Locate(absl::string_view field_path) const;
};

}  // namespace rbacc

#endif  // RBACC_COMPILER_LOAD_SOURCE_FILE_H_
