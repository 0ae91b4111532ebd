// Writing JSON: one streaming writer for every `--format=json` and SARIF
// output, and the string escaping it rests on.
//
// Strings are escaped so that any bytes make valid JSON: `"` and `\`
// backslash-escaped, control characters as \n, \r, \t or \u00XX, and every
// byte that is not part of a well-formed UTF-8 sequence (a stray continuation
// byte, a truncated or overlong sequence, a surrogate, anything above
// U+10FFFF) replaced by \ufffd, one per invalid byte, as Go's encoding/json
// does. Well-formed UTF-8 is copied as it is.
#ifndef RBACC_COMPILER_COMMON_JSON_H_
#define RBACC_COMPILER_COMMON_JSON_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace rbacc {

// Returns `text` as a JSON string literal, quotes included, escaped as the
// file comment says. Never fails: any bytes give valid JSON.
std::string JsonString(absl::string_view text);

// How a JSON object or array lays out its elements.
enum class JsonLayout {
  // On one line: `{"a": 1, "b": [2, 3]}`.
  kInline,
  // One element per line, indented two spaces for each enclosing kLines
  // container (kInline ones add no indentation); the closing bracket on a
  // line of its own, at the indentation of the enclosing kLines container.
  kLines,
};

// Choices a JsonWriter makes the same way for the whole document.
struct JsonWriterOptions {
  // How an empty kLines container prints: `[]` when false; when true, the
  // brackets on two lines (`[` then a line holding the closing `]`), as
  // lint's JSON and SARIF print empty lists.
  bool break_empty_lines_containers = false;
};

// Writes one JSON value (usually an object) into a string as its calls
// arrive, with ": " after keys and ", " between inline elements, so the same
// calls always give the same bytes. Calls nest as in the document: inside an
// object, Key before each value; every Begin matched by its End. The writer
// does not check the nesting (callers are renderers in this repository, each
// tested by parsing its output); it only guarantees that every string it
// writes is valid JSON.
//
//   JsonWriter json;
//   json.BeginObject().Key("id").String("x").Key("n").Int(2).EndObject();
//   json.text();  // {"id": "x", "n": 2}
class JsonWriter {
 public:
  explicit JsonWriter(JsonWriterOptions options = {});

  // Opens an object laid out as `layout`. Returns *this.
  JsonWriter& BeginObject(JsonLayout layout = JsonLayout::kInline);
  // Closes the innermost open object. Returns *this.
  JsonWriter& EndObject();
  // Opens an array laid out as `layout`. Returns *this.
  JsonWriter& BeginArray(JsonLayout layout = JsonLayout::kInline);
  // Closes the innermost open array. Returns *this.
  JsonWriter& EndArray();
  // Writes the key of the next member of the innermost open object, escaped
  // as JsonString does. Returns *this.
  JsonWriter& Key(absl::string_view key);
  // Writes a string value, escaped as JsonString does. Returns *this.
  JsonWriter& String(absl::string_view value);
  // Writes an integer value. Returns *this.
  JsonWriter& Int(int64_t value);
  // Writes `true` or `false`. Returns *this.
  JsonWriter& Bool(bool value);
  // Writes `null`. Returns *this.
  JsonWriter& Null();

  // Returns what has been written so far (the whole document once every
  // container is closed); no trailing newline.
  const std::string& text() const { return text_; }

 private:
  // An open object or array.
  struct Container {
    JsonLayout layout;
    // Elements (values in an array, members in an object) written so far.
    int elements = 0;
  };

  // Writes what goes before a new element (a separator, a line break and
  // indentation) unless it is the value after a Key.
  void BeginElement();
  // Closes the innermost container with `bracket`.
  void End(char bracket);
  // Appends a line break and two spaces per open kLines container.
  void NewLine();

  JsonWriterOptions options_;
  std::string text_;
  std::vector<Container> open_;
  // True between Key and the value it names.
  bool after_key_ = false;
};

}  // namespace rbacc

#endif  // RBACC_COMPILER_COMMON_JSON_H_
