// Tests for the all-or-nothing output writer: what lands on disk, and that
// every failure leaves the previous outputs untouched and no staging file
// behind.
#include "compiler/emit/output_writer.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace rbacc {
namespace {

namespace fs = std::filesystem;

// A fresh folder under the test's temporary directory.
fs::path FreshFolder(const std::string& name) {
  const fs::path path = fs::path(::testing::TempDir()) / name;
  fs::remove_all(path);
  return path;
}

// Every file in `folder` with its content.
std::map<std::string, std::string> ReadFolder(const fs::path& folder) {
  std::map<std::string, std::string> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream stream(entry.path(), std::ios::binary);
    std::stringstream content;
    content << stream.rdbuf();
    files[entry.path().filename().string()] = content.str();
  }
  return files;
}

const std::vector<OutputFile> kOldFiles = {{"a.yaml", "old a\n"},
                                           {"b.yaml", "old b\n"}};
const std::vector<OutputFile> kNewFiles = {{"a.yaml", "new a\n"},
                                           {"b.yaml", "new b\n"}};

TEST(OutputWriterTest, CreatesFolderAndWritesEveryFile) {
  const fs::path folder = FreshFolder("creates") / "nested" / "out";
  ASSERT_TRUE(WriteOutputFiles(folder.string(), kNewFiles).ok());
  EXPECT_EQ(ReadFolder(folder),
            (std::map<std::string, std::string>{{"a.yaml", "new a\n"},
                                                {"b.yaml", "new b\n"}}));
}

TEST(OutputWriterTest, ReplacesPreviousFilesAndKeepsOthers) {
  const fs::path folder = FreshFolder("replaces");
  ASSERT_TRUE(WriteOutputFiles(folder.string(), kOldFiles).ok());
  std::ofstream(folder / "README") << "mine\n";
  ASSERT_TRUE(WriteOutputFiles(folder.string(), kNewFiles).ok());
  EXPECT_EQ(
      ReadFolder(folder),
      (std::map<std::string, std::string>{
          {"README", "mine\n"}, {"a.yaml", "new a\n"}, {"b.yaml", "new b\n"}}));
}

TEST(OutputWriterTest, FolderInPlaceOfAFileChangesNothing) {
  const fs::path folder = FreshFolder("folder_in_place");
  ASSERT_TRUE(WriteOutputFiles(folder.string(), {{"a.yaml", "old a\n"}}).ok());
  fs::create_directory(folder / "b.yaml");
  const absl::Status status = WriteOutputFiles(folder.string(), kNewFiles);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("b.yaml is a folder"), std::string::npos)
      << status.message();
  EXPECT_EQ(ReadFolder(folder),
            (std::map<std::string, std::string>{{"a.yaml", "old a\n"}}));
}

TEST(OutputWriterTest, StagingFailureChangesNothingAndLeavesNoStagingFile) {
  const fs::path folder = FreshFolder("staging_failure");
  ASSERT_TRUE(WriteOutputFiles(folder.string(), kOldFiles).ok());
  // The second file's staging name is taken by a folder, so staging it fails
  // after the first file was staged.
  const fs::path blocker =
      folder / absl::StrCat(".b.yaml.rbacc-", getpid(), ".tmp");
  fs::create_directory(blocker);
  const absl::Status status = WriteOutputFiles(folder.string(), kNewFiles);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("cannot create"), std::string::npos)
      << status.message();
  fs::remove(blocker);
  EXPECT_EQ(ReadFolder(folder),
            (std::map<std::string, std::string>{{"a.yaml", "old a\n"},
                                                {"b.yaml", "old b\n"}}));
  for (const fs::directory_entry& entry : fs::directory_iterator(folder)) {
    EXPECT_EQ(entry.path().filename().string().find(".rbacc-"),
              std::string::npos)
        << "left behind: " << entry.path();
  }
}

TEST(OutputWriterTest, CheckOutputDirectory) {
  const fs::path root = FreshFolder("check");
  fs::create_directories(root / "folder");
  std::ofstream(root / "file") << "x";
  fs::create_symlink(root / "missing", root / "dangling");
  EXPECT_TRUE(CheckOutputDirectory((root / "folder").string()).ok());
  EXPECT_TRUE(
      CheckOutputDirectory((root / "folder" / "new" / "deeper").string()).ok());
  const absl::Status file = CheckOutputDirectory((root / "file").string());
  EXPECT_EQ(file.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(file.message().find("is a file"), std::string::npos);
  const absl::Status below_file =
      CheckOutputDirectory((root / "file" / "sub").string());
  EXPECT_EQ(below_file.code(), absl::StatusCode::kInvalidArgument);
  const absl::Status dangling =
      CheckOutputDirectory((root / "dangling").string());
  EXPECT_EQ(dangling.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(dangling.message().find("link to nothing"), std::string::npos);
}

}  // namespace
}  // namespace rbacc
