#include "compiler/load/source_file.h"

#include <algorithm>
#include <string>
#include <tuple>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace rbacc {

const SourceFile::FieldPosition* SourceFile::Find(
    absl::string_view field_path) const {
  if (descriptor == nullptr || positions.empty()) return nullptr;
  const google::protobuf::Descriptor* message = descriptor;
  const FieldPosition* position = &positions[0];
  absl::string_view rest = field_path;
  while (true) {
    // One segment: "name" or "name[index]".
    const size_t end = rest.find('.');
    absl::string_view segment = rest.substr(0, end);
    rest = end == absl::string_view::npos ? "" : rest.substr(end + 1);
    int index = -1;
    const size_t bracket = segment.find('[');
    if (bracket != absl::string_view::npos) {
      if (segment.back() != ']' ||
          !absl::SimpleAtoi(
              segment.substr(bracket + 1, segment.size() - bracket - 2),
              &index) ||
          index < 0) {
        return nullptr;
      }
      segment = segment.substr(0, bracket);
    }
    if (message == nullptr) return nullptr;
    const google::protobuf::FieldDescriptor* field =
        message->FindFieldByName(std::string(segment));
    if (field == nullptr || field->is_repeated() != (index >= 0)) {
      return nullptr;
    }
    const auto children_begin = positions.begin() + position->first_child;
    const auto children_end = children_begin + position->child_count;
    const auto found = std::lower_bound(
        children_begin, children_end, std::make_pair(field->number(), index),
        [](const FieldPosition& child, const std::pair<int32_t, int>& key) {
          return std::make_pair(child.field_number, child.index) < key;
        });
    if (found == children_end || found->field_number != field->number() ||
        found->index != index) {
      return nullptr;
    }
    position = &*found;
    if (end == absl::string_view::npos) {
      return position->line >= 0 ? position : nullptr;
    }
    message = field->message_type();
  }
}

SourceLocation SourceFile::Locate(absl::string_view field_path) const {
  absl::string_view path = field_path;
  while (!path.empty()) {
    if (const FieldPosition* found = Find(path)) {
      return SourceLocation{display_path, found->line, found->column};
    }
    // A repeated field is recorded per element: use its first element's place.
    if (const FieldPosition* first = Find(absl::StrCat(path, "[0]"))) {
      return SourceLocation{display_path, first->line, first->column};
    }
    const size_t cut = path.find_last_of(".[");
    if (cut == absl::string_view::npos) break;
    path = path.substr(0, cut);
  }
  return SourceLocation{display_path};
}

}  // namespace rbacc
