// Tests for the all-or-nothing output writer: what lands on disk, and that
// every failure leaves the previous outputs untouched and no staging file
// behind.
#include "compiler/emit/output_writer.h"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <thread>  // NOLINT(build/c++11)
#include <vector>

#include "absl/strings/str_cat.h"
#include "compiler/emit/text_output.h"
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

const std::vector<OutputFile> kOldFiles = {
    OutputFile::FromText("a.yaml", "old a\n"),
    OutputFile::FromText("b.yaml", "old b\n")};
const std::vector<OutputFile> kNewFiles = {
    OutputFile::FromText("a.yaml", "new a\n"),
    OutputFile::FromText("b.yaml", "new b\n")};

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
  ASSERT_TRUE(WriteOutputFiles(folder.string(),
                               {OutputFile::FromText("a.yaml", "old a\n")})
                  .ok());
  fs::create_directory(folder / "b.yaml");
  const absl::Status status = WriteOutputFiles(folder.string(), kNewFiles);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("b.yaml is a folder"), std::string::npos)
      << status.message();
  EXPECT_EQ(ReadFolder(folder),
            (std::map<std::string, std::string>{{"a.yaml", "old a\n"}}));
}

// Names of the files rbacc stages or keeps aside while writing.
std::vector<std::string> LeftoverFiles(const fs::path& folder) {
  std::vector<std::string> leftovers;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder)) {
    const std::string name = entry.path().filename().string();
    if (name.find(".rbacc-") != std::string::npos) leftovers.push_back(name);
  }
  return leftovers;
}

// Real file operations, except that call number `fail_at` (1-based, counting
// writes, syncfs calls and renames together) fails with EIO. With fail_at = 0
// it only counts. The writer calls from several threads at once: the count is
// atomic.
class FailingFileOperations : public FileOperations {
 public:
  explicit FailingFileOperations(int fail_at) : fail_at_(fail_at) {}

  ssize_t Write(int fd, const void* data, size_t size) override {
    if (Fails("write")) return -1;
    return FileOperations::Write(fd, data, size);
  }
  int Syncfs(int fd) override {
    if (Fails("syncfs")) return -1;
    return FileOperations::Syncfs(fd);
  }
  int Rename(const std::string& from, const std::string& to) override {
    if (Fails("rename")) return -1;
    return FileOperations::Rename(from, to);
  }

  int calls() const { return calls_; }
  // The operation that failed ("write", "syncfs" or "rename"), or "".
  const std::string& failed() const { return failed_; }

 private:
  bool Fails(const char* operation) {
    if (++calls_ != fail_at_) return false;
    failed_ = operation;
    errno = EIO;
    return true;
  }

  int fail_at_;
  std::atomic<int> calls_{0};
  std::string failed_;
};

// The inode number of the file at `path`: a replaced file gets a new one.
ino_t Inode(const fs::path& path) {
  struct stat status {};
  EXPECT_EQ(stat(path.c_str(), &status), 0) << path;
  return status.st_ino;
}

TEST(OutputWriterTest, UnchangedFilesAreLeftAsTheyAre) {
  const fs::path folder = FreshFolder("unchanged");
  ASSERT_TRUE(WriteOutputFiles(folder.string(), kOldFiles).ok());
  const ino_t a = Inode(folder / "a.yaml");
  const ino_t b = Inode(folder / "b.yaml");

  // Nothing changed: nothing is written, flushed or renamed, the files stay.
  FailingFileOperations unchanged(0);
  ASSERT_TRUE(WriteOutputFiles(folder.string(), kOldFiles, unchanged).ok());
  EXPECT_EQ(Inode(folder / "a.yaml"), a);
  EXPECT_EQ(Inode(folder / "b.yaml"), b);
  // The texts are compared with the files: no write, no syncfs, no rename.
  EXPECT_EQ(unchanged.calls(), 0);
  EXPECT_EQ(ReadFolder(folder),
            (std::map<std::string, std::string>{{"a.yaml", "old a\n"},
                                                {"b.yaml", "old b\n"}}));
  EXPECT_EQ(
      std::distance(fs::directory_iterator(folder), fs::directory_iterator()),
      2)
      << "a staging file was left behind";

  // A text one byte longer than the file, then one byte shorter: only that
  // file is replaced.
  const std::vector<OutputFile> changed = {
      OutputFile::FromText("a.yaml", "old a\n"),
      OutputFile::FromText("b.yaml", "old b\n!")};
  ASSERT_TRUE(WriteOutputFiles(folder.string(), changed).ok());
  EXPECT_EQ(Inode(folder / "a.yaml"), a);
  EXPECT_NE(Inode(folder / "b.yaml"), b);
  const std::vector<OutputFile> shorter = {
      OutputFile::FromText("a.yaml", "old a"),
      OutputFile::FromText("b.yaml", "old b\n!")};
  ASSERT_TRUE(WriteOutputFiles(folder.string(), shorter).ok());
  EXPECT_NE(Inode(folder / "a.yaml"), a);
  EXPECT_EQ(ReadFolder(folder),
            (std::map<std::string, std::string>{{"a.yaml", "old a"},
                                                {"b.yaml", "old b\n!"}}));
}

