#include "compiler/load/text_format_reader.h"

#include <algorithm>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "compiler/common/input_file.h"
#include "compiler/common/names.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"

namespace rbacc {
namespace {

using ::google::protobuf::Descriptor;
using ::google::protobuf::DescriptorPool;
using ::google::protobuf::FieldDescriptor;
using ::google::protobuf::Message;
using ::google::protobuf::Reflection;
using ::google::protobuf::TextFormat;

// Rewrites protobuf's parser messages where rbacc can say more. Appends a "did
// you mean" to the unknown-field message:
//   Message type "rbacc.v1.Rule" has no field named "verb".
// Protobuf's parser reports the end of the file as an empty token.
// The names of the values of the enum field `field_name` of rbacc.v1's
// messages; empty when no such field is known.
std::vector<std::string> EnumValueNames(const std::string& field_name) {
  std::vector<std::string> names;
  const Descriptor* bundle =
      DescriptorPool::generated_pool()->FindMessageTypeByName(
          "rbacc.v1.Bundle");
  if (bundle == nullptr) return names;
  const google::protobuf::FileDescriptor* file = bundle->file();
  for (int m = 0; m < file->message_type_count() && names.empty(); ++m) {
    const FieldDescriptor* field =
        file->message_type(m)->FindFieldByName(field_name);
    if (field == nullptr || field->enum_type() == nullptr) continue;
    for (int v = 0; v < field->enum_type()->value_count(); ++v) {
      const std::string& value = field->enum_type()->value(v)->name();
      if (!absl::EndsWith(value, "_UNSPECIFIED")) names.push_back(value);
    }
  }
  return names;
}

std::string ExplainParserMessage(const std::string& message) {
  // Unknown enumeration value of "NONE" for field "cluster_scope".
  const std::string enum_prefix = "Unknown enumeration value of \"";
  const std::string enum_field = "\" for field \"";
  if (absl::StartsWith(message, enum_prefix) &&
      message.find(enum_field) != std::string::npos) {
    const size_t value_end = message.find(enum_field);
    const std::string value =
        message.substr(enum_prefix.size(), value_end - enum_prefix.size());
    const size_t field_start = value_end + enum_field.size();
    const std::string field = message.substr(
        field_start, message.find('"', field_start) - field_start);
    const std::vector<std::string> values = EnumValueNames(field);
    if (!values.empty()) {
      return absl::StrCat("\"", value, "\" is not a value of field \"", field,
                          "\"", DidYouMean(value, values),
                          "; its values: ", absl::StrJoin(values, ", "));
    }
  }
  if (absl::EndsWith(message, "got: ")) {
    return absl::StrCat(
        message.substr(0, message.size() - 5),
        "reached the end of the file; is a closing \"}\" missing?");
  }
  const std::string type_prefix = "Message type \"";
  const std::string field_prefix = "\" has no field named \"";
  const size_t type_start = message.find(type_prefix);
  const size_t field_start = message.find(field_prefix);
  if (type_start == std::string::npos || field_start == std::string::npos) {
    return message;
  }
  const std::string type_name =
      message.substr(type_start + type_prefix.size(),
                     field_start - type_start - type_prefix.size());
  const size_t name_start = field_start + field_prefix.size();
  const size_t name_end = message.find('"', name_start);
  if (name_end == std::string::npos) return message;
  const std::string field_name =
      message.substr(name_start, name_end - name_start);
  const Descriptor* descriptor =
      DescriptorPool::generated_pool()->FindMessageTypeByName(type_name);
  if (descriptor == nullptr) return message;
  std::vector<std::string> names;
  for (int i = 0; i < descriptor->field_count(); ++i) {
    names.push_back(descriptor->field(i)->name());
  }
  const std::string suggestion = DidYouMean(field_name, names);
  if (suggestion.empty()) {
    return absl::StrCat("unknown field \"", field_name, "\" in ", type_name,
                        "; see proto/rbacc/v1/policy.proto for its fields");
  }
  return absl::StrCat("unknown field \"", field_name, "\" in ", type_name,
                      suggestion);
}

// The place of the last whole word `word` in `text` that starts before 0-based
// `line` and `column`; {line, column} when there is none.
std::pair<int, int> PlaceOfWordBefore(absl::string_view text,
                                      absl::string_view word, int line,
                                      int column) {
  size_t line_start = 0;
  for (int i = 0; i < line && line_start != absl::string_view::npos; ++i) {
    line_start = text.find('\n', line_start);
    if (line_start != absl::string_view::npos) ++line_start;
  }
  if (line_start == absl::string_view::npos || word.empty()) {
    return {line, column};
  }
  const size_t line_end = std::min(text.find('\n', line_start), text.size());
  size_t end = std::min(line_start + std::max(column, 0), line_end);
  const auto is_word_char = [](char c) {
    return absl::ascii_isalnum(c) || c == '_';
  };
  while (end >= word.size()) {
    const size_t at = text.rfind(word, end - word.size());
    if (at == absl::string_view::npos) break;
    const size_t after = at + word.size();
    if ((at == 0 || !is_word_char(text[at - 1])) &&
        (after == text.size() || !is_word_char(text[after]))) {
      const absl::string_view before = text.substr(0, at);
      const size_t found_line_start = before.rfind('\n');
      return {static_cast<int>(std::count(before.begin(), before.end(), '\n')),
              static_cast<int>(found_line_start == absl::string_view::npos
                                   ? at
                                   : at - found_line_start - 1)};
    }
    if (at == 0) break;
    end = at + word.size() - 1;
  }
  return {line, column};
}

// Collects the parser's errors and warnings as issues. Protobuf's parser
// reports an unknown enum value at the token after it (often the next line);
// the error is moved to the value itself.
class IssueCollector : public google::protobuf::io::ErrorCollector {
 public:
  IssueCollector(const std::string& display_path, absl::string_view text,
                 IssueList* issues)
      : display_path_(display_path), text_(text), issues_(issues) {}

  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    const std::string enum_prefix = "Unknown enumeration value of \"";
    if (absl::StartsWith(message, enum_prefix)) {
      const size_t value_end = message.find('"', enum_prefix.size());
      if (value_end != std::string::npos) {
        std::tie(line, column) = PlaceOfWordBefore(
            text_,
            absl::string_view(message).substr(enum_prefix.size(),
                                              value_end - enum_prefix.size()),
            line, column);
      }
    }
    issues_->AddError({display_path_, line, column},
                      ExplainParserMessage(message));
    ++errors_;
  }

