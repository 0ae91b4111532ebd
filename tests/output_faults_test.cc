// Atomicity under faults, through the compile command: whichever write, syncfs
// or rename fails, rbacc exits 2 with a message naming the file and the
// system's reason, the previous outputs are intact and no temporary file is
// left; an --out_dir that is a dangling link or cannot be created is refused
// the same way.
#include <atomic>
#include <cerrno>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "compiler/cli/compile_command.h"
#include "compiler/emit/output_writer.h"
#include "gtest/gtest.h"
#include "tests/testing/workspace.h"

namespace rbacc {
namespace {

namespace fs = std::filesystem;

using ::rbacc::testing::MakeWorkspace;
using ::rbacc::testing::ReadTree;
using ::rbacc::testing::WriteFile;

// Real file operations, except that call number `fail_at` (1-based, writes,
// syncfs calls and renames together) fails with ENOSPC; 0 only counts, and
// remembers the numbers of the syncfs calls. The writer calls from several
// threads at once: the count is atomic (syncfs is called from one thread).
class FailingFileOperations : public FileOperations {
 public:
  explicit FailingFileOperations(int fail_at) : fail_at_(fail_at) {}
  ssize_t Write(int fd, const void* data, size_t size) override {
    return Fails() ? -1 : FileOperations::Write(fd, data, size);
  }
  int Syncfs(int fd) override {
    if (Fails()) return -1;
    syncfs_calls_.insert(calls_);
    return FileOperations::Syncfs(fd);
  }
  int Rename(const std::string& from, const std::string& to) override {
    return Fails() ? -1 : FileOperations::Rename(from, to);
  }
  int calls() const { return calls_; }
  const std::set<int>& syncfs_calls() const { return syncfs_calls_; }

