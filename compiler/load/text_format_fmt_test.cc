// Tests for the canonical text format of `rbacc fmt`.
#include "compiler/load/text_format_fmt.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "compiler/common/issue.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "proto/rbacc/v1/calls.pb.h"
#include "proto/rbacc/v1/policy.pb.h"

namespace rbacc {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kMangled[] = "compiler/load/testdata/fmt/mangled.textproto";

std::string ReadTestFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  EXPECT_TRUE(file.good()) << path;
  return text.str();
}

// Formats `text` as a feature, failing the test on any issue.
std::string FormatFeature(const std::string& text) {
  IssueList issues;
  const std::string formatted = FormatTextFormat(
      text, "feature.textproto", v1::Feature::descriptor(), &issues);
  EXPECT_THAT(issues.issues(), IsEmpty()) << issues.Render();
  return formatted;
}

// The comment lines of `text`, each as written after its indentation.
std::vector<std::string> Comments(const std::string& text) {
  std::vector<std::string> comments;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    const size_t hash = line.find('#');
    if (hash != absl::string_view::npos) {
      comments.emplace_back(line.substr(hash));
    }
  }
  return comments;
}

TEST(TextFormatFmtTest, MangledFileGetsSchemaOrderAndKeepsEveryComment) {
  const std::string mangled = ReadTestFile(kMangled);
  const std::string formatted = FormatFeature(mangled);
  // The header stays at the top; the name moves up with its comment.
  EXPECT_EQ(formatted.rfind("# proto-file: proto/rbacc/v1/policy.proto\n"
                            "# proto-message: rbacc.v1.Feature\n#\n",
                            0),
            0u)
      << formatted;
  EXPECT_THAT(formatted,
              HasSubstr("place a comment can stand.\n"
                        "\n"
                        "# Above the name, which moves to the top.\n"
                        "name: \"mangled\"\n"
                        "summary: \"Mangled.\"  # Trailing: on the summary "
                        "line.\n"
                        "requires: \"base\"\n"));
  EXPECT_THAT(formatted,
              HasSubstr("namespace_rules {  # Trailing: on the opening brace.\n"
                        "  api_groups: \"\"\n"
                        "  resources: \"pods\"\n"
                        "  # Above pods/exec, inside the list.\n"
                        "  resources: \"pods/exec\"\n"
                        "  verbs: [\"get\", \"list\", \"create\"]\n"
                        "  reason: \"Runs pods.\"\n"
                        "  allow { id: \"pods-exec\" reason: \"Its own pods.\" "
                        "}\n"
                        "  # Before the closing brace.\n"
                        "}\n"));
  EXPECT_THAT(formatted,
              HasSubstr("\n"
                        "# Above the cluster rule, which moves below the "
                        "namespace rule.\n"
                        "cluster_rules {\n"
                        "  api_groups: \"\"\n"
                        "  resources: \"nodes\"\n"
                        "  verbs: \"list\"  # Trailing: on the verbs line.\n"
                        "  reason: \"Reads the nodes.\"\n"
                        "}\n"));
  EXPECT_THAT(formatted, HasSubstr("app_config {\n"
                                   "  key: \"kubernetes.ports\"\n"
                                   "  string_value: \"ingress\"\n"
                                   "}\n"
                                   "# At the end of the file.\n"));
  std::vector<std::string> before = Comments(mangled);
  std::vector<std::string> after = Comments(formatted);
  std::sort(before.begin(), before.end());
  std::sort(after.begin(), after.end());
  EXPECT_EQ(before, after);
}

TEST(TextFormatFmtTest, FormattingTwiceChangesNothing) {
  const std::string once = FormatFeature(ReadTestFile(kMangled));
  EXPECT_EQ(FormatFeature(once), once);
}

TEST(TextFormatFmtTest, KeepsTheFieldsAndTheirValues) {
  const std::string mangled = ReadTestFile(kMangled);
  v1::Feature before;
  v1::Feature after;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(mangled, &before));
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      FormatFeature(mangled), &after));
  EXPECT_EQ(before.SerializeAsString(), after.SerializeAsString());
  EXPECT_EQ(after.namespace_rules(0).verbs_size(), 3);
}

TEST(TextFormatFmtTest, ListsAreOneLineUnlessACommentSplitsThem) {
  EXPECT_EQ(FormatFeature("name: \"x\"\nrequires: \"a\"\nrequires: \"b\"\n"),
            "name: \"x\"\nrequires: [\"a\", \"b\"]\n");
  EXPECT_EQ(FormatFeature("requires: [\"a\"]\n"), "requires: \"a\"\n");
  EXPECT_EQ(FormatFeature("requires: \"a\"  # why a\nrequires: \"b\"\n"),
            "requires: \"a\"  # why a\nrequires: \"b\"\n");
  EXPECT_EQ(FormatFeature("requires: []\nname: \"x\"\n"), "name: \"x\"\n");
}