TEST(OutputWriterTest, EveryFailingCallLeavesThePreviousFiles) {
  // c.yaml is new: it must not stay either.
  std::vector<OutputFile> new_files = kNewFiles;
  new_files.push_back(OutputFile::FromText("c.yaml", "new c\n"));
  const fs::path counting_folder = FreshFolder("fault_count");
  ASSERT_TRUE(WriteOutputFiles(counting_folder.string(), kOldFiles).ok());
  FailingFileOperations counting(0);
  ASSERT_TRUE(
      WriteOutputFiles(counting_folder.string(), new_files, counting).ok());
  // Three writes, the file system's syncfs, three renames and its syncfs
  // again.
  ASSERT_EQ(counting.calls(), 8);

  for (int fail_at = 1; fail_at <= counting.calls(); ++fail_at) {
    SCOPED_TRACE(absl::StrCat("failing call ", fail_at));
    const fs::path folder = FreshFolder(absl::StrCat("fault_", fail_at));
    ASSERT_TRUE(WriteOutputFiles(folder.string(), kOldFiles).ok());
    FailingFileOperations operations(fail_at);
    const absl::Status status =
        WriteOutputFiles(folder.string(), new_files, operations);
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
    const std::map<std::string, std::string> expected_message = {
        {"write", "cannot write: Input/output error"},
        {"syncfs", "to disk: Input/output error"},
        {"rename",
         "cannot replace: Input/output error; the previous files "
         "are unchanged"}};
    EXPECT_NE(status.message().find(expected_message.at(operations.failed())),
              std::string::npos)
        << status.message();
    EXPECT_EQ(ReadFolder(folder),
              (std::map<std::string, std::string>{{"a.yaml", "old a\n"},
                                                  {"b.yaml", "old b\n"}}));
    EXPECT_TRUE(LeftoverFiles(folder).empty())
        << "left behind: " << LeftoverFiles(folder)[0];
  }
}

TEST(OutputWriterTest, EveryFailingCallLeavesEveryFolderAsItWas) {
  // Three folders, one nested in another (as a profile's context folders
  // are); a failure in any of them, late or early, leaves all three.
  const std::vector<std::string> names = {"x", "x/ctx", "y"};
  const auto folders_in = [&](const fs::path& root,
                              const std::vector<OutputFile>& files) {
    std::vector<OutputFolder> folders;
    for (const std::string& name : names) {
      folders.push_back({(root / name).string(), files});
    }
    return folders;
  };
  const fs::path counting_root = FreshFolder("folders_count");
  ASSERT_TRUE(WriteOutputFolders(folders_in(counting_root, kOldFiles)).ok());
  FailingFileOperations counting(0);
  ASSERT_TRUE(
      WriteOutputFolders(folders_in(counting_root, kNewFiles), counting).ok());
  // Per folder two writes and two renames; one syncfs before the renames and
  // one after (the folders are on one file system).
  ASSERT_EQ(counting.calls(), 14);
  for (const std::string& name : names) {
    EXPECT_EQ(ReadFolder(counting_root / name),
              (std::map<std::string, std::string>{{"a.yaml", "new a\n"},
                                                  {"b.yaml", "new b\n"}}));
  }

  for (int fail_at = 1; fail_at <= counting.calls(); ++fail_at) {
    SCOPED_TRACE(absl::StrCat("failing call ", fail_at));
    const fs::path root = FreshFolder(absl::StrCat("folders_fault_", fail_at));
    ASSERT_TRUE(WriteOutputFolders(folders_in(root, kOldFiles)).ok());
    FailingFileOperations operations(fail_at);
    const absl::Status status =
        WriteOutputFolders(folders_in(root, kNewFiles), operations);
    ASSERT_FALSE(status.ok());
    EXPECT_NE(status.message().find("Input/output error"), std::string::npos)
        << status.message();
    for (const std::string& name : names) {
      EXPECT_EQ(ReadFolder(root / name),
                (std::map<std::string, std::string>{{"a.yaml", "old a\n"},
                                                    {"b.yaml", "old b\n"}}))
          << name;
      EXPECT_TRUE(LeftoverFiles(root / name).empty())
          << "left behind: " << LeftoverFiles(root / name)[0];
    }
  }
}

