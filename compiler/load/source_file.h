// A parsed policy file: its text and where each field's value stands in it.
#ifndef RBACC_COMPILER_LOAD_SOURCE_FILE_H_
#define RBACC_COMPILER_LOAD_SOURCE_FILE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "compiler/common/source_location.h"
#include "google/protobuf/descriptor.h"

namespace rbacc {

// One input file with the positions of its fields.
struct SourceFile {
  // Path as shown to the user (relative to the workspace when inside it).
  std::string display_path;
  // The file's text while it is parsed; LoadBundle then moves it to
  // LoadedBundle::file_texts.
  std::string text;

  // Where one set field (or one element of a repeated field) starts in `text`:
  // 0-based line and column, as in SourceLocation (the file is display_path;
  // not repeated per field).
  struct FieldPosition {
    // The field's number in its message's descriptor (0 for the file itself).
    int32_t field_number = 0;
    // The element's index in a repeated field; -1 for a singular field.
    int32_t index = -1;
    // -1 when the parser recorded no position (the field's messages may still
    // have positions).
    int32_t line = -1;
    int32_t column = -1;
    // The fields of the message it holds: positions[first_child] up to
    // positions[first_child + child_count - 1], by (field_number, index).
    uint32_t first_child = 0;
    uint32_t child_count = 0;
  };
  // The file's message type; null when the file was not parsed.
  const google::protobuf::Descriptor* descriptor = nullptr;
  // positions[0] stands for the file's message; see FieldPosition.
  std::vector<FieldPosition> positions;

  // Returns the location of `field_path`, or of its first element when it names
  // a repeated field; when neither was recorded (a field left unset), the
  // location of its nearest recorded parent; otherwise the file itself (no
  // line). Paths name fields as in the schema, repeated elements with their
  // index: "cluster_rules[0].verbs[1]", "defaults.namespace".
  SourceLocation Locate(absl::string_view field_path) const;

 private:
  // The recorded position of `field_path`, or null.
  const FieldPosition* Find(absl::string_view field_path) const;
};

}  // namespace rbacc

#endif  // RBACC_COMPILER_LOAD_SOURCE_FILE_H_