 private:
  bool Fails() {
    if (++calls_ != fail_at_) return false;
    errno = ENOSPC;
    return true;
  }
  int fail_at_;
  std::atomic<int> calls_{0};
  std::set<int> syncfs_calls_;
};

// Compiles the full profile of `workspace` into `out_dir`; returns the exit
// code and leaves the messages in `err`.
int CompileFull(const std::string& workspace, const std::string& out_dir,
                FileOperations* operations, std::string* err) {
  CompileOptions options;
  options.request.workspace_root = workspace;
  options.request.profile = "full";
  options.request.out_dir = out_dir;
  options.file_operations = operations;
  std::ostringstream out;
  std::ostringstream messages;
  const int exit_code = RunCompile(options, out, messages);
  *err = messages.str();
  return exit_code;
}

TEST(OutputFaultsTest, EveryFailingCallExitsTwoAndKeepsThePreviousOutputs) {
  const std::string workspace = MakeWorkspace("faults");
  std::string err;
  // Previous outputs: the minimal profile's, in the same folder.
  CompileOptions minimal;
  minimal.request.workspace_root = workspace;
  minimal.request.profile = "minimal";
  minimal.request.out_dir = "out";
  std::ostringstream ignored;
  ASSERT_EQ(RunCompile(minimal, ignored, ignored), kExitOk);
  const std::map<std::string, std::string> previous =
      ReadTree(workspace + "/out");
  ASSERT_EQ(previous.size(), 5u);

  const std::string counting_workspace = MakeWorkspace("faults_count");
  FailingFileOperations counting(0);
  ASSERT_EQ(CompileFull(counting_workspace, "out", &counting, &err), kExitOk)
      << err;
  ASSERT_GT(counting.calls(), 10);

  for (int fail_at = 1; fail_at <= counting.calls(); ++fail_at) {
    SCOPED_TRACE(absl::StrCat("failing call ", fail_at));
    FailingFileOperations operations(fail_at);
    EXPECT_EQ(CompileFull(workspace, "out", &operations, &err), kExitError);
    EXPECT_TRUE(absl::StartsWith(err, "error: ")) << err;
    EXPECT_TRUE(absl::StrContains(err, "No space left on device")) << err;
    EXPECT_TRUE(ReadTree(workspace + "/out") == previous)
        << "the previous outputs changed";
  }
  EXPECT_EQ(CompileFull(workspace, "out", nullptr, &err), kExitOk) << err;
}

// Compiles every profile of bundle skypilot (9 folders, one of them a profile
// with contexts: a folder per context and config.yaml above them) into
// outputs/; returns the exit code and leaves the messages in `err`.
int CompileEveryProfile(const std::string& workspace,
                        FileOperations* operations, std::string* err) {
  CompileOptions options;
  options.request.workspace_root = workspace;
  options.request.bundle = "skypilot";
  options.file_operations = operations;
  std::ostringstream out;
  std::ostringstream messages;
  const int exit_code = RunCompile(options, out, messages);
  *err = messages.str();
  return exit_code;
}

// Adds a line to every file under `folder`, so that a run rewrites them all.
void Stale(const std::string& folder) {
  for (const auto& [path, text] : ReadTree(folder)) {
    WriteFile(folder + "/" + path, text + "# stale\n");
  }
}

TEST(OutputFaultsTest, FailingCallInAnyFolderOfARunKeepsEveryFolder) {
  const std::string workspace = MakeWorkspace("faults_every_profile");
  std::string err;
  ASSERT_EQ(CompileEveryProfile(workspace, nullptr, &err), kExitOk) << err;
  const std::string outputs = workspace + "/outputs/skypilot";
  ASSERT_TRUE(fs::exists(outputs + "/multi-cluster/config.yaml"));
  Stale(outputs);
  const std::map<std::string, std::string> previous = ReadTree(outputs);

  const std::string counting_workspace = MakeWorkspace("faults_every_count");
  FailingFileOperations counting(0);
  ASSERT_EQ(CompileEveryProfile(counting_workspace, &counting, &err), kExitOk)
      << err;
  // A write or more and a rename per file of each folder, and two syncfs.
  ASSERT_GE(counting.calls(), 2 * static_cast<int>(previous.size()) + 2);

  // The files of every folder are synced with one syncfs before the first
  // rename, and the renames with one after the last.
  ASSERT_EQ(counting.syncfs_calls().size(), 2u);
  EXPECT_EQ(*counting.syncfs_calls().rbegin(), counting.calls());

  // Every seventh call, both syncfs calls, and the last ten (the renames of
  // the last folders and the last syncfs): each failure leaves every folder as
  // it was.
  std::set<int> failing_calls = counting.syncfs_calls();
  for (int fail_at = 1; fail_at <= counting.calls();
       fail_at += fail_at + 10 < counting.calls() ? 7 : 1) {
    failing_calls.insert(fail_at);
  }
  for (const int fail_at : failing_calls) {
    SCOPED_TRACE(absl::StrCat("failing call ", fail_at));
    FailingFileOperations operations(fail_at);
    EXPECT_EQ(CompileEveryProfile(workspace, &operations, &err), kExitError);
    EXPECT_TRUE(absl::StrContains(err, "No space left on device")) << err;
    EXPECT_FALSE(absl::StrContains(err, "wrote ")) << err;
    EXPECT_TRUE(ReadTree(outputs) == previous) << "a previous output changed";
  }
  EXPECT_EQ(CompileEveryProfile(workspace, nullptr, &err), kExitOk) << err;
  EXPECT_FALSE(ReadTree(outputs) == previous);
}

// Counts calls as FailingFileOperations(0) does, and records the number of the
// rename that moves outputs/skypilot/oldprofile aside.
class OrphanMoveRecorder : public FailingFileOperations {
 public:
  OrphanMoveRecorder() : FailingFileOperations(0) {}
  int Rename(const std::string& from, const std::string& to) override {
    if (absl::EndsWith(from, "/outputs/skypilot/oldprofile")) {
      move_call_ = calls() + 1;
    }
    return FailingFileOperations::Rename(from, to);
  }
  // The 1-based number of the call that moved the folder aside; 0 before.
  int move_call() const { return move_call_; }

