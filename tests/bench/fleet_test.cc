// The fleet rows without timing: a small fleet is written, compiled, checked
// and recompiled after a feature edit (each run must succeed), one row per
// size is printed with the fitted exponents, and the scratch workspace is
// removed.
#include "tests/bench/fleet.h"

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "tests/bench/process.h"
#include "tests/testing/workspace.h"

namespace rbacc::bench {
namespace {

namespace fs = std::filesystem;

TEST(FleetTest, ParsesFleetCases) {
  EXPECT_EQ(ParseFleetCase("fleet-1k"), 1000);
  EXPECT_EQ(ParseFleetCase("fleet-10k"), 10000);
  EXPECT_EQ(ParseFleetCase("1k"), std::nullopt);
  EXPECT_EQ(ParseFleetCase("fleet-2k"), std::nullopt);
}

TEST(FleetTest, PrintsOneRowPerSizeAndCleansUp) {
  const fs::path work_dir = fs::path(std::getenv("TEST_TMPDIR")) / "fleet";
  fs::create_directories(work_dir);
  FleetSetup setup;
  setup.compiler = testing::RunfilePath("compiler/compiler");
  setup.skypilot_bundle = testing::RunfilePath("policies/skypilot");
  setup.work_dir = work_dir.string();
  setup.environment = CurrentEnvironment({"BUILD_WORKSPACE_DIRECTORY"});
  setup.repetitions = 2;

  std::ostringstream out;
  const absl::Status printed = PrintFleetTable({2, 4}, setup, out);
  ASSERT_TRUE(printed.ok()) << printed;
  EXPECT_NE(out.str().find("\n| 2 | "), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("\n| 4 | "), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("from 2 to 4 profiles grows as n^"),
            std::string::npos)
      << out.str();
  EXPECT_TRUE(fs::is_empty(work_dir));
}

TEST(FleetTest, FailsNamingTheLogWhenTheCompilerFails) {
  const fs::path work_dir = fs::path(std::getenv("TEST_TMPDIR")) / "broken";
  fs::create_directories(work_dir / "bundle");
  FleetSetup setup;
  setup.compiler = testing::RunfilePath("compiler/compiler");
  // A bundle folder without bundle.textproto.
  setup.skypilot_bundle = (work_dir / "bundle").string();
  setup.work_dir = work_dir.string();
  setup.environment = CurrentEnvironment({"BUILD_WORKSPACE_DIRECTORY"});

  std::ostringstream out;
  const absl::Status printed = PrintFleetTable({2}, setup, out);
  EXPECT_FALSE(printed.ok());
  EXPECT_NE(printed.message().find("compiler.log.stderr"), std::string::npos)
      << printed;
}

}  // namespace
}  // namespace rbacc::bench
