// Tests for the compile command: which folders a run writes, what it prints,
// and the provenance header's regenerate command.
#include "compiler/cli/compile_command.h"

#include <filesystem>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "tests/testing/workspace.h"

namespace rbacc {
namespace {

namespace fs = std::filesystem;
using ::rbacc::testing::MakeWorkspace;
using ::rbacc::testing::ReadFileOrDie;
using ::rbacc::testing::ReadTree;
using ::rbacc::testing::WriteFile;

struct CompileRun {
  int exit_code;
  std::string out;
  std::string err;
};

CompileRun Compile(const CompileOptions& options) {
  std::ostringstream out;
  std::ostringstream err;
  const int exit_code = RunCompile(options, out, err);
  return {exit_code, out.str(), err.str()};
}

TEST(CompileCommandTest, NoFlagsRegeneratesEveryProfile) {
  CompileOptions options;
  options.request.workspace_root = MakeWorkspace("all_profiles");
  const CompileRun run = Compile(options);
  ASSERT_EQ(run.exit_code, kExitOk) << run.err;
  for (const std::string profile : {"full", "minimal"}) {
    EXPECT_EQ(ReadTree(options.request.workspace_root + "/outputs/skypilot/" +
                       profile)
                  .size(),
              5u)
        << profile;
  }
  EXPECT_NE(run.err.find("wrote outputs/skypilot/full/ (5 files)"),
            std::string::npos)
      << run.err;
}

TEST(CompileCommandTest, AdHocFeaturesGoToCustomFolder) {
  CompileOptions options;
  options.request.workspace_root = MakeWorkspace("ad_hoc");
  options.request.overrides.features = {{"show-gpus"}, {"--features"}};
  const CompileRun run = Compile(options);
  ASSERT_EQ(run.exit_code, kExitOk) << run.err;
  const auto files =
      ReadTree(options.request.workspace_root + "/outputs/skypilot/custom");
  EXPECT_EQ(files.size(), 5u);
  EXPECT_NE(run.err.find("added feature base: required by show-gpus"),
            std::string::npos)
      << run.err;
  EXPECT_NE(files.at("rbac.yaml")
                .find("# Added because selected features require them: base "
                      "(required by "
                      "show-gpus)."),
            std::string::npos);
  EXPECT_NE(files.at("rbac.yaml")
                .find("re-run: bazel run //compiler -- --bundle=skypilot "
                      "--features=show-gpus\n"),
            std::string::npos)
      << files.at("rbac.yaml");
}

TEST(CompileCommandTest, ContextsGetAFolderEachAndOneConfig) {
  CompileOptions options;
  options.request.workspace_root = MakeWorkspace("contexts");
  options.request.overrides.features = {{"base"}, {"--features"}};
  options.request.overrides.contexts = {
      {"kind-a=robot", "kind-b=SERVICE_ACCOUNT"}, {"--contexts"}};
  options.request.overrides.chart_release = {{"sky"}, {"--chart_release"}};
  // SERVICE_ACCOUNT needs its launcher.
  options.request.overrides.subjects = {{"User:launcher"}, {"--subjects"}};
  const CompileRun run = Compile(options);
  ASSERT_EQ(run.exit_code, kExitOk) << run.err;
  const auto files =
      ReadTree(options.request.workspace_root + "/outputs/skypilot/custom");
  for (const std::string context : {"kind-a", "kind-b"}) {
    for (const std::string file :
         {"rbac.yaml", "values.yaml", "kustomization.yaml", "PERMISSIONS.md"}) {
      EXPECT_EQ(files.count(context + "/" + file), 1u) << context << file;
    }
    EXPECT_EQ(files.count(context + "/config.yaml"), 0u) << context;
  }
  EXPECT_EQ(files.size(), 9u);
  const std::string& config = files.at("config.yaml");
  EXPECT_NE(config.find("  allowed_contexts:\n    - kind-a\n    - kind-b\n"),
            std::string::npos)
      << config;
  EXPECT_NE(config.find("  remote_identity:\n    kind-a: robot\n    kind-b: "
                        "SERVICE_ACCOUNT\n"),
            std::string::npos)
      << config;
  EXPECT_NE(files.at("kind-a/rbac.yaml").find("  name: robot\n"),
            std::string::npos);
  EXPECT_NE(files.at("kind-b/rbac.yaml")
                .find("  name: skypilot-service-account-role\n"),
            std::string::npos);
  EXPECT_NE(files.at("kind-a/values.yaml")
                .find("helm upgrade --install sky skypilot"),
            std::string::npos);
  EXPECT_NE(config.find("re-run: bazel run //compiler -- --bundle=skypilot "
                        "--features=base --subjects=User:launcher "
                        "--contexts=kind-a=robot,kind-b=SERVICE_ACCOUNT "
                        "--chart_release=sky\n"),
            std::string::npos)
      << config;

  // check: current, then a context folder no context writes is reported.
  options.check = true;
  EXPECT_EQ(Compile(options).exit_code, kExitOk);
  fs::create_directories(options.request.workspace_root +
                         "/outputs/skypilot/custom/kind-c");
  const CompileRun stale = Compile(options);
  EXPECT_EQ(stale.exit_code, kExitStale);
  EXPECT_NE(stale.out.find("outputs/skypilot/custom/kind-c/: no context of "
                           "this selection writes it; delete it"),
            std::string::npos)
      << stale.out;
}

TEST(CompileCommandTest, StdoutPrintsRbacYamlAndWritesNoFolder) {
  CompileOptions options;
  options.request.workspace_root = MakeWorkspace("stdout");
  options.request.overrides.features = {{"base"}, {"--features"}};
  options.request.out_dir = "-";
  const CompileRun run = Compile(options);
  ASSERT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_EQ(run.out.rfind("# Generated by rbacc ", 0), 0u);
  EXPECT_NE(run.out.find("kind: ClusterRole\n"), std::string::npos);
  EXPECT_EQ(run.out.find("kind: Kustomization"), std::string::npos);
  EXPECT_FALSE(fs::exists(options.request.workspace_root + "/outputs"));
}

TEST(CompileCommandTest, FlagsOverrideTheProfileInItsFolder) {
  CompileOptions options;
  options.request.workspace_root = MakeWorkspace("override");
  options.request.profile = "full";
  options.request.overrides.namespaces = {{"team-a"}, {"--namespace"}};
  options.request.overrides.subjects = Located<std::vector<std::string>>{
      std::vector<std::string>{"User:alice smith", "Group:ml-team"},
      {"--subjects"},
      {}};
  const CompileRun run = Compile(options);
  ASSERT_EQ(run.exit_code, kExitOk) << run.err;
  const std::string rbac = ReadFileOrDie(options.request.workspace_root +
                                         "/outputs/skypilot/full/rbac.yaml");
  EXPECT_NE(rbac.find("namespace: team-a"), std::string::npos);
  EXPECT_EQ(rbac.find("namespace: default"), std::string::npos);
  EXPECT_NE(
      rbac.find(
          "re-run: bazel run //compiler -- --bundle=skypilot --profile=full "
          "--namespace=team-a --subjects='Group:ml-team,User:alice smith'\n"),
      std::string::npos)
      << rbac;
  EXPECT_NE(rbac.find("    apiGroup: rbac.authorization.k8s.io\n    name: "
                      "\"alice smith\"\n"),
            std::string::npos);
}

TEST(CompileCommandTest, BundleByPath) {
  CompileOptions options;
  options.request.workspace_root = MakeWorkspace("by_path");
  fs::rename(options.request.workspace_root + "/policies/skypilot",
             options.request.workspace_root + "/skypilot");
  options.request.bundle = "./skypilot";
  options.request.profile = "minimal";
  const CompileRun run = Compile(options);
  ASSERT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_TRUE(fs::exists(options.request.workspace_root +
                         "/outputs/skypilot/minimal/rbac.yaml"));
}

TEST(CompileCommandTest, RunningTwiceChangesNothing) {
  CompileOptions options;
  options.request.workspace_root = MakeWorkspace("twice");
  ASSERT_EQ(Compile(options).exit_code, kExitOk);
  const auto first = ReadTree(options.request.workspace_root + "/outputs");
  ASSERT_EQ(Compile(options).exit_code, kExitOk);
  EXPECT_TRUE(ReadTree(options.request.workspace_root + "/outputs") == first);
}

// --check compares each file byte for byte, reading it alongside the text
// being made: one byte more, one byte less, a changed byte, a missing file and
// an extra file are each stale, with a diff of the file.
TEST(CompileCommandTest, CheckFindsEveryDifferentByte) {
  CompileOptions options;
  options.request.workspace_root = MakeWorkspace("check_bytes");
  options.request.profile = "full";
  options.request.out_dir = "out";
  ASSERT_EQ(Compile(options).exit_code, kExitOk);
  options.check = true;
  const CompileRun current = Compile(options);
  EXPECT_EQ(current.exit_code, kExitOk) << current.out;
  EXPECT_EQ(current.out, "");

  const std::string folder = options.request.workspace_root + "/out/";
  const std::string permissions = ReadFileOrDie(folder + "PERMISSIONS.md");
  const std::string rbac = ReadFileOrDie(folder + "rbac.yaml");
  WriteFile(folder + "PERMISSIONS.md", permissions + "x");
  WriteFile(folder + "rbac.yaml", rbac.substr(0, rbac.size() - 1));
  std::string config = ReadFileOrDie(folder + "config.yaml");
  config[config.size() / 2] ^= 1;
  WriteFile(folder + "config.yaml", config);
  fs::remove(folder + "values.yaml");
  WriteFile(folder + "notes.txt", "mine\n");
  const CompileRun stale = Compile(options);
  EXPECT_EQ(stale.exit_code, kExitStale);
  EXPECT_NE(stale.err.find("5 output files are stale"), std::string::npos)
      << stale.err;
  for (const char* header :
       {"--- out/PERMISSIONS.md\n+++ out/PERMISSIONS.md\n",
        "--- out/rbac.yaml\n+++ out/rbac.yaml\n",
        "--- out/config.yaml\n+++ out/config.yaml\n",
        "--- /dev/null\n+++ out/values.yaml\n",
        "out/notes.txt: not generated by rbacc; delete it\n"}) {
    EXPECT_NE(stale.out.find(header), std::string::npos)
        << header << " not in\n"
        << stale.out;
  }
  EXPECT_EQ(stale.out.find("kustomization.yaml"), std::string::npos)
      << stale.out;
}

}  // namespace
}  // namespace rbacc