  void AddWarning(int line, google::protobuf::io::ColumnNumber column,
                  const std::string& message) override {
    issues_->AddWarning({display_path_, line, column}, message);
  }

  int errors() const { return errors_; }

 private:
  const std::string& display_path_;
  absl::string_view text_;
  IssueList* issues_;
  int errors_ = 0;
};

// Records the position of every set field of `message` (whose own position is
// source.positions[0]) and of the messages it holds, breadth first: the fields
// of each message together, sorted by (field number, index).
void RecordLocations(const Message& message,
                     const TextFormat::ParseInfoTree* tree,
                     SourceFile& source) {
  // A message whose fields are still to be recorded.
  struct Pending {
    uint32_t position;
    const Message* message;
    const TextFormat::ParseInfoTree* tree;
  };
  std::vector<Pending> pending = {{0, &message, tree}};
  std::vector<const FieldDescriptor*> fields;
  for (size_t next = 0; next < pending.size(); ++next) {
    const Pending current = pending[next];
    if (current.tree == nullptr) continue;
    const Reflection* reflection = current.message->GetReflection();
    fields.clear();
    reflection->ListFields(*current.message, &fields);
    const uint32_t first_child = static_cast<uint32_t>(source.positions.size());
    const auto add = [&](const FieldDescriptor* field, int index) {
      const TextFormat::ParseLocation location =
          current.tree->GetLocation(field, index);
      SourceFile::FieldPosition position;
      position.field_number = field->number();
      position.index = index;
      if (location.line >= 0) {
        position.line = location.line;
        position.column = location.column;
      }
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        pending.push_back(
            {static_cast<uint32_t>(source.positions.size()),
             index < 0 ? &reflection->GetMessage(*current.message, field)
                       : &reflection->GetRepeatedMessage(*current.message,
                                                         field, index),
             current.tree->GetTreeForNested(field, index)});
      }
      source.positions.push_back(position);
    };
    // ListFields gives the fields in number order, so the children come sorted
    // by (field number, index).
    for (const FieldDescriptor* field : fields) {
      if (!field->is_repeated()) {
        add(field, -1);
        continue;
      }
      const int size = reflection->FieldSize(*current.message, field);
      for (int i = 0; i < size; ++i) add(field, i);
    }
    source.positions[current.position].first_child = first_child;
    source.positions[current.position].child_count =
        static_cast<uint32_t>(source.positions.size()) - first_child;
  }
}

