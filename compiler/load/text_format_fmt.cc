#include "compiler/load/text_format_fmt.h"

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "compiler/load/source_file.h"
#include "compiler/load/text_format_reader.h"
#include "compiler/load/text_format_tree.h"
#include "google/protobuf/message.h"
#include "google/protobuf/util/message_differencer.h"
#include "proto/rbacc/v1/calls.pb.h"
#include "proto/rbacc/v1/policy.pb.h"

namespace rbacc {
namespace {

using ::google::protobuf::Descriptor;
using ::google::protobuf::FieldDescriptor;
using ::google::protobuf::Message;

// The widest line a message is put on when it is written on one line.
constexpr size_t kMaxInlineWidth = 120;
// The most fields a message written on one line has.
constexpr size_t kMaxInlineFields = 3;

// True when `field` holds several scalars (not messages).
bool IsRepeatedScalar(const TextField& field) {
  return field.field->is_repeated() &&
         field.field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE;
}

// `fields` in the order the schema declares their fields, each field's
// elements in the order written.
std::vector<const TextField*> InSchemaOrder(
    const std::vector<TextField>& fields) {
  std::vector<const TextField*> ordered;
  for (const TextField& field : fields) ordered.push_back(&field);
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const TextField* a, const TextField* b) {
                     return a->field->index() < b->field->index();
                   });
  return ordered;
}

// Writes a TextFile in canonical form.
class Printer {
 public:
  std::string Print(const TextFile& file) {
    Lines(file.header, 0);
    if (!file.header.empty() && !file.root.children.empty()) out_ += "\n";
    block_start_ = true;
    Fields(file.root.children, 0);
    Closing(file.root.closing, 0);
    return std::move(out_);
  }

 private:
  // Writes comment lines and blank lines ("") at `indent`: runs of blank lines
  // as one, none at the start of a block.
  void Lines(const std::vector<std::string>& lines, int indent) {
    for (const std::string& line : lines) {
      if (line.empty()) {
        if (!block_start_ && !last_blank_) out_ += "\n";
        last_blank_ = true;
        continue;
      }
      absl::StrAppend(&out_, std::string(2 * indent, ' '), line, "\n");
      block_start_ = false;
      last_blank_ = false;
    }
  }

  // Writes the lines before a closing brace (or the end of the file), without
  // blank lines after the last comment.
  void Closing(std::vector<std::string> lines, int indent) {
    while (!lines.empty() && lines.back().empty()) lines.pop_back();
    Lines(lines, indent);
  }

  // Writes one line at `indent` ending with `comment` when there is one.
  void Line(int indent, absl::string_view text, absl::string_view comment) {
    absl::StrAppend(&out_, std::string(2 * indent, ' '), text);
    if (!comment.empty()) absl::StrAppend(&out_, "  ", comment);
    out_ += "\n";
    block_start_ = false;
    last_blank_ = false;
  }

  void Fields(const std::vector<TextField>& fields, int indent) {
    const std::vector<const TextField*> ordered = InSchemaOrder(fields);
    for (size_t i = 0; i < ordered.size();) {
      size_t end = i + 1;
      while (end < ordered.size() && ordered[end]->field == ordered[i]->field) {
        ++end;
      }
      if (IsRepeatedScalar(*ordered[i]) && OneLine(ordered, i, end) &&
          2 * indent + ListText(ordered, i, end).size() <= kMaxListLineWidth) {
        ListLine(ordered, i, end, indent);
      } else {
        for (size_t k = i; k < end; ++k) Field(*ordered[k], indent);
      }
      i = end;
    }
  }

  // True when the elements [begin, end) of a repeated scalar go on one line:
  // no comment or blank line stands between them.
  static bool OneLine(const std::vector<const TextField*>& ordered,
                      size_t begin, size_t end) {
    for (size_t k = begin; k < end; ++k) {
      if (k > begin && !ordered[k]->leading.empty()) return false;
      if (k + 1 < end && !ordered[k]->trailing.empty()) return false;
    }
    return true;
  }

  // The widest a repeated scalar's one-line form may be, indent included;
  // a longer list gets a line per value.
  static constexpr size_t kMaxListLineWidth = 100;

  // The elements [begin, end) of a repeated scalar as one line, without
  // indent: `name: value` or `name: [a, b]`.
  static std::string ListText(const std::vector<const TextField*>& ordered,
                              size_t begin, size_t end) {
    std::string text = absl::StrCat(ordered[begin]->name, ": ");
    if (end - begin == 1) {
      text += ordered[begin]->value;
    } else {
      text += "[";
      for (size_t k = begin; k < end; ++k) {
        absl::StrAppend(&text, k > begin ? ", " : "", ordered[k]->value);
      }
      text += "]";
    }
    return text;
  }

  void ListLine(const std::vector<const TextField*>& ordered, size_t begin,
                size_t end, int indent) {
    Lines(ordered[begin]->leading, indent);
    Line(indent, ListText(ordered, begin, end), ordered[end - 1]->trailing);
  }

