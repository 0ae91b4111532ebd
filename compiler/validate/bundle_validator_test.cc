// Tests for the bundle checks that depend on how they are run: features are
// checked on every core, yet their issues come in the order of a serial run.
#include "compiler/validate/bundle_validator.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "compiler/catalog/catalog.h"
#include "compiler/common/issue.h"
#include "compiler/load/bundle_loader.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace rbacc {
namespace {

TEST(BundleValidatorTest, FeatureIssuesComeInNameOrder) {
  constexpr int kFeatures = 60;
  LoadedBundle bundle;
  // The bundle's own mistakes (it is left empty) are not what is tested.
  bundle.source.display_path = "bundle.textproto";
  std::vector<std::string> expected;
  for (int i = 0; i < kFeatures; ++i) {
    const std::string name = absl::StrFormat("f%02d", i);
    bundle.proto.add_features(name);
    LoadedFeature& feature = bundle.features[name];
    feature.source.display_path = absl::StrCat(name, ".textproto");
    // A rule without a reason, and one with a misspelt verb per feature (two
    // for every fifth feature).
    std::string text = absl::StrCat("name: \"", name,
                                    "\" summary: \"s\" "
                                    "namespace_rules { api_groups: \"\" "
                                    "resources: \"pods\" verbs: \"get\" }");
    expected.push_back(
        absl::StrCat(feature.source.display_path, ": rule has no reason"));
    const int misspelt = i % 5 == 0 ? 2 : 1;
    for (int rule = 0; rule < misspelt; ++rule) {
      absl::StrAppend(&text,
                      " cluster_rules { api_groups: \"\" resources: \"pods\" "
                      "verbs: \"lisst\" reason: \"r\" }");
      expected.push_back(
          absl::StrCat(feature.source.display_path, ": unknown verb"));
    }
    ASSERT_TRUE(
        google::protobuf::TextFormat::ParseFromString(text, &feature.proto));
  }
  absl::StatusOr<ResourceCatalog> catalog = ResourceCatalog::Builtin();
  ASSERT_TRUE(catalog.ok());
  IssueList issues;
  ValidateBundle(bundle, *catalog, &issues);
  std::vector<std::string> found;
  for (const Issue& issue : issues.issues()) {
    if (issue.location.file == "bundle.textproto") continue;
    // The message up to its first ";" or quote, after the file.
    found.push_back(absl::StrCat(
        issue.location.file, ": ",
        issue.message.substr(0, issue.message.find_first_of(";\""))));
  }
  for (std::string& message : found) {
    if (message.back() == ' ') message.pop_back();
  }
  EXPECT_EQ(found, expected);
}

}  // namespace
}  // namespace rbacc
