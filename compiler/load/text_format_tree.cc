#include "compiler/load/text_format_tree.h"

#include <cctype>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "compiler/common/source_location.h"

namespace rbacc {
namespace {

using ::google::protobuf::Descriptor;
using ::google::protobuf::FieldDescriptor;

// What a token is.
enum class TokenKind { kWord, kString, kSymbol, kComment, kEnd };

// One token of the text, at its 0-based line and column.
struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;
  int line = 0;
  int column = 0;
};

// True for the characters of identifiers, numbers and signs.
bool IsWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' ||
         c == '+' || c == '-';
}

// Splits `text` into tokens, comments included, ending with a kEnd token. An
// unterminated string becomes a kSymbol token holding its quote, which the
// parser rejects.
std::vector<Token> Tokenize(absl::string_view text) {
  std::vector<Token> tokens;
  int line = 0;
  size_t line_start = 0;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    Token token;
    token.line = line;
    token.column = static_cast<int>(i - line_start);
    if (c == '\n') {
      ++line;
      line_start = ++i;
      continue;
    }
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    size_t end = i + 1;
    if (c == '#') {
      token.kind = TokenKind::kComment;
      end = text.find('\n', i);
      if (end == absl::string_view::npos) end = text.size();
      size_t last = end;
      while (last > i &&
             std::isspace(static_cast<unsigned char>(text[last - 1]))) {
        --last;
      }
      token.text = std::string(text.substr(i, last - i));
    } else if (c == '"' || c == '\'') {
      token.kind = TokenKind::kString;
      while (end < text.size() && text[end] != c && text[end] != '\n') {
        end += text[end] == '\\' && end + 1 < text.size() ? 2 : 1;
      }
      if (end < text.size() && text[end] == c) {
        ++end;
        token.text = std::string(text.substr(i, end - i));
      } else {
        token.kind = TokenKind::kSymbol;
        token.text = std::string(1, c);
        end = i + 1;
      }
    } else if (IsWordChar(c)) {
      token.kind = TokenKind::kWord;
      while (end < text.size() && IsWordChar(text[end])) ++end;
      token.text = std::string(text.substr(i, end - i));
    } else {
      token.kind = TokenKind::kSymbol;
      token.text = std::string(1, c);
    }
    tokens.push_back(std::move(token));
    i = end;
  }
  Token end_token;
  end_token.line = line;
  end_token.column = static_cast<int>(text.size() - line_start);
  tokens.push_back(end_token);
  return tokens;
}

// Reads the tokens of one file into a TextFile.
class TreeParser {
 public:
  TreeParser(std::vector<Token> tokens, const std::string& display_path,
             IssueList* issues)
      : tokens_(std::move(tokens)),
        display_path_(display_path),
        issues_(issues) {}

  // Parses the whole file as a `descriptor` message into `file`; false after
  // reporting an error.
  bool ParseFile(const Descriptor* descriptor, TextFile* file) {
    if (!ParseFields(descriptor, "", /*open_line=*/-1, &file->root)) {
      return false;
    }
    if (file->root.children.empty()) return true;
    std::vector<std::string>& top = file->root.children[0].leading;
    for (size_t i = top.size(); i > 0; --i) {
      if (!top[i - 1].empty()) continue;
      file->header.assign(top.begin(), top.begin() + i - 1);
      top.erase(top.begin(), top.begin() + i);
      break;
    }
    return true;
  }

 private:
  const Token& Peek() const { return tokens_[next_]; }

  bool PeekSymbol(absl::string_view symbol) const {
    return Peek().kind == TokenKind::kSymbol && Peek().text == symbol;
  }

  // Consumes the next token (never past the end) and returns it.
  const Token& Next() {
    const Token& token = tokens_[next_];
    if (token.kind != TokenKind::kEnd) ++next_;
    last_line_ = token.line;
    return token;
  }

  bool Fail(const Token& token, const std::string& message) {
    issues_->AddError({display_path_, token.line, token.column}, message);
    return false;
  }

  // Consumes the comments before the next token. A comment on `after_line`
  // (the line of the token just read) becomes *trailing when trailing is not
  // null and still empty; the others come back as lines, with "" for each run
  // of blank lines between them and before the next token.
  std::vector<std::string> TakeComments(int after_line, std::string* trailing) {
    std::vector<std::string> lines;
    int last = after_line;
    while (Peek().kind == TokenKind::kComment) {
      const Token& comment = Next();
      if (trailing != nullptr && trailing->empty() && lines.empty() &&
          comment.line == after_line) {
        *trailing = comment.text;
        continue;
      }
      if (last >= 0 && comment.line > last + 1) lines.push_back("");
      lines.push_back(comment.text);
      last = comment.line;
    }
    if (last >= 0 && Peek().line > last + 1 && Peek().kind != TokenKind::kEnd) {
      lines.push_back("");
    }
    return lines;
  }

