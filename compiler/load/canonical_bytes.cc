#include "compiler/load/canonical_bytes.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace rbacc {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

void AppendMessage(const Message& message, std::string* out);

void AppendText(const std::string& text, std::string* out) {
  absl::StrAppend(out, text.size(), "\"");
  out->append(text);
}

// Appends the value of `field` in `message`: element `index` of a repeated
// field, or the singular value when `index` is -1.
void AppendValue(const Message& message, const FieldDescriptor* field,
                 int index, std::string* out) {
  const Reflection& reflection = *message.GetReflection();
  const bool repeated = index >= 0;
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      absl::StrAppend(out,
                      repeated
                          ? reflection.GetRepeatedInt32(message, field, index)
                          : reflection.GetInt32(message, field),
                      ";");
      break;
    case FieldDescriptor::CPPTYPE_INT64:
      absl::StrAppend(out,
                      repeated
                          ? reflection.GetRepeatedInt64(message, field, index)
                          : reflection.GetInt64(message, field),
                      ";");
      break;
    case FieldDescriptor::CPPTYPE_UINT32:
      absl::StrAppend(out,
                      repeated
                          ? reflection.GetRepeatedUInt32(message, field, index)
                          : reflection.GetUInt32(message, field),
                      ";");
      break;
    case FieldDescriptor::CPPTYPE_UINT64:
      absl::StrAppend(out,
                      repeated
                          ? reflection.GetRepeatedUInt64(message, field, index)
                          : reflection.GetUInt64(message, field),
                      ";");
      break;
    case FieldDescriptor::CPPTYPE_BOOL:
      absl::StrAppend(
          out,
          (repeated ? reflection.GetRepeatedBool(message, field, index)
                    : reflection.GetBool(message, field))
              ? 1
              : 0,
          ";");
      break;
    case FieldDescriptor::CPPTYPE_ENUM:
      absl::StrAppend(
          out,
          repeated ? reflection.GetRepeatedEnumValue(message, field, index)
                   : reflection.GetEnumValue(message, field),
          ";");
      break;
    case FieldDescriptor::CPPTYPE_FLOAT:
      absl::StrAppendFormat(
          out, "%a;",
          repeated ? reflection.GetRepeatedFloat(message, field, index)
                   : reflection.GetFloat(message, field));
      break;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      absl::StrAppendFormat(
          out, "%a;",
          repeated ? reflection.GetRepeatedDouble(message, field, index)
                   : reflection.GetDouble(message, field));
      break;
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string scratch;
      AppendText(repeated
                     ? reflection.GetRepeatedStringReference(message, field,
                                                             index, &scratch)
                     : reflection.GetStringReference(message, field, &scratch),
                 out);
      break;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      out->push_back('{');
      AppendMessage(repeated
                        ? reflection.GetRepeatedMessage(message, field, index)
                        : reflection.GetMessage(message, field),
                    out);
      out->push_back('}');
      break;
  }
}

void AppendMessage(const Message& message, std::string* out) {
  const Reflection& reflection = *message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection.ListFields(message, &fields);
  std::sort(fields.begin(), fields.end(),
            [](const FieldDescriptor* a, const FieldDescriptor* b) {
              return a->number() < b->number();
            });
  for (const FieldDescriptor* field : fields) {
    absl::StrAppend(out, field->number(), ":");
    if (!field->is_repeated()) {
      AppendValue(message, field, -1, out);
      continue;
    }
    const int size = reflection.FieldSize(message, field);
    std::vector<std::string> values(size);
    for (int i = 0; i < size; ++i) AppendValue(message, field, i, &values[i]);
    if (field->is_map()) std::sort(values.begin(), values.end());
    out->push_back('[');
    for (const std::string& value : values) out->append(value);
    out->push_back(']');
  }
}

}  // namespace

std::string CanonicalBytes(const Message& message) {
  std::string out;
  AppendMessage(message, &out);
  return out;
}

}  // namespace rbacc
