#include "compiler/review/python_bytes.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace rbacc {
namespace {

// Decodes the Python bytes literal whose body starts at `text[0]` (just past
// `b'`) into `out`, up to its closing quote; returns the literal's length
// with the quote, or npos when it does not close on its line.
size_t DecodePythonBytes(absl::string_view text, std::string* out) {
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\'') return i + 1;
    if (c == '\n') return absl::string_view::npos;
    if (c != '\\' || i + 1 == text.size()) {
      out->push_back(c);
      continue;
    }
    const char escaped = text[++i];
    absl::string_view hex = text.substr(i + 1);
    switch (escaped) {
      case 'n':
        out->push_back('\n');
        break;
      case 'r':
        out->push_back('\r');
        break;
      case 't':
        out->push_back('\t');
        break;
      case 'x':
        if (hex.size() < 2 || !absl::ascii_isxdigit(hex[0]) ||
            !absl::ascii_isxdigit(hex[1])) {
          return absl::string_view::npos;
        }
        out->push_back(static_cast<char>(
            std::stoi(std::string(hex.substr(0, 2)), nullptr, 16)));
        i += 2;
        break;
      default:
        // \\, \' and \" stand for the character; Python keeps the
        // backslash of an unknown escape.
        if (escaped != '\\' && escaped != '\'' && escaped != '"') {
          out->push_back('\\');
        }
        out->push_back(escaped);
    }
  }
  return absl::string_view::npos;
}

}  // namespace

std::string DecodePythonBytesLiterals(absl::string_view text) {
  std::string decoded;
  size_t copied = 0;
  for (size_t at = text.find("b'{"); at != absl::string_view::npos;
       at = text.find("b'{", at + 1)) {
    const bool token_start =
        at == 0 ||
        !absl::ascii_isalnum(static_cast<unsigned char>(text[at - 1]));
    if (at < copied || !token_start) continue;
    std::string body;
    const size_t length = DecodePythonBytes(text.substr(at + 2), &body);
    if (length == absl::string_view::npos) continue;
    absl::StrAppend(&decoded, text.substr(copied, at - copied), body);
    copied = at + 2 + length;
  }
  absl::StrAppend(&decoded, text.substr(copied));
  return decoded;
}

}  // namespace rbacc
