// Tests for Kubernetes' name rules (k8s.io/apimachinery/pkg/util/validation)
// and the "did you mean" suggestions.
#include "compiler/common/names.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace rbacc {
namespace {

// An input and whether the validator under test accepts it.
struct NameCase {
  std::string name;
  bool valid;
};

// Prints the input of a failing case readably (long names are shown by length).
std::string Describe(const NameCase& c) {
  if (c.name.size() > 40) {
    return std::to_string(c.name.size()) + " chars starting \"" +
           c.name.substr(0, 10) + "\"";
  }
  return "\"" + c.name + "\"";
}

// A DNS-1123 subdomain of exactly `size` characters: labels of 63 "a"s joined
// by dots.
std::string SubdomainOfSize(size_t size) {
  std::string name;
  while (name.size() < size) {
    if (!name.empty() && name.size() % 64 == 63) {
      name += '.';
    } else {
      name += 'a';
    }
  }
  // Never end on a dot.
  if (name.back() == '.') name.back() = 'b';
  return name;
}

TEST(SubdomainOfSizeTest, BuildsValidShapes) {
  EXPECT_EQ(SubdomainOfSize(253).size(), 253u);
  EXPECT_EQ(SubdomainOfSize(254).size(), 254u);
  EXPECT_EQ(SubdomainOfSize(253)[63], '.');
}

TEST(IsDns1123LabelTest, FollowsKubernetesRules) {
  const std::vector<NameCase> cases = {
      {"a", true},
      {"sky-sa", true},
      {"0abc", true},
      {"a1-b2", true},
      {std::string(63, 'a'), true},
      {std::string(64, 'a'), false},
      {"", false},
      {"Abc", false},
      {"abC", false},
      {"a_b", false},
      {"-a", false},
      {"a-", false},
      {"-", false},
      {"a.b", false},
      {"a b", false},
      {"a/b", false},
  };
  for (const NameCase& c : cases) {
    EXPECT_EQ(IsDns1123Label(c.name), c.valid) << Describe(c);
  }
}

TEST(IsDns1123SubdomainTest, FollowsKubernetesRules) {
  const std::vector<NameCase> cases = {
      {"a", true},
      {"sky-sa", true},
      {"a.b", true},
      {"storage.k8s.io", true},
      {"0.1.2", true},
      {SubdomainOfSize(253), true},
      {SubdomainOfSize(254), false},
      {"", false},
      {"a..b", false},
      {".a", false},
      {"a.", false},
      {".", false},
      {"A.b", false},
      {"a_b.c", false},
      {"a.-b", false},
      {"a-.b", false},
      {"a/b", false},
  };
  for (const NameCase& c : cases) {
    EXPECT_EQ(IsDns1123Subdomain(c.name), c.valid) << Describe(c);
  }
}

TEST(IsHelmReleaseNameTest, FollowsHelmRules) {
  const std::vector<NameCase> cases = {
      {"skypilot", true},
      {"sky-prod", true},
      {"sky.prod", true},
      {"a", true},
      {std::string(53, 'a'), true},
      {std::string(54, 'a'), false},
      {"", false},
      {"Skypilot", false},
      {"sky_prod", false},
      {"-sky", false},
      {"sky-", false},
      {"sky..prod", false},
      {"sky/prod", false},
  };
  for (const NameCase& c : cases) {
    EXPECT_EQ(IsHelmReleaseName(c.name), c.valid) << Describe(c);
  }
}

TEST(IsPathSegmentNameTest, FollowsKubernetesRules) {
  const std::vector<NameCase> cases = {
      {"sky-sa-role", true},
      {"Some:Name", true},
      {"system:controller:x", true},
      {"a.b", true},
      {"...", true},
      {"with space", true},
      {std::string(253, 'a'), true},
      {std::string(254, 'a'), false},
      {"", false},
      {".", false},
      {"..", false},
      {"a/b", false},
      {"/", false},
      {"a%b", false},
      {"%2F", false},
  };
  for (const NameCase& c : cases) {
    EXPECT_EQ(IsPathSegmentName(c.name), c.valid) << Describe(c);
  }
}

TEST(IsLabelKeyTest, FollowsKubernetesRules) {
  const std::vector<NameCase> cases = {
      {"parent", true},
      {"app.kubernetes.io/name", true},
      {"rbacc.dev/feature", true},
      {"A_b.C-d", true},
      {"k8s.io/Name_1", true},
      {std::string(63, 'a'), true},
      {"example.com/" + std::string(63, 'a'), true},
      {std::string(64, 'a'), false},
      {"example.com/" + std::string(64, 'a'), false},
      {"", false},
      {"/x", false},
      {"x/", false},
      {"a/b/c", false},
      {"-x", false},
      {"x-", false},
      {"_x", false},
      {"x.", false},
      {"a b", false},
      {"Example.com/x", false},
      {"exa_mple.com/x", false},
  };
  for (const NameCase& c : cases) {
    EXPECT_EQ(IsLabelKey(c.name), c.valid) << Describe(c);
  }
}

TEST(IsLabelValueTest, FollowsKubernetesRules) {
  const std::vector<NameCase> cases = {
      {"", true},
      {"skypilot", true},
      {"v1.2_3-rc", true},
      {"X", true},
      {std::string(63, 'a'), true},
      {std::string(64, 'a'), false},
      {"a b", false},
      {"a/b", false},
      {"-a", false},
      {"a-", false},
      {".a", false},
      {"a:b", false},
  };
  for (const NameCase& c : cases) {
    EXPECT_EQ(IsLabelValue(c.name), c.valid) << Describe(c);
  }
}

struct ClosestMatchCase {
  std::string description;
  std::string input;
  std::vector<std::string> candidates;
  // "" when no candidate should be suggested.
  std::string expected;
};

TEST(ClosestMatchTest, SuggestsLikelyTypos) {
  const std::vector<ClosestMatchCase> cases = {
      {"missing letter",
       "show-gpu",
       {"base", "show-gpus", "ingress"},
       "show-gpus"},
      {"nothing close", "zzzzzz", {"base", "ingress"}, ""},
      {"no candidates", "base", {}, ""},
      {"exact match wins", "base", {"bass", "base", "case"}, "base"},
      // "aeplyy" sorts first and is within reach (2), but "deploys" is closer
      // (1).
      {"closest wins over first", "deploy", {"aeplyy", "deploys"}, "deploys"},
      // "cat" is 1 edit from both; the one that sorts first wins whatever the
      // order given.
      {"tie goes to first sorted", "cat", {"cut", "bat"}, "bat"},
      {"tie goes to first sorted reversed", "cat", {"bat", "cut"}, "bat"},
      // Short inputs still allow one edit.
      {"short input allows one edit", "ab", {"ac"}, "ac"},
      {"short input allows only one edit", "ab", {"xy"}, ""},
      // A third of the length rounded up: 9 and 7 characters allow 3 edits,
      // 6 allow 2, 4 allow 2.
      {"third of nine is three", "abcdefghi", {"abcdefxyz"}, "abcdefxyz"},
      {"third of nine is not four", "abcdefghi", {"abcdewxyz"}, ""},
      {"third of seven rounds up to three", "abcdefg", {"abcdxyz"}, "abcdxyz"},
      {"third of six is two", "abcdef", {"abcxyz"}, ""},
      {"two edits within six", "abcdef", {"abcdyz"}, "abcdyz"},
      {"third of four rounds up to two", "abcd", {"abyz"}, "abyz"},
  };
  for (const ClosestMatchCase& c : cases) {
    EXPECT_EQ(ClosestMatch(c.input, c.candidates), c.expected) << c.description;
  }
}

TEST(DidYouMeanTest, FormatsSuggestion) {
  EXPECT_EQ(DidYouMean("show-gpu", {"base", "show-gpus"}),
            " (did you mean \"show-gpus\"?)");
  EXPECT_EQ(DidYouMean("cat", {"cut", "bat"}), " (did you mean \"bat\"?)");
}

TEST(DidYouMeanTest, EmptyWithoutMatch) {
  EXPECT_EQ(DidYouMean("zzzzzz", {"base", "ingress"}), "");
  EXPECT_EQ(DidYouMean("zzzzzz", {}), "");
}

}  // namespace
}  // namespace rbacc

