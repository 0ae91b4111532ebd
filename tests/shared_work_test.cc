// Work shared across profiles (issue #18): a run that compiles many profiles
// compacts and lints each distinct feature set once (SharedWork,
// compiler/compiler.h) and instantiates names, namespaces and subjects per
// profile. Compiling every committed profile together with a generated fleet
// of tenants must give the same bytes, file for file, as compiling each
// profile alone.
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "compiler/compiler.h"
#include "compiler/emit/emitters.h"
#include "gtest/gtest.h"
#include "tests/testing/workspace.h"

namespace rbacc {
namespace {

using ::rbacc::testing::MakeWorkspace;
using ::rbacc::testing::WriteFile;

// Folder -> file name -> text, for every compilation of a run.
using OutputTexts = std::map<std::string, std::map<std::string, std::string>>;

// The selections the generated tenants cycle through: features in another
// order than the committed profiles, several namespaces, no cluster scope,
// identity modes (with their bootstrap) and accounts.
const std::vector<std::string>& TenantSelections() {
  static const std::vector<std::string> selections = {
      R"(features: ["base", "show-gpus", "object-store", "ingress"])",
      R"(features: ["ingress", "base"] service_account: "runner")",
      R"(features: "base" cluster_scope: CLUSTER_SCOPE_NONE)",
      R"(features: ["base", "show-gpus"] remote_identity: "SERVICE_ACCOUNT" )"
      R"(subjects: "User:launcher")",
      R"(features: ["base", "volumes"] remote_identity: "SERVICE_ACCOUNT" )"
      R"(subjects: "Group:devs" bootstrap: BOOTSTRAP_GRANT)",
      R"(features: ["base", "debug-dump"] remote_identity: "LOCAL_CREDENTIALS" )"
      R"(subjects: "Group:users")",
  };
  return selections;
}

// Adds `count` tenant profiles to the skypilot bundle of `workspace`, cycling
// through TenantSelections; in every third round through them each has a
// second namespace (but the identity modes, which take one).
void WriteFleet(const std::string& workspace, int count) {
  const int selections = static_cast<int>(TenantSelections().size());
  for (int i = 0; i < count; ++i) {
    const std::string name = absl::StrFormat("tenant-%03d", i);
    const bool two_namespaces = (i / selections) % 3 == 1 && i % selections < 3;
    const std::string namespaces =
        two_namespaces
            ? absl::StrCat("namespaces: [\"", name, "\", \"", name, "-batch\"]")
            : absl::StrCat("namespace: \"", name, "\"");
    WriteFile(absl::StrCat(workspace, "/policies/skypilot/profiles/", name,
                           ".textproto"),
              absl::StrCat("name: \"", name, "\"\nsummary: \"Tenant ", i,
                           ".\"\n", TenantSelections()[i % selections], "\n",
                           namespaces, "\n"));
  }
}

// The outputs `request` plans, as text; fails the test on any error.
OutputTexts PlannedOutputs(const CompileRequest& request) {
  OutputTexts texts;
  absl::StatusOr<CompilationSet> set = PlanCompilations(request);
  EXPECT_TRUE(set.ok()) << set.status();
  if (!set.ok()) return texts;
  EXPECT_FALSE(set->issues.has_errors())
      << request.bundle << ":" << request.profile << "\n"
      << set->issues.Render(set->file_texts);
  for (const Compilation& compilation : set->compilations) {
    for (const OutputFile& file : compilation.Files()) {
      texts[compilation.shown_directory][file.name] = OutputText(file);
    }
  }
  return texts;
}

TEST(SharedWorkTest, FleetCompiledTogetherMatchesEachProfileAlone) {
  const std::string workspace = MakeWorkspace("shared-work");
  constexpr int kTenants = 36;
  WriteFleet(workspace, kTenants);

  CompileRequest together;
  together.workspace_root = workspace;
  const OutputTexts all = PlannedOutputs(together);
  ASSERT_FALSE(::testing::Test::HasFailure());

  // Every committed profile of every bundle and every tenant: each folder
  // compiled alone.
  absl::StatusOr<CompilationSet> listed = PlanCompilations(together);
  ASSERT_TRUE(listed.ok());
  std::map<std::string, std::string> profiles;  // "bundle:profile" -> bundle
  for (const Compilation& compilation : listed->compilations) {
    profiles[absl::StrCat(compilation.policy.bundle_name, ":",
                          compilation.policy.selection.profile_name)] =
        compilation.policy.bundle_name;
  }
  EXPECT_GE(profiles.size(), static_cast<size_t>(kTenants + 20));
  OutputTexts alone;
  for (const auto& [key, bundle] : profiles) {
    CompileRequest request;
    request.workspace_root = workspace;
    request.bundle = bundle;
    request.profile = key.substr(bundle.size() + 1);
    for (auto& [folder, files] : PlannedOutputs(request)) {
      alone[folder] = std::move(files);
    }
  }
  ASSERT_EQ(all.size(), alone.size());
  for (const auto& [folder, files] : all) {
    ASSERT_EQ(alone.count(folder), 1u) << folder;
    for (const auto& [name, text] : files) {
      EXPECT_EQ(text, alone.at(folder).at(name)) << folder << "/" << name;
    }
    EXPECT_EQ(files.size(), alone.at(folder).size()) << folder;
  }
}

}  // namespace
}  // namespace rbacc
