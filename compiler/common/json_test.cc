#include "compiler/common/json.h"

#include <string>

#include "compiler/common/json_check.h"
#include "gtest/gtest.h"

namespace rbacc {
namespace {

TEST(JsonStringTest, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(JsonString("a\"b\\c\nd\re\tf"), R"("a\"b\\c\nd\re\tf")");
  EXPECT_EQ(JsonString(std::string("\x01\x1f\x00", 3)),
            R"("\u0001\u001f\u0000")");
  EXPECT_EQ(JsonString(""), R"("")");
}

TEST(JsonStringTest, CopiesWellFormedUtf8) {
  // é (2 bytes), € (3 bytes), U+10348 (4 bytes), U+10FFFF (the highest).
  const std::string text =
      "\xc3\xa9\xe2\x82\xac\xf0\x90\x8d\x88\xf4\x8f\xbf\xbf";
  EXPECT_EQ(JsonString(text), "\"" + text + "\"");
}

TEST(JsonStringTest, ReplacesEachInvalidUtf8ByteWithFffdEscape) {
  // A stray continuation byte and a byte that never appears in UTF-8.
  EXPECT_EQ(JsonString("a\x80z\xff"), R"("a\ufffdz\ufffd")");
  // A truncated sequence: both bytes invalid, the ASCII after it kept.
  EXPECT_EQ(JsonString("\xe2\x82z"), R"("\ufffd\ufffdz")");
  // A sequence cut off by the end of the text.
  EXPECT_EQ(JsonString("\xf0\x90"), R"("\ufffd\ufffd")");
  // Overlong forms of '/' and of U+0000.
  EXPECT_EQ(JsonString("\xc0\xaf\xe0\x80\x80"),
            R"("\ufffd\ufffd\ufffd\ufffd\ufffd")");
  // A UTF-16 surrogate (U+D800) and a code point above U+10FFFF.
  EXPECT_EQ(JsonString("\xed\xa0\x80"), R"("\ufffd\ufffd\ufffd")");
  EXPECT_EQ(JsonString("\xf4\x90\x80\x80"), R"("\ufffd\ufffd\ufffd\ufffd")");
}

TEST(JsonStringTest, AnyBytesGiveValidJson) {
  std::string every_byte;
  for (int c = 0; c < 256; ++c) every_byte.push_back(static_cast<char>(c));
  EXPECT_TRUE(CheckJson(JsonString(every_byte)).ok());
  EXPECT_TRUE(CheckJson(JsonString(every_byte + every_byte.substr(0xc0))).ok());
}

TEST(JsonWriterTest, WritesInlineContainersOnOneLine) {
  JsonWriter json;
  json.BeginObject()
      .Key("id")
      .String("x")
      .Key("n")
      .Int(-2)
      .Key("ok")
      .Bool(true)
      .Key("no")
      .Bool(false)
      .Key("none")
      .Null()
      .Key("list")
      .BeginArray()
      .String("a")
      .BeginObject()
      .EndObject()
      .BeginArray()
      .EndArray()
      .EndArray()
      .EndObject();
  EXPECT_EQ(json.text(),
            R"({"id": "x", "n": -2, "ok": true, "no": false, "none": null, )"
            R"("list": ["a", {}, []]})");
}

TEST(JsonWriterTest, IndentsLinesContainersByLinesDepthOnly) {
  JsonWriter json;
  json.BeginObject(JsonLayout::kLines)
      .Key("tool")
      .BeginObject()
      .Key("driver")
      .BeginObject(JsonLayout::kLines)
      .Key("name")
      .String("rbacc")
      .Key("rules")
      .BeginArray(JsonLayout::kLines)
      .BeginObject()
      .Key("id")
      .String("r1")
      .EndObject()
      .BeginObject()
      .Key("id")
      .String("r2")
      .EndObject()
      .EndArray()
      .EndObject()
      .EndObject()
      .Key("empty")
      .BeginArray(JsonLayout::kLines)
      .EndArray()
      .EndObject();
  EXPECT_EQ(json.text(),
            "{\n"
            "  \"tool\": {\"driver\": {\n"
            "    \"name\": \"rbacc\",\n"
            "    \"rules\": [\n"
            "      {\"id\": \"r1\"},\n"
            "      {\"id\": \"r2\"}\n"
            "    ]\n"
            "  }},\n"
            "  \"empty\": []\n"
            "}");
  EXPECT_TRUE(CheckJson(json.text()).ok()) << CheckJson(json.text());
}

TEST(JsonWriterTest, BreaksEmptyLinesContainersWhenAsked) {
  JsonWriter json({/*break_empty_lines_containers=*/true});
  json.BeginObject(JsonLayout::kLines)
      .Key("findings")
      .BeginArray(JsonLayout::kLines)
      .EndArray()
      .Key("inline")
      .BeginArray()
      .EndArray()
      .EndObject();
  EXPECT_EQ(json.text(), "{\n  \"findings\": [\n  ],\n  \"inline\": []\n}");
}

TEST(JsonWriterTest, EscapesKeysAndValuesIncludingInvalidUtf8) {
  JsonWriter json;
  json.BeginArray(JsonLayout::kLines)
      .BeginObject()
      .Key("k\xff\"")
      .String("v\x80\n")
      .EndObject()
      .EndArray();
  EXPECT_EQ(json.text(), "[\n  {\"k\\ufffd\\\"\": \"v\\ufffd\\n\"}\n]");
  EXPECT_TRUE(CheckJson(json.text()).ok()) << CheckJson(json.text());
}

TEST(JsonWriterTest, WritesATopLevelScalar) {
  JsonWriter json;
  json.Int(7);
  EXPECT_EQ(json.text(), "7");
}

TEST(CheckJsonTest, AcceptsValidDocuments) {
  for (const char* text :
       {"{}", "[]", " 0 ", "-1.5e+3", "\"\\u00e9\\/\"", "[true, false, null]",
        "{\"a\": {\"b\": [1, 2, {\"c\": \"\xc3\xa9\"}]}}"}) {
    EXPECT_TRUE(CheckJson(text).ok()) << text << ": " << CheckJson(text);
  }
}

TEST(CheckJsonTest, RejectsInvalidDocuments) {
  for (const char* text :
       {"", "{", "[1,]", "{\"a\" 1}", "{a: 1}", "01", "1.", "tru", "[1] [2]",
        "\"\x01\"", "\"\\x\"", "\"\\u12g4\"", "\"\xff\"", "\"\xc3\"",
        "\"\xed\xa0\x80\"", "{\"a\": 1,}", "'a'"}) {
    EXPECT_FALSE(CheckJson(text).ok()) << text;
  }
  EXPECT_FALSE(CheckJson(std::string(100, '[') + std::string(100, ']')).ok());
}

}  // namespace
}  // namespace rbacc
