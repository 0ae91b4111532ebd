// Tests for the loader's limits: inputs far past them (a 100 MB file, a million
// rules, deep nesting) end in one clear issue with its location, quickly and
// without reading more than the limits allow.
#include "compiler/load/bundle_loader.h"

#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "compiler/common/issue.h"
#include "compiler/load/text_format_reader.h"
#include "gtest/gtest.h"

namespace rbacc {
namespace {

namespace fs = std::filesystem;

// A fresh bundle folder listing `features`, under the test's temporary
// directory.
fs::path MakeBundle(const std::string& name, int features) {
  const fs::path folder = fs::path(::testing::TempDir()) / name;
  fs::remove_all(folder);
  fs::create_directories(folder);
  std::ofstream bundle(folder / "bundle.textproto");
  bundle << "name: \"" << name << "\"\n";
  for (int i = 0; i < features; ++i) bundle << "features: \"f" << i << "\"\n";
  return folder;
}

// The rendered issues, for failure messages and substring checks.
std::string Rendered(const IssueList& issues) { return issues.Render(); }

TEST(BundleLoaderTest, HundredMegabyteFileIsRejectedWithoutReadingIt) {
  const fs::path folder = MakeBundle("huge_file", 1);
  // Sparse: 100 MB long, no disk space.
  std::ofstream(folder / "f0.textproto") << "name: \"f0\"\n";
  fs::resize_file(folder / "f0.textproto", 100 << 20);
  IssueList issues;
  const absl::StatusOr<LoadedBundle> bundle =
      LoadBundle(folder.string(), "policies/huge_file", &issues);
  ASSERT_TRUE(bundle.ok()) << bundle.status();
  EXPECT_EQ(
      Rendered(issues),
      absl::StrCat("policies/huge_file/f0.textproto: error: file is ",
                   100 << 20, " bytes, more than the ", kMaxPolicyFileBytes,
                   " a policy file may have; split it into several "
                   "features\n"));
  EXPECT_TRUE(bundle->features.empty());
}

TEST(BundleLoaderTest, MillionRulesStopAtTheBundleLimit) {
  constexpr int kFeatures = 10;
  constexpr int kRulesPerFeature = 125000;  // 1.25e6 rules in all.
  const fs::path folder = MakeBundle("million_rules", kFeatures);
  for (int i = 0; i < kFeatures; ++i) {
    std::string text = absl::StrCat("name: \"f", i, "\"\n");
    for (int rule = 0; rule < kRulesPerFeature; ++rule) {
      text += "cluster_rules{verbs:\"get\"}\n";
    }
    ASSERT_LE(text.size(), kMaxPolicyFileBytes);
    std::ofstream(folder / absl::StrCat("f", i, ".textproto")) << text;
  }
  IssueList issues;
  const absl::StatusOr<LoadedBundle> bundle =
      LoadBundle(folder.string(), "policies/million_rules", &issues);
  ASSERT_TRUE(bundle.ok()) << bundle.status();
  // The limit is crossed by the ninth feature; the rest are never read.
  EXPECT_EQ(
      Rendered(issues),
      absl::StrCat("policies/million_rules/bundle.textproto:10:1: "
                   "error: the features up to \"f8\" declare ",
                   9 * kRulesPerFeature, " rules, more than the ",
                   kMaxRulesPerBundle,
                   " a bundle may have; the remaining features were not "
                   "read. Merge overlapping rules or split the bundle\n"));
  EXPECT_EQ(bundle->features.size(), 8);
}

// Feature files are parsed on every core, but the result is as if they were
// read one after the other in the order the bundle lists them: issues in that
// order (twice for a broken feature listed twice), a missing file reported
// where it is listed.
TEST(BundleLoaderTest, FeaturesParsedInParallelKeepTheListOrder) {
  constexpr int kFeatures = 40;
  const fs::path folder = fs::path(::testing::TempDir()) / "list_order";
  fs::remove_all(folder);
  fs::create_directories(folder);
  std::ofstream bundle(folder / "bundle.textproto");
  bundle << "name: \"list_order\"\n";
  // Listed from the last to the first, with f7 twice and f3 missing.
  std::string expected;
  int line = 1;
  for (int i = kFeatures - 1; i >= 0; --i) {
    bundle << "features: \"f" << i << "\"\n";
    ++line;
    if (i == 3) {
      absl::StrAppend(&expected, "bundle.textproto:", line, "\n");
      continue;
    }
    // Every third feature has an unknown field.
    std::ofstream(folder / absl::StrCat("f", i, ".textproto"))
        << "name: \"f" << i << "\"\n"
        << (i % 3 == 0 ? "colour: \"red\"\n" : "");
    if (i % 3 == 0) absl::StrAppend(&expected, "f", i, ".textproto:2\n");
    if (i == 9) {
      bundle << "features: \"f9\"\n";
      ++line;
      absl::StrAppend(&expected, "f9.textproto:2\n");
    }
  }
  bundle.close();
  IssueList issues;
  const absl::StatusOr<LoadedBundle> loaded =
      LoadBundle(folder.string(), "", &issues);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  std::string order;
  for (const Issue& issue : issues.issues()) {
    absl::StrAppend(&order, issue.location.file, ":", issue.location.line + 1,
                    "\n");
  }
  EXPECT_EQ(order, expected);
  // f3 is missing and every third feature is broken.
  EXPECT_EQ(loaded->features.size(), kFeatures - 1 - (kFeatures - 1) / 3);
  EXPECT_EQ(loaded->file_texts.size(), kFeatures);
  EXPECT_EQ(loaded->file_texts.at("f9.textproto"),
            "name: \"f9\"\ncolour: \"red\"\n");
}

// The schema nests three messages deep and unknown fields are errors, so
// nesting ends at the first field the schema does not have, at any depth.
TEST(BundleLoaderTest, DeepNestingIsAnError) {
  const fs::path folder = MakeBundle("deep", 1);
  constexpr int kDepth = 100000;
  std::string text = "name: \"f0\"\n";
  for (int i = 0; i < kDepth; ++i) text += "fixed_namespace_rules {";
  for (int i = 0; i < kDepth; ++i) text += "}";
  std::ofstream(folder / "f0.textproto") << text;
  IssueList issues;
  const absl::StatusOr<LoadedBundle> bundle =
      LoadBundle(folder.string(), "policies/deep", &issues);
  ASSERT_TRUE(bundle.ok()) << bundle.status();
  EXPECT_EQ(Rendered(issues),
            "policies/deep/f0.textproto:2:46: error: unknown field "
            "\"fixed_namespace_rules\" in rbacc.v1.FixedNamespaceGrant; see "
            "proto/rbacc/v1/policy.proto for its fields\n");
}

}  // namespace
}  // namespace rbacc
