// A protobuf text-format file as a tree of fields with the comments and blank
// lines around each one, so that a formatter can reorder and re-indent it
// without losing a comment (protobuf's TextFormat drops them).
#ifndef RBACC_COMPILER_LOAD_TEXT_FORMAT_TREE_H_
#define RBACC_COMPILER_LOAD_TEXT_FORMAT_TREE_H_

#include <string>
#include <vector>

#include "compiler/common/issue.h"
#include "google/protobuf/descriptor.h"

namespace rbacc {

// One field as written: `name: value`, `name { ... }`, or one element of a
// list `name: [a, b]` (each element is a TextField of its own).
struct TextField {
  // The field's name as written.
  std::string name;
  // The field in its message's descriptor.
  const google::protobuf::FieldDescriptor* field = nullptr;
  // The lines above the field, in order: each comment line as written ("# x",
  // trailing spaces removed), and "" for a blank line.
  std::vector<std::string> leading;
  // The comment ending the field's last line ("# x"), or "".
  std::string trailing;
  // A scalar's value as written (adjacent strings joined by one space); empty
  // for a message.
  std::string value;
  // True for a message (`name { ... }`).
  bool is_message = false;
  // True for a message written on one line (its braces on the same line).
  bool one_line = false;
  // A message's comment on the line of its opening brace, or "".
  std::string open_comment;
  // A message's fields, in the order written.
  std::vector<TextField> children;
  // A message's lines after its last field, before its closing brace: comment
  // lines and "" for blank lines.
  std::vector<std::string> closing;
};

// A whole text-format file.
struct TextFile {
  // The comment lines (and "" for blank lines) at the top of the file that a
  // blank line separates from the first field: they stay at the top. Empty
  // when the file has no field (its comments are root.closing).
  std::vector<std::string> header;
  // The file's message: root.children are its fields; root.closing the lines
  // after the last one.
  TextField root;
};

// Parses `text`, a `descriptor` message in text format shown to users as
// `display_path`, into `file`. Returns false after adding an error at its
// line and column to `issues` when the text is not text format this parser
// reads (extension and Any fields are not read); `text` is expected to have
// passed ParseTextFormat first, which reports syntax errors in more detail.
bool ParseTextTree(const std::string& text, const std::string& display_path,
                   const google::protobuf::Descriptor* descriptor,
                   TextFile* file, IssueList* issues);

// Returns every comment of `text` (each "# x" as written, trailing spaces
// removed), in order; comment signs inside strings are not comments.
std::vector<std::string> TextFormatComments(const std::string& text);

}  // namespace rbacc

#endif  // RBACC_COMPILER_LOAD_TEXT_FORMAT_TREE_H_