TEST(TextFormatFmtTest, CommentsInsideAFieldMoveAboveIt) {
  EXPECT_EQ(FormatFeature("summary: # s\n  \"y\" ;  # after y\n"
                          "name: \"x\"  # after x\n, requires: [] # r\n"),
            "name: \"x\"  # after x\n# s\nsummary: \"y\"  # after y\n"
            "# r\n");
  EXPECT_EQ(FormatFeature("requires: [  # first\n  \"a\",  # after a\n"
                          "  \"b\"\n  # before the bracket\n]\n"),
            "# first\nrequires: \"a\"  # after a\nrequires: \"b\"\n"
            "# before the bracket\n");
}

TEST(TextFormatFmtTest, BlocksAndBlankLines) {
  EXPECT_EQ(FormatFeature("\n\nname: \"x\"\n\n\n\nsummary: \"y\"\n\n"),
            "name: \"x\"\n\nsummary: \"y\"\n");
  EXPECT_EQ(FormatFeature("cluster_rules {\n\n  verbs: \"get\"\n\n}\n"),
            "cluster_rules {\n  verbs: \"get\"\n}\n");
  EXPECT_EQ(FormatFeature("cluster_rules {}\n"), "cluster_rules {}\n");
  EXPECT_EQ(FormatFeature("cluster_rules: < verbs: 'get' >\n"),
            "cluster_rules { verbs: 'get' }\n");
}

TEST(TextFormatFmtTest, AFileOfCommentsKeepsItsBlankLines) {
  EXPECT_EQ(FormatFeature("\n# a\n\n\n# b\n# c\n\n"), "# a\n\n# b\n# c\n");
}

TEST(TextFormatFmtTest, AListPastOneHundredColumnsGetsALinePerValue) {
  // requires: ["f01", ..., "f12"] is 94 columns wide; with "f13", 101.
  std::string fits = "requires: [";
  std::string too_long;
  for (int i = 1; i <= 13; ++i) {
    const std::string value = absl::StrCat("\"f", i < 10 ? "0" : "", i, "\"");
    if (i < 13) absl::StrAppend(&fits, i > 1 ? ", " : "", value);
    absl::StrAppend(&too_long, "requires: ", value, "\n");
  }
  fits += "]\n";
  ASSERT_EQ(fits.size() - 1, 94u);
  EXPECT_EQ(FormatFeature(fits), fits);
  EXPECT_EQ(FormatFeature(too_long), too_long);
}

TEST(TextFormatFmtTest, ALongOneLineMessageBecomesABlock) {
  const std::string reason(100, 'r');
  EXPECT_EQ(
      FormatFeature("cluster_rules { verbs: \"get\" reason: \"" + reason +
                    "\" }\n"),
      "cluster_rules {\n  verbs: \"get\"\n  reason: \"" + reason + "\"\n}\n");
}

TEST(TextFormatFmtTest, ReportsSyntaxErrorsAtTheirPosition) {
  IssueList issues;
  const std::string formatted =
      FormatTextFormat("name: \"x\"\ncluster_rules {\n  verb: \"get\"\n}\n",
                       "bad.textproto", v1::Feature::descriptor(), &issues);
  EXPECT_EQ(formatted, "");
  ASSERT_TRUE(issues.has_errors());
  EXPECT_THAT(issues.Render(),
              HasSubstr("bad.textproto:3:7: error: unknown field \"verb\""));
}

TEST(TextFormatFmtTest, RejectsExtensionFields) {
  IssueList issues;
  EXPECT_EQ(FormatTextFormat("[rbacc.v1.x]: 1\n", "ext.textproto",
                             v1::Feature::descriptor(), &issues),
            "");
  EXPECT_TRUE(issues.has_errors());
}

TEST(TextFormatFmtTest, PolicyFileTypeFromTheHeaderOrThePath) {
  EXPECT_EQ(PolicyFileType("x/base.textproto",
                           "# proto-message: rbacc.v1.Profile\nname: \"a\"\n"),
            v1::Profile::descriptor());
  EXPECT_EQ(PolicyFileType("policies/a/bundle.textproto", ""),
            v1::Bundle::descriptor());
  EXPECT_EQ(PolicyFileType("policies/a/profiles/full.textproto", ""),
            v1::Profile::descriptor());
  EXPECT_EQ(PolicyFileType("policies/a/calls.textproto", ""),
            v1::CallRecord::descriptor());
  EXPECT_EQ(PolicyFileType("policies/a/base.textproto",
                           "# proto-message: rbacc.v1.Rule\n"),
            v1::Feature::descriptor());
}

}  // namespace
}  // namespace rbacc
