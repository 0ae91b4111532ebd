// Text written in pieces. An emitter appends to a TextOutput; whenever what it
// holds reaches a piece's size the piece goes to the consumer (a staging file,
// standard output, a comparison with the file on disk, a string) and the
// buffer starts again, so an output of any size is held in memory one piece at
// a time. PERMISSIONS.md of 100,000 rules is 50 MB: as one string it would be
// the largest thing in the process.
//
//   std::string text;
//   TextOutput out([&](absl::string_view piece) { text.append(piece); });
//   out.Append("name: ", name, "\n");
//   out.Finish();
#ifndef RBACC_COMPILER_EMIT_TEXT_OUTPUT_H_
#define RBACC_COMPILER_EMIT_TEXT_OUTPUT_H_

#include <cstddef>
#include <functional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace rbacc {

class TextOutput {
 public:
  // Receives the text in order, one piece at a time; never an empty piece.
  using Consumer = std::function<void(absl::string_view piece)>;

  // The size from which the text held is handed on: large enough that the
  // consumer's calls (a write(2) each, for a file) cost nothing next to making
  // the text, small enough to stay in the CPU's caches.
  static constexpr size_t kPieceBytes = 256 * 1024;

  // Pieces of at least `piece_bytes` (except the last) go to `consume`.
  explicit TextOutput(Consumer consume, size_t piece_bytes = kPieceBytes);
  TextOutput(const TextOutput&) = delete;
  TextOutput& operator=(const TextOutput&) = delete;

  // Appends the concatenation of `parts`: strings, string_views, characters
  // arrays and numbers, as absl::StrAppend takes them.
  template <typename... Parts>
  void Append(const Parts&... parts) {
    absl::StrAppend(&buffer_, parts...);
    if (buffer_.size() >= piece_bytes_) HandOn();
  }

  // Hands on what is left. Call once, after the last Append.
  void Finish();

 private:
  void HandOn();

  Consumer consume_;
  size_t piece_bytes_;
  std::string buffer_;
};

// The text `write` produces, as one string (for tests, diffs and small files).
std::string CollectText(const std::function<void(TextOutput&)>& write);

}  // namespace rbacc

#endif  // RBACC_COMPILER_EMIT_TEXT_OUTPUT_H_
