#include "compiler/common/json_check.h"

#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace rbacc {
namespace {

// Deeper documents are rejected rather than recursed into.
constexpr int kMaxDepth = 64;

// A recursive-descent reader that only checks: it builds nothing.
class Checker {
 public:
  explicit Checker(absl::string_view text) : text_(text) {}

  absl::Status Check() {
    SkipSpace();
    if (!Value(0)) return Error();
    SkipSpace();
    if (at_ != text_.size()) {
      expected_ = "the end of the text";
      return Error();
    }
    return absl::OkStatus();
  }

 private:
  absl::Status Error() const {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid JSON at byte ", at_, ": expected ", expected_));
  }

  bool Fail(absl::string_view expected) {
    expected_ = expected;
    return false;
  }

  int Peek() const {
    return at_ < text_.size() ? static_cast<unsigned char>(text_[at_]) : -1;
  }

  void SkipSpace() {
    while (Peek() == ' ' || Peek() == '\t' || Peek() == '\n' || Peek() == '\r')
      ++at_;
  }

  bool Literal(absl::string_view word) {
    if (!absl::StartsWith(text_.substr(at_), word)) return Fail(word);
    at_ += word.size();
    return true;
  }

  bool Value(int depth) {
    if (depth > kMaxDepth) return Fail("no more than 64 levels of nesting");
    switch (Peek()) {
      case '{':
        return Object(depth);
      case '[':
        return Array(depth);
      case '"':
        return String();
      case 't':
        return Literal("true");
      case 'f':
        return Literal("false");
      case 'n':
        return Literal("null");
      default:
        return Number();
    }
  }

  bool Object(int depth) {
    ++at_;
    SkipSpace();
    if (Peek() == '}') return ++at_, true;
    while (true) {
      SkipSpace();
      if (Peek() != '"') return Fail("a string key");
      if (!String()) return false;
      SkipSpace();
      if (Peek() != ':') return Fail("':'");
      ++at_;
      SkipSpace();
      if (!Value(depth + 1)) return false;
      SkipSpace();
      if (Peek() == '}') return ++at_, true;
      if (Peek() != ',') return Fail("',' or '}'");
      ++at_;
    }
  }

  bool Array(int depth) {
    ++at_;
    SkipSpace();
    if (Peek() == ']') return ++at_, true;
    while (true) {
      SkipSpace();
      if (!Value(depth + 1)) return false;
      SkipSpace();
      if (Peek() == ']') return ++at_, true;
      if (Peek() != ',') return Fail("',' or ']'");
      ++at_;
    }
  }

  bool Digits() {
    if (!absl::ascii_isdigit(Peek())) return Fail("a digit");
    while (absl::ascii_isdigit(Peek())) ++at_;
    return true;
  }

  bool Number() {
    if (Peek() == '-') ++at_;
    if (Peek() == '0') {
      ++at_;
    } else if (!Digits()) {
      return Fail("a value");
    }
    if (Peek() == '.') {
      ++at_;
      if (!Digits()) return false;
    }
    if (Peek() == 'e' || Peek() == 'E') {
      ++at_;
      if (Peek() == '+' || Peek() == '-') ++at_;
      if (!Digits()) return false;
    }
    return true;
  }

  bool Escape() {
    const int c = Peek();
    if (c == -1 || !absl::StrContains("\"\\/bfnrtu", static_cast<char>(c))) {
      return Fail("an escape (one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u)");
    }
    ++at_;
    if (c != 'u') return true;
    for (int i = 0; i < 4; ++i, ++at_) {
      if (!absl::ascii_isxdigit(Peek())) return Fail("four hex digits");
    }
    return true;
  }

  // Consumes one well-formed multi-byte UTF-8 sequence.
  bool Utf8() {
    const int lead = Peek();
    int length = 0;
    int low = 0x80, high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;
      if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;
    } else {
      return Fail("well-formed UTF-8");
    }
    ++at_;
    for (int i = 1; i < length; ++i, ++at_) {
      const int c = Peek();
      if (c < (i == 1 ? low : 0x80) || c > (i == 1 ? high : 0xBF)) {
        return Fail("well-formed UTF-8");
      }
    }
    return true;
  }

  bool String() {
    ++at_;
    while (true) {
      const int c = Peek();
      if (c == -1) return Fail("a closing '\"'");
      if (c == '"') return ++at_, true;
      if (c < 0x20) return Fail("an escaped control character");
      if (c == '\\') {
        ++at_;
        if (!Escape()) return false;
      } else if (c >= 0x80) {
        if (!Utf8()) return false;
      } else {
        ++at_;
      }
    }
  }

  absl::string_view text_;
  size_t at_ = 0;
  absl::string_view expected_;
};

}  // namespace

absl::Status CheckJson(absl::string_view text) { return Checker(text).Check(); }

}  // namespace rbacc