TEST(OutputWriterTest, OutputsBeyondTheRunLimitChangeNothing) {
  // Three folders of two 6-byte files: 36 bytes in all.
  const auto folders_in = [](const fs::path& root,
                             const std::vector<OutputFile>& files) {
    std::vector<OutputFolder> folders;
    for (const std::string name : {"x", "x/ctx", "y"}) {
      folders.push_back({(root / name).string(), files});
    }
    return folders;
  };
  const fs::path root = FreshFolder("run_limit");
  ASSERT_TRUE(WriteOutputFolders(folders_in(root, kOldFiles)).ok());
  FileOperations operations;

  const absl::Status status =
      WriteOutputFolders(folders_in(root, kNewFiles), operations, 35);
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(status.message().find("the run's outputs come to more than 35 "
                                  "bytes together, the most rbacc writes"),
            std::string::npos)
      << status.message();
  for (const std::string name : {"x", "x/ctx", "y"}) {
    EXPECT_EQ(ReadFolder(root / name),
              (std::map<std::string, std::string>{{"a.yaml", "old a\n"},
                                                  {"b.yaml", "old b\n"}}))
        << name;
    EXPECT_TRUE(LeftoverFiles(root / name).empty())
        << "left behind: " << LeftoverFiles(root / name)[0];
  }

  EXPECT_TRUE(
      WriteOutputFolders(folders_in(root, kNewFiles), operations, 36).ok());
  EXPECT_EQ(ReadFolder(root / "x/ctx"),
            (std::map<std::string, std::string>{{"a.yaml", "new a\n"},
                                                {"b.yaml", "new b\n"}}));
}

// The entries of `folder` whose names start with ".": a folder renamed aside
// and not put back or deleted.
std::vector<std::string> HiddenEntries(const fs::path& folder) {
  std::vector<std::string> hidden;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder)) {
    const std::string name = entry.path().filename().string();
    if (name[0] == '.') hidden.push_back(name);
  }
  return hidden;
}

TEST(OutputWriterTest, RemovedFolderGoesWithTheWriteOrStaysWhole) {
  // "old" (with a nested folder) is removed as part of writing "x".
  const auto prepare = [](const fs::path& root) {
    EXPECT_TRUE(
        WriteOutputFolders({{(root / "x").string(), kOldFiles},
                            {(root / "old").string(), kOldFiles},
                            {(root / "old" / "ctx").string(), kOldFiles}})
            .ok());
  };
  const auto in = [&](const fs::path& root) {
    return std::vector<OutputFolder>{{(root / "x").string(), kNewFiles}};
  };
  const fs::path counting_root = FreshFolder("removal_count");
  prepare(counting_root);
  FailingFileOperations counting(0);
  ASSERT_TRUE(WriteOutputFolders(in(counting_root),
                                 {(counting_root / "old").string()}, counting)
                  .ok());
  // Two writes, a syncfs, the folder moved aside, two renames, a syncfs.
  ASSERT_EQ(counting.calls(), 7);
  EXPECT_FALSE(fs::exists(counting_root / "old"));
  EXPECT_TRUE(HiddenEntries(counting_root).empty())
      << "left behind: " << HiddenEntries(counting_root)[0];
  EXPECT_EQ(ReadFolder(counting_root / "x"),
            (std::map<std::string, std::string>{{"a.yaml", "new a\n"},
                                                {"b.yaml", "new b\n"}}));

  for (int fail_at = 1; fail_at <= counting.calls(); ++fail_at) {
    SCOPED_TRACE(absl::StrCat("failing call ", fail_at));
    const fs::path root = FreshFolder(absl::StrCat("removal_fault_", fail_at));
    prepare(root);
    FailingFileOperations operations(fail_at);
    const absl::Status status =
        WriteOutputFolders(in(root), {(root / "old").string()}, operations);
    ASSERT_FALSE(status.ok());
    EXPECT_NE(status.message().find("Input/output error"), std::string::npos)
        << status.message();
    const std::map<std::string, std::string> old_files = {
        {"a.yaml", "old a\n"}, {"b.yaml", "old b\n"}};
    EXPECT_EQ(ReadFolder(root / "x"), old_files);
    EXPECT_EQ(ReadFolder(root / "old"), old_files);
    EXPECT_EQ(ReadFolder(root / "old" / "ctx"), old_files);
    EXPECT_TRUE(HiddenEntries(root).empty())
        << "left behind: " << HiddenEntries(root)[0];
  }
}

