// Determinism (DESIGN.md §2): the rbacc binary regenerates byte-identical
// outputs under another locale (LC_ALL=C, tr_TR.UTF-8), another time zone,
// another working directory, with the policy files created in another order,
// and on one thread or eight (RBACC_THREADS).
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gtest/gtest.h"
#include "tests/testing/workspace.h"

namespace rbacc {
namespace {

namespace fs = std::filesystem;

using ::rbacc::testing::MakeWorkspace;
using ::rbacc::testing::RbaccRun;
using ::rbacc::testing::ReadTree;
using ::rbacc::testing::RunfilePath;
using ::rbacc::testing::RunRbacc;
using ::rbacc::testing::WriteFile;

// Runs rbacc with no flags (every profile) for `workspace`, from `cwd`, with
// `environment` ("NAME=value ...") as the only environment besides PATH;
// fails the test with its messages when it does not succeed.
void RegenerateOutputs(const std::string& workspace, const std::string& cwd,
                       const std::string& environment) {
  const RbaccRun run = RunRbacc(workspace, {}, cwd, environment);
  ASSERT_EQ(run.exit_code, 0) << environment << " from " << cwd << "\n"
                              << run.err << run.out;
}

// A workspace whose policy files were created in reverse order, so that the
// file system lists them in another order.
std::string ShuffledWorkspace(const std::string& name) {
  const std::string source = MakeWorkspace(name + "-source");
  const std::string workspace =
      (fs::path(::testing::TempDir()) / name).string();
  fs::remove_all(workspace);
  const std::map<std::string, std::string> files =
      ReadTree(source + "/policies");
  for (auto file = files.rbegin(); file != files.rend(); ++file) {
    WriteFile(absl::StrCat(workspace, "/policies/", file->first), file->second);
  }
  return workspace;
}

TEST(DeterminismTest, SameBytesUnderEveryEnvironmentAndInputOrder) {
  const std::string reference = MakeWorkspace("determinism-reference");
  RegenerateOutputs(reference, reference, "LC_ALL=C TZ=UTC");
  const std::map<std::string, std::string> expected =
      ReadTree(reference + "/outputs");
  // At least five files for every committed profile of every bundle (a
  // profile with contexts writes four for each context and one config.yaml).
  size_t profiles = 0;
  for (const auto& [path, content] : ReadTree(reference + "/policies")) {
    if (path.find("/profiles/") != std::string::npos) ++profiles;
  }
  ASSERT_GT(profiles, 0u);
  ASSERT_GE(expected.size(), 5 * profiles);

  struct Variant {
    std::string name;
    std::string environment;
    bool from_elsewhere;
    bool shuffled;
  };
  const std::vector<Variant> variants = {
      {"turkish", "LC_ALL=tr_TR.UTF-8 LANG=tr_TR.UTF-8 TZ=UTC", false, false},
      {"timezone", "LC_ALL=C TZ=Pacific/Chatham", false, false},
      {"cwd", "LC_ALL=C.UTF-8 TZ=UTC", true, false},
      {"shuffled", "LC_ALL=C TZ=UTC", false, true},
      {"one-thread", "LC_ALL=C TZ=UTC RBACC_THREADS=1", false, false},
      {"eight-threads", "LC_ALL=C TZ=UTC RBACC_THREADS=8", false, false},
  };
  for (const Variant& variant : variants) {
    SCOPED_TRACE(variant.name);
    const std::string workspace =
        variant.shuffled ? ShuffledWorkspace("determinism-" + variant.name)
                         : MakeWorkspace("determinism-" + variant.name);
    RegenerateOutputs(workspace, variant.from_elsewhere ? "/" : workspace,
                      variant.environment);
    const std::map<std::string, std::string> actual =
        ReadTree(workspace + "/outputs");
    EXPECT_EQ(actual.size(), expected.size());
    for (const auto& [path, content] : expected) {
      EXPECT_TRUE(actual.count(path) > 0 && actual.at(path) == content)
          << path << " differs:\n"
          << (actual.count(path) > 0 ? actual.at(path) : "(missing)");
    }
  }
}

}  // namespace
}  // namespace rbacc
