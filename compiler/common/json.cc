#include "compiler/common/json.h"

#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"

namespace rbacc {
namespace {

// Returns the length of the well-formed UTF-8 sequence that starts at
// `text[at]` (a byte of 0x80 or more), or 0 when the bytes there are not one
// (Unicode's table 3-7: no overlong forms, no surrogates, nothing above
// U+10FFFF, no truncated sequence).
size_t Utf8SequenceLength(absl::string_view text, size_t at) {
  const auto byte = [&](size_t i) -> unsigned {
    return at + i < text.size() ? static_cast<unsigned char>(text[at + i]) : 0;
  };
  const auto continuation = [](unsigned b, unsigned low = 0x80,
                               unsigned high = 0xBF) {
    return b >= low && b <= high;
  };
  const unsigned lead = byte(0);
  if (lead >= 0xC2 && lead <= 0xDF) return continuation(byte(1)) ? 2 : 0;
  if (lead >= 0xE0 && lead <= 0xEF) {
    const unsigned low = lead == 0xE0 ? 0xA0 : 0x80;
    const unsigned high = lead == 0xED ? 0x9F : 0xBF;
    return continuation(byte(1), low, high) && continuation(byte(2)) ? 3 : 0;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    const unsigned low = lead == 0xF0 ? 0x90 : 0x80;
    const unsigned high = lead == 0xF4 ? 0x8F : 0xBF;
    return continuation(byte(1), low, high) && continuation(byte(2)) &&
                   continuation(byte(3))
               ? 4
               : 0;
  }
  return 0;
}

void AppendJsonString(absl::string_view text, std::string* out) {
  out->push_back('"');
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const size_t length = Utf8SequenceLength(text, i);
      if (length == 0) {
        out->append("\\ufffd");
        ++i;
      } else {
        out->append(text.data() + i, length);
        i += length;
      }
      continue;
    }
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (c < 0x20) {
          absl::StrAppendFormat(out, "\\u%04x", c);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out->push_back('"');
}

}  // namespace

std::string JsonString(absl::string_view text) {
  std::string out;
  AppendJsonString(text, &out);
  return out;
}

JsonWriter::JsonWriter(JsonWriterOptions options) : options_(options) {}

JsonWriter& JsonWriter::BeginObject(JsonLayout layout) {
  BeginElement();
  text_.push_back('{');
  open_.push_back({layout});
  return *this;
}

JsonWriter& JsonWriter::EndObject() {
  End('}');
  return *this;
}

JsonWriter& JsonWriter::BeginArray(JsonLayout layout) {
  BeginElement();
  text_.push_back('[');
  open_.push_back({layout});
  return *this;
}

JsonWriter& JsonWriter::EndArray() {
  End(']');
  return *this;
}

JsonWriter& JsonWriter::Key(absl::string_view key) {
  BeginElement();
  AppendJsonString(key, &text_);
  text_.append(": ");
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::String(absl::string_view value) {
  BeginElement();
  AppendJsonString(value, &text_);
  return *this;
}

JsonWriter& JsonWriter::Int(int64_t value) {
  BeginElement();
  absl::StrAppend(&text_, value);
  return *this;
}

JsonWriter& JsonWriter::Bool(bool value) {
  BeginElement();
  text_.append(value ? "true" : "false");
  return *this;
}

JsonWriter& JsonWriter::Null() {
  BeginElement();
  text_.append("null");
  return *this;
}

void JsonWriter::BeginElement() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (open_.empty()) return;
  Container& container = open_.back();
  if (container.elements > 0) text_.push_back(',');
  if (container.layout == JsonLayout::kLines) {
    NewLine();
  } else if (container.elements > 0) {
    text_.push_back(' ');
  }
  ++container.elements;
}

void JsonWriter::End(char bracket) {
  if (open_.empty()) return;
  const Container closed = open_.back();
  open_.pop_back();
  if (closed.layout == JsonLayout::kLines &&
      (closed.elements > 0 || options_.break_empty_lines_containers)) {
    NewLine();
  }
  text_.push_back(bracket);
}

void JsonWriter::NewLine() {
  text_.push_back('\n');
  for (const Container& container : open_) {
    if (container.layout == JsonLayout::kLines) text_.append("  ");
  }
}

}  // namespace rbacc