// A file much larger than TextOutput's pieces: made while it is written, it
// lands whole, and failing any of its writes leaves the previous file.
TEST(OutputWriterTest, LargeFileIsWrittenInPiecesAndLandsWhole) {
  std::string expected;
  for (int i = 0; i < 200000; ++i) absl::StrAppend(&expected, "line ", i, "\n");
  const std::vector<OutputFile> files = {
      {"big.md",
       [](TextOutput& out) {
         for (int i = 0; i < 200000; ++i) out.Append("line ", i, "\n");
       }},
      OutputFile::FromText("small.yaml", "small\n")};
  const fs::path folder = FreshFolder("large");
  FailingFileOperations counting(0);
  ASSERT_TRUE(WriteOutputFiles(folder.string(), files, counting).ok());
  // (Compared with EXPECT_TRUE: a failure would print megabytes.)
  EXPECT_TRUE(ReadFolder(folder) ==
              (std::map<std::string, std::string>{{"big.md", expected},
                                                  {"small.yaml", "small\n"}}));
  // More than one write for the large file, small.yaml's write, a syncfs, two
  // renames and a syncfs.
  EXPECT_GT(counting.calls(), 6);

  // Only the last line changes: the pieces before it match the file, which is
  // staged at the first difference with the matching part copied from it.
  const std::vector<OutputFile> last_line_changed = {
      {"big.md",
       [](TextOutput& out) {
         for (int i = 0; i < 199999; ++i) out.Append("line ", i, "\n");
         out.Append("the last line\n");
       }},
      OutputFile::FromText("small.yaml", "small\n")};
  const ino_t small = Inode(folder / "small.yaml");
  ASSERT_TRUE(WriteOutputFiles(folder.string(), last_line_changed).ok());
  std::string changed_expected = expected;
  changed_expected.replace(changed_expected.rfind("line 199999"),
                           std::string::npos, "the last line\n");
  EXPECT_TRUE(ReadFolder(folder) ==
              (std::map<std::string, std::string>{{"big.md", changed_expected},
                                                  {"small.yaml", "small\n"}}));
  EXPECT_EQ(Inode(folder / "small.yaml"), small);
  EXPECT_TRUE(LeftoverFiles(folder).empty());

  const fs::path fault_folder = FreshFolder("large_fault");
  ASSERT_TRUE(WriteOutputFiles(fault_folder.string(), kOldFiles).ok());
  FailingFileOperations failing(2);
  const absl::Status status =
      WriteOutputFiles(fault_folder.string(), files, failing);
  EXPECT_FALSE(status.ok());
  EXPECT_TRUE(ReadFolder(fault_folder) ==
              (std::map<std::string, std::string>{{"a.yaml", "old a\n"},
                                                  {"b.yaml", "old b\n"}}));
  EXPECT_TRUE(LeftoverFiles(fault_folder).empty());
}
TEST(OutputWriterTest, StagingFailureChangesNothingAndLeavesNoStagingFile) {
  if (geteuid() == 0) GTEST_SKIP() << "root writes into read-only folders";
  const fs::path folder = FreshFolder("staging_failure");
  ASSERT_TRUE(WriteOutputFiles(folder.string(), kOldFiles).ok());
  // The folder is read-only: no staging file can be created.
  fs::permissions(folder, fs::perms::owner_write, fs::perm_options::remove);
  const absl::Status status = WriteOutputFiles(folder.string(), kNewFiles);
  fs::permissions(folder, fs::perms::owner_write, fs::perm_options::add);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(status.message().find(absl::StrCat(
                folder.string(),
                ": cannot write in this output folder (creating a.yaml: cannot "
                "create: Permission denied); make the folder writable, or "
                "write elsewhere with --out_dir")),
            std::string::npos)
      << status.message();
  EXPECT_EQ(ReadFolder(folder),
            (std::map<std::string, std::string>{{"a.yaml", "old a\n"},
                                                {"b.yaml", "old b\n"}}));
  EXPECT_TRUE(LeftoverFiles(folder).empty());
}

TEST(OutputWriterTest, ConcurrentWritersLeaveOneCompleteSet) {
  const fs::path folder = FreshFolder("concurrent");
  constexpr int kWriters = 8;
  constexpr int kFiles = 5;
  constexpr int kRounds = 20;
  for (int round = 0; round < kRounds; ++round) {
    std::vector<std::thread> threads;
    for (int writer = 0; writer < kWriters; ++writer) {
      threads.emplace_back([&folder, writer]() {
        std::vector<OutputFile> files;
        for (int i = 0; i < kFiles; ++i) {
          files.push_back(
              OutputFile::FromText(absl::StrCat("file", i, ".yaml"),
                                   absl::StrCat("writer ", writer, "\n")));
        }
        EXPECT_TRUE(WriteOutputFiles(folder.string(), files).ok());
      });
    }
    for (std::thread& thread : threads) thread.join();
    const std::map<std::string, std::string> result = ReadFolder(folder);
    ASSERT_EQ(result.size(), kFiles);
    for (const auto& [name, content] : result) {
      EXPECT_EQ(content, result.begin()->second)
          << "round " << round << ": " << name << " comes from another run";
    }
    EXPECT_TRUE(LeftoverFiles(folder).empty());
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