namespace rbacc {
namespace {

struct Utf8Case {
  std::string text;
  size_t invalid_at;
};

class FindInvalidUtf8Test : public ::testing::TestWithParam<Utf8Case> {};

TEST_P(FindInvalidUtf8Test, FindsTheFirstInvalidSequence) {
  EXPECT_EQ(FindInvalidUtf8(GetParam().text), GetParam().invalid_at);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, FindInvalidUtf8Test,
    ::testing::Values(Utf8Case{"", absl::string_view::npos},
                      Utf8Case{"plain ascii", absl::string_view::npos},
                      Utf8Case{"caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80",
                               absl::string_view::npos},
                      Utf8Case{"ab\xff", 2},            // never valid in UTF-8
                      Utf8Case{"a\xc3", 1},             // truncated
                      Utf8Case{"a\xc3(", 1},            // bad continuation
                      Utf8Case{"\xc0\xaf", 0},          // overlong "/"
                      Utf8Case{"x\xed\xa0\x80", 1},     // a UTF-16 surrogate
                      Utf8Case{"\xf4\x90\x80\x80", 0},  // past U+10FFFF
                      // ASCII is skipped eight bytes at a time: mistakes
                      // inside, at the end of and after such runs.
                      Utf8Case{"0123456789abcdef", absl::string_view::npos},
                      Utf8Case{"0123456\xff"
                               "89abcdef",
                               7},
                      Utf8Case{"01234567\xff", 8},
                      Utf8Case{"0123456789abcdef\xc3\xa9 ok\xc3", 21},
                      Utf8Case{"\xc3\xa9"
                               "0123456789abcdef\xed\xa0\x80",
                               18}));

}  // namespace
}  // namespace rbacc