  void Field(const TextField& field, int indent) {
    Lines(field.leading, indent);
    if (!field.is_message) {
      Line(indent, absl::StrCat(field.name, ": ", field.value), field.trailing);
      return;
    }
    std::string inline_text;
    if (InlineText(field, indent, &inline_text)) {
      Line(indent, inline_text, field.trailing);
      return;
    }
    Line(indent, absl::StrCat(field.name, " {"), field.open_comment);
    block_start_ = true;
    Fields(field.children, indent + 1);
    Closing(field.closing, indent + 1);
    Line(indent, "}", field.trailing);
  }

  // Sets *text to `message` on one line and returns true when it was written
  // on one line, has at most kMaxInlineFields fields, all scalars, no comment
  // inside, and fits in kMaxInlineWidth columns at `indent`.
  static bool InlineText(const TextField& message, int indent,
                         std::string* text) {
    if (!message.one_line || !message.open_comment.empty() ||
        !message.closing.empty()) {
      return false;
    }
    std::vector<std::string> parts;
    const std::vector<const TextField*> ordered =
        InSchemaOrder(message.children);
    for (size_t i = 0; i < ordered.size();) {
      size_t end = i + 1;
      while (end < ordered.size() && ordered[end]->field == ordered[i]->field) {
        ++end;
      }
      std::vector<std::string> values;
      for (size_t k = i; k < end; ++k) {
        const TextField& child = *ordered[k];
        if (child.is_message || !child.leading.empty() ||
            !child.trailing.empty()) {
          return false;
        }
        values.push_back(child.value);
      }
      parts.push_back(values.size() == 1
                          ? absl::StrCat(ordered[i]->name, ": ", values[0])
                          : absl::StrCat(ordered[i]->name, ": [",
                                         absl::StrJoin(values, ", "), "]"));
      i = end;
    }
    if (parts.size() > kMaxInlineFields) return false;
    *text = parts.empty() ? absl::StrCat(message.name, " {}")
                          : absl::StrCat(message.name, " { ",
                                         absl::StrJoin(parts, " "), " }");
    return 2 * indent + text->size() <= kMaxInlineWidth;
  }

  std::string out_;
  // True where a blank line would open a block (or the file).
  bool block_start_ = true;
  // True after a blank line.
  bool last_blank_ = false;
};

// Parses `text` as a `descriptor` message into a new message; null after
// adding its errors to `issues`.
std::unique_ptr<Message> ParseMessage(const std::string& text,
                                      const std::string& display_path,
                                      const Descriptor* descriptor,
                                      IssueList* issues) {
  const Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(
          descriptor);
  if (prototype == nullptr) {
    issues->AddError({display_path},
                     absl::StrCat("no message type ", descriptor->full_name()));
    return nullptr;
  }
  std::unique_ptr<Message> message(prototype->New());
  SourceFile source;
  source.display_path = display_path;
  source.text = text;
  if (!ParseTextFormat(source, message.get(), issues)) return nullptr;
  return message;
}

}  // namespace

const Descriptor* PolicyFileType(const std::string& path,
                                 const std::string& text) {
  const std::vector<const Descriptor*> types = {
      v1::Bundle::descriptor(), v1::Feature::descriptor(),
      v1::Profile::descriptor(), v1::CallRecord::descriptor()};
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!absl::StartsWith(line, "#")) break;
    if (!absl::ConsumePrefix(&line, "# proto-message:")) continue;
    line = absl::StripAsciiWhitespace(line);
    for (const Descriptor* type : types) {
      if (type->full_name() == line) return type;
    }
  }
  const std::filesystem::path file(path);
  if (file.filename() == "bundle.textproto") return v1::Bundle::descriptor();
  if (file.parent_path().filename() == "profiles") {
    return v1::Profile::descriptor();
  }
  if (file.filename() == "calls.textproto") {
    return v1::CallRecord::descriptor();
  }
  return v1::Feature::descriptor();
}

std::string FormatTextFormat(const std::string& text,
                             const std::string& display_path,
                             const Descriptor* descriptor, IssueList* issues) {
  std::unique_ptr<Message> before =
      ParseMessage(text, display_path, descriptor, issues);
  if (before == nullptr) return "";
  TextFile file;
  if (!ParseTextTree(text, display_path, descriptor, &file, issues)) return "";
  std::string formatted = Printer().Print(file);
  IssueList reparse_issues;
  std::unique_ptr<Message> after =
      ParseMessage(formatted, display_path, descriptor, &reparse_issues);
  std::vector<std::string> comments_before = TextFormatComments(text);
  std::vector<std::string> comments_after = TextFormatComments(formatted);
  std::sort(comments_before.begin(), comments_before.end());
  std::sort(comments_after.begin(), comments_after.end());
  if (after == nullptr ||
      !google::protobuf::util::MessageDifferencer::Equals(*before, *after) ||
      comments_before != comments_after) {
    issues->AddError(
        {display_path},
        "rbacc fmt cannot format this file without changing its fields or "
        "comments; it is left as it is (please report it)");
    return "";
  }
  return formatted;
}

}  // namespace rbacc
