#include "compiler/common/input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace rbacc {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr InputLimit kLimit = {10, "a test input", "make it smaller"};

// A fresh folder under the test's temporary folder.
fs::path Folder(const std::string& name) {
  const fs::path folder = fs::path(std::getenv("TEST_TMPDIR")) / name;
  fs::remove_all(folder);
  fs::create_directories(folder);
  return folder;
}

TEST(InputFileTest, ReadsARegularFileWhole) {
  const fs::path file = Folder("regular") / "in.txt";
  std::ofstream(file) << "0123456789";
  const absl::StatusOr<std::string> text =
      ReadInputFile(file.string(), "in.txt", kLimit);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(*text, "0123456789");
  EXPECT_EQ(DescribeUnreadable(file.string()), "");
}

TEST(InputFileTest, LargerFileIsRefusedNamingTheLimit) {
  const fs::path file = Folder("large") / "in.txt";
  std::ofstream(file) << "01234567890";
  const absl::StatusOr<std::string> text =
      ReadInputFile(file.string(), "in.txt", kLimit);
  EXPECT_TRUE(absl::IsResourceExhausted(text.status())) << text.status();
  EXPECT_EQ(text.status().message(),
            "in.txt: file is 11 bytes, more than the 10 a test input may "
            "have; make it smaller");
}

TEST(InputFileTest, EachKindOfNonRegularFileIsNamed) {
  const fs::path folder = Folder("kinds");
  const fs::path fifo = folder / "fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  fs::create_symlink(folder / "loop_b", folder / "loop_a");
  fs::create_symlink(folder / "loop_a", folder / "loop_b");
  const struct {
    std::string path;
    std::string message;
  } cases[] = {
      {folder.string(), "x: is a folder; rbacc reads regular files only"},
      {fifo.string(),
       "x: is a FIFO (named pipe); rbacc reads regular files "
       "only"},
      {"/dev/zero", "x: is a character device; rbacc reads regular files only"},
      {(folder / "loop_a").string(),
       "x: is a symbolic link loop; rbacc reads regular files only"},
  };
  for (const auto& c : cases) {
    const absl::StatusOr<std::string> text = ReadInputFile(c.path, "x", kLimit);
    EXPECT_TRUE(absl::IsFailedPrecondition(text.status())) << text.status();
    EXPECT_EQ(text.status().message(), c.message);
    EXPECT_THAT(c.message, HasSubstr(DescribeUnreadable(c.path)));
  }
  const absl::StatusOr<std::string> missing =
      ReadInputFile((folder / "none").string(), "x", kLimit);
  EXPECT_TRUE(absl::IsNotFound(missing.status())) << missing.status();
  EXPECT_EQ(missing.status().message(), "x: does not exist");
}

TEST(InputFileTest, DescriptorIsReadUpToTheLimitOnly) {
  const int zero = open("/dev/zero", O_RDONLY);
  ASSERT_GE(zero, 0);
  const absl::StatusOr<std::string> text =
      ReadInputDescriptor(zero, "standard input", kLimit);
  close(zero);
  EXPECT_TRUE(absl::IsResourceExhausted(text.status())) << text.status();
  EXPECT_EQ(text.status().message(),
            "standard input: more than 10 bytes, the most a test input may "
            "have; make it smaller");
  int pipe_ends[2];
  ASSERT_EQ(pipe(pipe_ends), 0);
  ASSERT_EQ(write(pipe_ends[1], "abc", 3), 3);
  close(pipe_ends[1]);
  const absl::StatusOr<std::string> piped =
      ReadInputDescriptor(pipe_ends[0], "standard input", kLimit);
  close(pipe_ends[0]);
  ASSERT_TRUE(piped.ok()) << piped.status();
  EXPECT_EQ(*piped, "abc");
}

}  // namespace
}  // namespace rbacc
