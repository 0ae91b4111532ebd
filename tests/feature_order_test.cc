// Merging is associative and commutative: every order of --features, and every
// order of the bundle's own feature list, gives the same bytes in every output.
#include <algorithm>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "compiler/cli/compile_command.h"
#include "gtest/gtest.h"
#include "tests/testing/workspace.h"

namespace rbacc {
namespace {

using ::rbacc::testing::MakeWorkspace;
using ::rbacc::testing::ReadFileOrDie;
using ::rbacc::testing::ReadTree;
using ::rbacc::testing::WriteFile;

std::map<std::string, std::string> CompileFeatures(
    const std::string& workspace, const std::vector<std::string>& features,
    const std::string& out_dir) {
  CompileOptions options;
  options.request.workspace_root = workspace;
  options.request.overrides.features = {features, {"--features"}};
  options.request.out_dir = out_dir;
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(RunCompile(options, out, err), kExitOk) << err.str();
  return ReadTree(workspace + "/" + out_dir);
}

TEST(FeatureOrderTest, EveryOrderOfTheFourFeaturesGivesIdenticalBytes) {
  const std::string workspace = MakeWorkspace("feature_order");
  std::vector<std::string> features = {"base", "ingress", "object-store",
                                       "show-gpus"};
  // One folder for every order: --out_dir is part of the regenerate command in
  // the header.
  const std::map<std::string, std::string> first =
      CompileFeatures(workspace, features, "out");
  ASSERT_EQ(first.size(), 5u);
  int orders = 1;
  while (std::next_permutation(features.begin(), features.end())) {
    ++orders;
    EXPECT_TRUE(CompileFeatures(workspace, features, "out") == first)
        << "order " << absl::StrJoin(features, ",") << " differs";
  }
  EXPECT_EQ(orders, 24);
}

TEST(FeatureOrderTest, RepeatedAndRequiredFeaturesChangeNothing) {
  const std::string workspace = MakeWorkspace("feature_repeats");
  EXPECT_TRUE(
      CompileFeatures(workspace, {"show-gpus", "base", "show-gpus"}, "out") ==
      CompileFeatures(workspace, {"base", "show-gpus"}, "out"));
}

TEST(FeatureOrderTest, BundleFeatureListOrderChangesNothingButTheDigest) {
  const std::string workspace = MakeWorkspace("bundle_order");
  const std::map<std::string, std::string> before = CompileFeatures(
      workspace, {"base", "ingress", "object-store", "show-gpus"}, "out");
  const std::string bundle_path =
      workspace + "/policies/skypilot/bundle.textproto";
  const std::string original = ReadFileOrDie(bundle_path);
  const std::string bundle = absl::StrReplaceAll(
      original, {{"features: \"base\"\nfeatures: \"show-gpus\"\n"
                  "features: \"object-store\"\nfeatures: \"ingress\"\n",
                  "features: \"show-gpus\"\nfeatures: \"object-store\"\n"
                  "features: \"ingress\"\nfeatures: \"base\"\n"}});
  ASSERT_NE(bundle, original)
      << "bundle.textproto no longer lists its features as this test expects";
  WriteFile(bundle_path, bundle);
  std::map<std::string, std::string> after = CompileFeatures(
      workspace, {"base", "ingress", "object-store", "show-gpus"}, "out");
  ASSERT_EQ(after.size(), before.size());
  for (auto& [name, content] : after) {
    // The digest identifies the bundle's content, and the list order is
    // content.
    const std::string old_digest =
        before.at(name).substr(before.at(name).find("skypilot@") + 9, 16);
    const std::string new_digest =
        content.substr(content.find("skypilot@") + 9, 16);
    EXPECT_NE(old_digest, new_digest);
    EXPECT_EQ(absl::StrReplaceAll(content, {{new_digest, old_digest}}),
              before.at(name))
        << name;
  }
}

}  // namespace
}  // namespace rbacc