  // Parses fields up to `close` ("}" or ">"; "" for the end of the file) into
  // `parent`, whose opening brace stood on `open_line` (-1 for the file).
  bool ParseFields(const Descriptor* descriptor, absl::string_view close,
                   int open_line, TextField* parent) {
    std::vector<std::string> pending = TakeComments(
        open_line, open_line >= 0 ? &parent->open_comment : nullptr);
    while (true) {
      const Token& token = Peek();
      if (token.kind == TokenKind::kEnd || PeekSymbol(close)) {
        if (token.kind == TokenKind::kEnd && !close.empty()) {
          return Fail(token, absl::StrCat("expected \"", close, "\""));
        }
        Next();
        parent->closing = std::move(pending);
        return true;
      }
      const size_t count = parent->children.size();
      if (!ParseField(descriptor, std::move(pending), &parent->children)) {
        return false;
      }
      // An empty list `name: []` adds no field to end with a comment.
      std::string* trailing = parent->children.size() > count
                                  ? &parent->children.back().trailing
                                  : nullptr;
      pending = std::move(carry_);
      carry_.clear();
      std::vector<std::string> more = TakeComments(last_line_, trailing);
      if (PeekSymbol(",") || PeekSymbol(";")) {
        Next();
        std::vector<std::string> after = TakeComments(last_line_, trailing);
        more.insert(more.end(), after.begin(), after.end());
      }
      pending.insert(pending.end(), more.begin(), more.end());
    }
  }

  // Parses one field (a list gives one TextField per element) with the lines
  // `leading` above it, appending to `fields`.
  bool ParseField(const Descriptor* descriptor,
                  std::vector<std::string> leading,
                  std::vector<TextField>* fields) {
    const Token& name = Next();
    if (name.kind != TokenKind::kWord) {
      return Fail(name, name.text == "["
                            ? "extension and Any fields cannot be formatted"
                            : "expected a field name");
    }
    const FieldDescriptor* field = descriptor->FindFieldByName(name.text);
    if (field == nullptr) {
      return Fail(name,
                  absl::StrCat("message type \"", descriptor->full_name(),
                               "\" has no field named \"", name.text, "\""));
    }
    TextField element;
    element.name = name.text;
    element.field = field;
    std::vector<std::string> inside = TakeComments(-1, nullptr);
    if (PeekSymbol(":")) {
      Next();
      std::vector<std::string> more = TakeComments(-1, nullptr);
      inside.insert(inside.end(), more.begin(), more.end());
    }
    leading.insert(leading.end(), inside.begin(), inside.end());
    if (!PeekSymbol("[")) {
      element.leading = std::move(leading);
      fields->push_back(std::move(element));
      return ParseValue(&fields->back());
    }
    Next();
    std::vector<std::string> pending = std::move(leading);
    std::vector<std::string> more = TakeComments(-1, nullptr);
    pending.insert(pending.end(), more.begin(), more.end());
    bool first = true;
    while (!PeekSymbol("]")) {
      if (!first) {
        if (!PeekSymbol(",")) return Fail(Peek(), "expected \",\" or \"]\"");
        Next();
        std::vector<std::string> after = TakeComments(
            last_line_, fields->empty() ? nullptr : &fields->back().trailing);
        pending.insert(pending.end(), after.begin(), after.end());
      }
      first = false;
      TextField item = element;
      item.leading = std::move(pending);
      pending.clear();
      fields->push_back(std::move(item));
      if (!ParseValue(&fields->back())) return false;
      std::vector<std::string> after =
          TakeComments(last_line_, &fields->back().trailing);
      pending.insert(pending.end(), after.begin(), after.end());
    }
    Next();
    carry_ = std::move(pending);
    return true;
  }

  // Parses the value of `element` (its field already set): a message in braces
  // or a scalar.
  bool ParseValue(TextField* element) {
    const bool is_message =
        element->field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
    if (PeekSymbol("{") || PeekSymbol("<")) {
      if (!is_message) return Fail(Peek(), "expected a value, not a message");
      const Token& open = Next();
      element->is_message = true;
      if (!ParseFields(element->field->message_type(),
                       open.text == "{" ? "}" : ">", open.line, element)) {
        return false;
      }
      element->one_line = last_line_ == open.line;
      return true;
    }
    if (is_message) return Fail(Peek(), "expected \"{\"");
    const Token& token = Next();
    if (token.kind == TokenKind::kString) {
      element->value = token.text;
      while (Peek().kind == TokenKind::kString) {
        absl::StrAppend(&element->value, " ", Next().text);
      }
      return true;
    }
    if (token.kind != TokenKind::kWord) return Fail(token, "expected a value");
    element->value = token.text;
    if (token.text == "-" && Peek().kind == TokenKind::kWord) {
      absl::StrAppend(&element->value, Next().text);
    }
    return true;
  }

  std::vector<Token> tokens_;
  size_t next_ = 0;
  // The line of the token consumed last.
  int last_line_ = -1;
  // The comment lines left before a list's closing bracket, for the field
  // after the list.
  std::vector<std::string> carry_;
  const std::string& display_path_;
  IssueList* issues_;
};

}  // namespace

bool ParseTextTree(const std::string& text, const std::string& display_path,
                   const Descriptor* descriptor, TextFile* file,
                   IssueList* issues) {
  TreeParser parser(Tokenize(text), display_path, issues);
  return parser.ParseFile(descriptor, file);
}

std::vector<std::string> TextFormatComments(const std::string& text) {
  std::vector<std::string> comments;
  for (Token& token : Tokenize(text)) {
    if (token.kind == TokenKind::kComment) {
      comments.push_back(std::move(token.text));
    }
  }
  return comments;
}

}  // namespace rbacc
