// GitOps hygiene through the compile and check commands: a folder under
// outputs/<bundle>/ that rbacc generated and no profile writes any more (a
// removed profile's, an ad-hoc selection's custom/) is reported by `check`
// with the command that removes it and removed by a run that regenerates
// every profile; a folder holding a file rbacc did not write is reported and
// left as it is.
#include <filesystem>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "compiler/cli/compile_command.h"
#include "gtest/gtest.h"
#include "tests/testing/workspace.h"

namespace rbacc {
namespace {

namespace fs = std::filesystem;

using ::rbacc::testing::MakeWorkspace;
using ::rbacc::testing::ReadFileOrDie;
using ::rbacc::testing::WriteFile;

// What one RunCompile printed, and its exit code.
struct CompileRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs RunCompile with `options` in `workspace`.
CompileRun Compile(const std::string& workspace, CompileOptions options) {
  options.request.workspace_root = workspace;
  std::ostringstream out;
  std::ostringstream err;
  CompileRun run;
  run.exit_code = RunCompile(options, out, err);
  run.out = out.str();
  run.err = err.str();
  return run;
}

// A workspace whose outputs are current, plus two orphans under
// outputs/skypilot: oldprofile/ (a copy of minimal/, every file rbacc's) and
// custom/ (an ad-hoc run's outputs, with a hand-written notes.md beside them).
std::string WorkspaceWithOrphans(const std::string& name) {
  const std::string workspace = MakeWorkspace(name);
  CompileOptions every_profile;
  EXPECT_EQ(Compile(workspace, every_profile).exit_code, kExitOk);
  const std::string outputs = workspace + "/outputs/skypilot";
  fs::copy(outputs + "/minimal", outputs + "/oldprofile",
           fs::copy_options::recursive);
  CompileOptions custom;
  custom.request.overrides.features.emplace();
  custom.request.overrides.features->value = {"base"};
  EXPECT_EQ(Compile(workspace, custom).exit_code, kExitOk);
  WriteFile(outputs + "/custom/notes.md", "Why we ran this by hand.\n");
  return workspace;
}

TEST(OrphanedOutputsTest, CheckReportsEveryOrphanWithItsRemovalCommand) {
  const std::string workspace = WorkspaceWithOrphans("orphans_check");
  CompileOptions check;
  check.check = true;
  const CompileRun run = Compile(workspace, check);
  EXPECT_EQ(run.exit_code, kExitStale) << run.err;
  EXPECT_TRUE(absl::StrContains(
      run.out,
      "outputs/skypilot/oldprofile/: rbacc generated it, but no profile "
      "writes it (GitOps tools would keep applying it); delete it\n"
      "run: rm -r outputs/skypilot/oldprofile"))
      << run.out;
  EXPECT_TRUE(absl::StrContains(
      run.out,
      "outputs/skypilot/custom/: rbacc generated it, but no profile writes "
      "it (GitOps tools would keep applying it); rbacc leaves it because "
      "outputs/skypilot/custom/notes.md is not rbacc's"))
      << run.out;
  EXPECT_TRUE(absl::StrContains(run.err, "2 output files are stale"))
      << run.err;
  // Checking one profile says nothing about the others' folders.
  check.request.profile = "minimal";
  EXPECT_EQ(Compile(workspace, check).exit_code, kExitOk);
}

TEST(OrphanedOutputsTest, RegeneratingEveryProfileRemovesOnlyRbaccsOrphans) {
  const std::string workspace = WorkspaceWithOrphans("orphans_compile");
  const std::string outputs = workspace + "/outputs/skypilot";
  const std::string custom_rbac = ReadFileOrDie(outputs + "/custom/rbac.yaml");

  // One profile's run leaves the orphans.
  CompileOptions minimal;
  minimal.request.profile = "minimal";
  ASSERT_EQ(Compile(workspace, minimal).exit_code, kExitOk);
  EXPECT_TRUE(fs::exists(outputs + "/oldprofile/rbac.yaml"));

  const CompileRun run = Compile(workspace, CompileOptions());
  ASSERT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_TRUE(absl::StrContains(
      run.err, "removed outputs/skypilot/oldprofile/: no profile writes it"))
      << run.err;
  EXPECT_TRUE(absl::StrContains(
      run.err,
      "warning: outputs/skypilot/custom/: no profile writes it, but "
      "outputs/skypilot/custom/notes.md is not rbacc's, so the folder is "
      "left"))
      << run.err;
  EXPECT_FALSE(fs::exists(outputs + "/oldprofile"));
  EXPECT_EQ(ReadFileOrDie(outputs + "/custom/notes.md"),
            "Why we ran this by hand.\n");
  EXPECT_EQ(ReadFileOrDie(outputs + "/custom/rbac.yaml"), custom_rbac);
  for (const fs::directory_entry& entry : fs::directory_iterator(outputs)) {
    EXPECT_NE(entry.path().filename().string()[0], '.')
        << "left behind: " << entry.path();
  }

  // Once the hand-written file is gone, the next run removes custom/ too and
  // check finds everything current.
  fs::remove(outputs + "/custom/notes.md");
  CompileOptions check;
  check.check = true;
  EXPECT_EQ(Compile(workspace, check).exit_code, kExitStale);
  ASSERT_EQ(Compile(workspace, CompileOptions()).exit_code, kExitOk);
  EXPECT_FALSE(fs::exists(outputs + "/custom"));
  const CompileRun current = Compile(workspace, check);
  EXPECT_EQ(current.exit_code, kExitOk) << current.out;
  EXPECT_TRUE(fs::exists(outputs + "/minimal/rbac.yaml"));
}

}  // namespace
}  // namespace rbacc