 private:
  std::atomic<int> move_call_{0};
};

TEST(OutputFaultsTest, FailingCallKeepsAnOrphanedFolderTheRunWouldRemove) {
  // outputs/skypilot/oldprofile: rbacc's, written by no profile; a run of
  // every profile removes it with its writes, or (failing) keeps it.
  const auto make = [](const std::string& name) {
    const std::string workspace = MakeWorkspace(name);
    std::string err;
    EXPECT_EQ(CompileEveryProfile(workspace, nullptr, &err), kExitOk) << err;
    const std::string outputs = workspace + "/outputs/skypilot";
    fs::copy(outputs + "/minimal", outputs + "/oldprofile",
             fs::copy_options::recursive);
    Stale(outputs);
    return workspace;
  };
  const std::string workspace = make("faults_orphan");
  const std::string outputs = workspace + "/outputs/skypilot";
  const std::map<std::string, std::string> previous = ReadTree(outputs);
  ASSERT_EQ(previous.count("oldprofile/rbac.yaml"), 1u);

  OrphanMoveRecorder counting;
  std::string err;
  const std::string counting_workspace = make("faults_orphan_count");
  ASSERT_EQ(CompileEveryProfile(counting_workspace, &counting, &err), kExitOk)
      << err;
  ASSERT_FALSE(fs::exists(counting_workspace + "/outputs/skypilot/oldprofile"));
  ASSERT_GT(counting.move_call(), 0);

  // The calls around the folder's move aside (the syncfs of the staged
  // files, the move, the first renames of files into place) and the last
  // three (the last renames and the syncfs after them).
  std::set<int> failing_calls;
  for (int offset = -1; offset <= 2; ++offset) {
    failing_calls.insert(counting.move_call() + offset);
  }
  for (int offset = 0; offset < 3; ++offset) {
    failing_calls.insert(counting.calls() - offset);
  }
  for (const int fail_at : failing_calls) {
    SCOPED_TRACE(absl::StrCat("failing call ", fail_at));
    FailingFileOperations operations(fail_at);
    EXPECT_EQ(CompileEveryProfile(workspace, &operations, &err), kExitError);
    EXPECT_TRUE(absl::StrContains(err, "No space left on device")) << err;
    EXPECT_TRUE(ReadTree(outputs) == previous) << "a previous output changed";
  }
  EXPECT_EQ(CompileEveryProfile(workspace, nullptr, &err), kExitOk) << err;
  EXPECT_FALSE(fs::exists(outputs + "/oldprofile"));
}

TEST(OutputFaultsTest, UnwritableLastProfileWritesNoOtherProfile) {
  const std::string workspace = MakeWorkspace("faults_last_profile");
  std::string err;
  ASSERT_EQ(CompileEveryProfile(workspace, nullptr, &err), kExitOk) << err;
  const std::string outputs = workspace + "/outputs/skypilot";
  Stale(outputs);
  const std::map<std::string, std::string> previous = ReadTree(outputs);
  const std::string teams =
      workspace + "/policies/skypilot/profiles/" + "teams.textproto";
  WriteFile(teams, ::rbacc::testing::ReadFileOrDie(teams) +
                       "out_dir: \"/proc/rbacc-x\"\n");
  EXPECT_EQ(CompileEveryProfile(workspace, nullptr, &err), kExitError);
  EXPECT_TRUE(absl::StrContains(err, "/proc/rbacc-x: cannot create folder"))
      << err;
  EXPECT_TRUE(ReadTree(outputs) == previous) << "a previous output changed";
}

TEST(OutputFaultsTest, TwoProfilesWritingOneFolderIsAnError) {
  const std::string workspace = MakeWorkspace("faults_one_folder");
  const std::string teams =
      workspace + "/policies/skypilot/profiles/" + "teams.textproto";
  WriteFile(teams, ::rbacc::testing::ReadFileOrDie(teams) +
                       "out_dir: \"outputs/skypilot/minimal\"\n");
  std::string err;
  EXPECT_EQ(CompileEveryProfile(workspace, nullptr, &err), kExitError);
  EXPECT_TRUE(absl::StrContains(err,
                                "skypilot:minimal and skypilot:teams both "
                                "write outputs/skypilot/minimal; give each "
                                "profile its own out_dir"))
      << err;
  EXPECT_FALSE(fs::exists(workspace + "/outputs"));
}

TEST(OutputFaultsTest, DanglingLinkAsOutDirIsRefused) {
  const std::string workspace = MakeWorkspace("faults_dangling");
  fs::create_symlink(workspace + "/nowhere", workspace + "/out");
  std::string err;
  EXPECT_EQ(CompileFull(workspace, "out", nullptr, &err), kExitError);
  EXPECT_TRUE(absl::StrContains(err,
                                "out is a link to nothing; remove it or "
                                "choose another folder"))
      << err;
  EXPECT_FALSE(fs::exists(workspace + "/nowhere"));
}

TEST(OutputFaultsTest, UnwritableOutDirExitsTwo) {
  // Nobody, not even root, can create a folder in /proc.
  const std::string workspace = MakeWorkspace("faults_unwritable");
  std::string err;
  EXPECT_EQ(CompileFull(workspace, "/proc/rbacc-out", nullptr, &err),
            kExitError);
  EXPECT_TRUE(absl::StrContains(err,
                                "error: /proc/rbacc-out: cannot create "
                                "folder: "))
      << err;
}

TEST(OutputFaultsTest, FolderWhereNoFileCanBeCreatedIsNamedWithAFix) {
  // /proc/self is a folder in which nobody, not even root, creates a file.
  const std::string workspace = MakeWorkspace("faults_no_file");
  std::string err;
  EXPECT_EQ(CompileFull(workspace, "/proc/self", nullptr, &err), kExitError);
  EXPECT_TRUE(absl::StrContains(
      err, "error: /proc/self: cannot write in this output folder (creating "))
      << err;
  EXPECT_TRUE(absl::StrContains(
      err, "make the folder writable, or write elsewhere with --out_dir"))
      << err;
  // The staging file is rbacc's business, not the user's.
  EXPECT_FALSE(absl::StrContains(err, ".tmp")) << err;
}

}  // namespace
}  // namespace rbacc
