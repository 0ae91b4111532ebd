// Tests for decoding Python bytes literals in logs.
#include "compiler/review/python_bytes.h"

#include "gtest/gtest.h"

namespace rbacc {
namespace {

TEST(DecodePythonBytesLiteralsTest, DecodesTheJsonInsideALiteral) {
  EXPECT_EQ(DecodePythonBytesLiterals(
                "body: b'{\"message\":\"User \\\\\"a\\\\\" can\\'t\\x21\"}'\n"),
            "body: {\"message\":\"User \\\"a\\\" can't!\"}\n");
}

TEST(DecodePythonBytesLiteralsTest, LeavesTheRestAlone) {
  // Not a token ("sub'{"), not closed on its line, a broken \x escape.
  for (const char* text : {"sub'{\"a\":1}'", "b'{\"a\":1}\n'",
                           "b'{\"a\":\"\\x4\"}'", "no literal"}) {
    EXPECT_EQ(DecodePythonBytesLiterals(text), text);
  }
}

}  // namespace
}  // namespace rbacc