// Adds an error to `issues` for each entry of a map field of `message` (or of
// the messages it holds; `tree` holds their positions) whose key an earlier
// entry of the same map has: protobuf's parser would keep the last silently.
// Returns the number of errors added.
int ReportRepeatedMapKeys(const Message& message,
                          const TextFormat::ParseInfoTree* tree,
                          const std::string& display_path, IssueList* issues) {
  const Reflection* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  int errors = 0;
  for (const FieldDescriptor* field : fields) {
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    const auto location = [&](int index) {
      const TextFormat::ParseLocation at =
          tree == nullptr ? TextFormat::ParseLocation()
                          : tree->GetLocation(field, index);
      return at.line < 0 ? SourceLocation{display_path}
                         : SourceLocation{display_path, at.line, at.column};
    };
    if (!field->is_repeated()) {
      errors += ReportRepeatedMapKeys(
          reflection->GetMessage(message, field),
          tree == nullptr ? nullptr : tree->GetTreeForNested(field, -1),
          display_path, issues);
      continue;
    }
    std::map<std::string, SourceLocation> first_entries;
    const int size = reflection->FieldSize(message, field);
    for (int i = 0; i < size; ++i) {
      const Message& element =
          reflection->GetRepeatedMessage(message, field, i);
      if (!field->is_map()) {
        errors += ReportRepeatedMapKeys(
            element,
            tree == nullptr ? nullptr : tree->GetTreeForNested(field, i),
            display_path, issues);
        continue;
      }
      std::string key;
      TextFormat::PrintFieldValueToString(
          element, element.GetDescriptor()->map_key(), -1, &key);
      const auto [first, inserted] = first_entries.emplace(key, location(i));
      if (inserted) continue;
      issues->AddError(
          location(i),
          absl::StrCat(field->name(), " has the key ", key, " twice (also at ",
                       first->second.ToString(),
                       "); a map holds each key once: remove one"));
      ++errors;
    }
  }
  return errors;
}

}  // namespace

absl::StatusOr<SourceFile> ReadSourceFile(const std::string& path,
                                          const std::string& display_path,
                                          IssueList* issues, size_t max_bytes) {
  SourceFile source;
  source.display_path = display_path;
  absl::StatusOr<std::string> text = ReadInputFile(
      path, display_path,
      {max_bytes, kPolicyFileLimit.what, kPolicyFileLimit.advice});
  if (absl::IsResourceExhausted(text.status())) {
    // The message without the path in front: the issue names the file.
    issues->AddError(
        {display_path},
        std::string(text.status().message().substr(display_path.size() + 2)));
    return source;
  }
  if (!text.ok()) return text.status();
  source.text = *std::move(text);
  if (absl::StartsWith(source.text, "\xEF\xBB\xBF")) {
    issues->AddError({display_path, 0, 0},
                     "the file starts with a UTF-8 byte order mark (BOM); "
                     "save it as UTF-8 without a BOM");
    source.text.clear();
    return source;
  }
  const size_t invalid = FindInvalidUtf8(source.text);
  if (invalid != absl::string_view::npos) {
    const absl::string_view before =
        absl::string_view(source.text).substr(0, invalid);
    const size_t line_start = before.rfind('\n');
    const int line =
        static_cast<int>(std::count(before.begin(), before.end(), '\n'));
    const int column = static_cast<int>(line_start == absl::string_view::npos
                                            ? invalid
                                            : invalid - line_start - 1);
    issues->AddError({display_path, line, column},
                     "the file is not valid UTF-8 here; policy files are UTF-8 "
                     "text (re-save it as UTF-8)");
    source.text.clear();
  }
  return source;
}

bool ParseTextFormat(SourceFile& source, Message* message, IssueList* issues) {
  IssueCollector collector(source.display_path, source.text, issues);
  TextFormat::ParseInfoTree tree;
  TextFormat::Parser parser;
  parser.RecordErrorsTo(&collector);
  parser.WriteLocationsTo(&tree);
  const bool parsed = parser.ParseFromString(source.text, message);
  if (!parsed && collector.errors() == 0) {
    issues->AddError({source.display_path}, "not a valid text-format file");
  }
  if (!parsed ||
      ReportRepeatedMapKeys(*message, &tree, source.display_path, issues) > 0) {
    return false;
  }
  source.descriptor = message->GetDescriptor();
  // Room for one position per line (the usual layout has at most one field on
  // a line); what is not used is given back, as every file's positions are
  // kept with the bundle.
  source.positions.reserve(
      1 + std::count(source.text.begin(), source.text.end(), '\n'));
  source.positions.assign(1, SourceFile::FieldPosition());
  RecordLocations(*message, &tree, source);
  source.positions.shrink_to_fit();
  return true;
}

}  // namespace rbacc
