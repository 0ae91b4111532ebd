#include "compiler/emit/text_output.h"

#include <functional>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"

namespace rbacc {

TextOutput::TextOutput(Consumer consume, size_t piece_bytes)
    : consume_(std::move(consume)), piece_bytes_(piece_bytes) {}

void TextOutput::Finish() {
  if (!buffer_.empty()) HandOn();
}

void TextOutput::HandOn() {
  consume_(buffer_);
  buffer_.clear();
}

std::string CollectText(const std::function<void(TextOutput&)>& write) {
  std::string text;
  TextOutput out([&text](absl::string_view piece) {
    text.append(piece.data(), piece.size());
  });
  write(out);
  out.Finish();
  return text;
}

}  // namespace rbacc
