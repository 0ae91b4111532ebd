// Tests for TextOutput: the pieces it hands on make up exactly the text
// appended, each (but the last) at least a piece's size, none empty.
#include "compiler/emit/text_output.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace rbacc {
namespace {

TEST(TextOutputTest, HandsOnPiecesOfAtLeastThePieceSizeInOrder) {
  std::vector<std::string> pieces;
  TextOutput out(
      [&](absl::string_view piece) { pieces.push_back(std::string(piece)); },
      /*piece_bytes=*/8);
  std::string expected;
  for (int i = 0; i < 20; ++i) {
    out.Append("line ", i, "\n");
    absl::StrAppend(&expected, "line ", i, "\n");
  }
  // Nothing is held back beyond one piece before Finish.
  std::string before_finish;
  for (const std::string& piece : pieces) before_finish += piece;
  EXPECT_GT(before_finish.size() + 8, expected.size());
  out.Finish();

  ASSERT_GT(pieces.size(), 1u);
  std::string joined;
  for (size_t i = 0; i < pieces.size(); ++i) {
    EXPECT_FALSE(pieces[i].empty());
    if (i + 1 < pieces.size()) {
      EXPECT_GE(pieces[i].size(), 8u) << i;
    }
    joined += pieces[i];
  }
  EXPECT_EQ(joined, expected);
}

TEST(TextOutputTest, FinishWithNothingLeftHandsOnNothing) {
  int calls = 0;
  TextOutput out([&](absl::string_view) { ++calls; }, /*piece_bytes=*/4);
  out.Append("abcd");
  EXPECT_EQ(calls, 1);
  out.Finish();
  EXPECT_EQ(calls, 1);

  TextOutput empty([&](absl::string_view) { ++calls; });
  empty.Finish();
  EXPECT_EQ(calls, 1);
}

TEST(TextOutputTest, CollectTextReturnsEverythingWritten) {
  const std::string text = CollectText([](TextOutput& out) {
    for (int i = 0; i < 100000; ++i) out.Append(i, ",");
  });
  std::string expected;
  for (int i = 0; i < 100000; ++i) absl::StrAppend(&expected, i, ",");
  EXPECT_EQ(text, expected);
  EXPECT_EQ(CollectText([](TextOutput&) {}), "");
}

}  // namespace
}  // namespace rbacc
