#include "compiler/emit/output_writer.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "compiler/common/limits.h"
#include "compiler/common/parallel.h"
#include "compiler/emit/file_systems.h"
#include "compiler/emit/text_output.h"

namespace rbacc {
namespace {

namespace fs = std::filesystem;

using output_writer_internal::FileSystemSet;

std::string ErrnoText() { return std::strerror(errno); }

// Closes a file descriptor when it goes out of scope.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd = -1) : fd_(fd) {}
  FileDescriptor(FileDescriptor&& other) noexcept
      : fd_(std::exchange(other.fd_, -1)) {}
  FileDescriptor& operator=(FileDescriptor&& other) noexcept {
    if (this != &other) {
      Close();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  ~FileDescriptor() {
    if (fd_ >= 0) close(fd_);
  }
  int get() const { return fd_; }
  // Closes now; returns false when close fails (a late write error).
  bool Close() {
    const int fd = fd_;
    fd_ = -1;
    return fd < 0 || close(fd) == 0;
  }

 private:
  int fd_;
};

// A suffix no other run, nor another write of this process, uses at the same
// time: ".rbacc-<pid>-<sequence>".
std::string UniqueSuffix() {
  static std::atomic<unsigned> sequence{0};
  return absl::StrCat(".rbacc-", getpid(), "-", sequence++);
}

// Writes all of `data` to `fd`.
absl::Status WriteAll(int fd, absl::string_view data, const std::string& path,
                      FileOperations& operations) {
  while (!data.empty()) {
    const ssize_t n = operations.Write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return absl::UnavailableError(
          absl::StrCat(path, ": cannot write: ", ErrnoText()));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

// One output file on its way into place.
struct Replacement {
  std::string final_path;
  std::string staging_path;
  // A hard link to the previous file, or "" when there was none.
  std::string backup_path;
};

// Writes the first `size` bytes of the file at `from` to `to_fd` (the staging
// file at `to`).
absl::Status CopyPrefix(const std::string& from, off_t size, int to_fd,
                        const std::string& to, FileOperations& operations) {
  const FileDescriptor source(open(from.c_str(), O_RDONLY | O_CLOEXEC));
  if (source.get() < 0) {
    return absl::UnavailableError(
        absl::StrCat(from, ": cannot read: ", ErrnoText()));
  }
  std::string buffer(std::min<off_t>(size, TextOutput::kPieceBytes), '\0');
  while (size > 0) {
    const ssize_t n =
        read(source.get(), buffer.data(), std::min<off_t>(size, buffer.size()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return absl::UnavailableError(
          absl::StrCat(from, ": cannot read: ", ErrnoText()));
    }
    const absl::Status status =
        WriteAll(to_fd, absl::string_view(buffer.data(), n), to, operations);
    if (!status.ok()) return status;
    size -= n;
  }
  return absl::OkStatus();
}

// Makes the text of `file` as it is written, comparing it with the file at
// file.final_path on the way; at the first difference creates the staging
// file (holding the part that matched, copied from the previous file) and
// writes the rest into it, asking the kernel to start writing each piece to
// disk without waiting for it. Then closes it; nothing is flushed here. Adds
// the bytes to `run_bytes`, failing once the run's outputs exceed
// `max_run_bytes`. Returns whether a staging file was written: false when the
// file already holds the text (nothing is created then).
absl::StatusOr<bool> Stage(const Replacement& replacement,
                           const OutputFile& file, FileOperations& operations,
                           std::atomic<size_t>& run_bytes,
                           size_t max_run_bytes) {
  const std::string& path = replacement.staging_path;
  const std::string& final_path = replacement.final_path;
  FileComparison previous(final_path);
  FileDescriptor staged;
  // The bytes of the text that matched the previous file, so far.
  off_t matched = 0;
  off_t written = 0;
  const auto create = [&]() -> absl::Status {
    staged = FileDescriptor(
        open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (staged.get() < 0) {
      // Named after the folder and the output, not the staging file.
      const fs::path output(final_path);
      return absl::UnavailableError(absl::StrCat(
          output.parent_path().string(),
          ": cannot write in this output folder (creating ",
          output.filename().string(), ": cannot create: ", ErrnoText(),
          "); make the folder writable, or write elsewhere with --out_dir"));
    }
    written = matched;
    return matched == 0 ? absl::OkStatus()
                        : CopyPrefix(final_path, matched, staged.get(), path,
                                     operations);
  };
  absl::Status status;
  TextOutput out([&](absl::string_view piece) {
    if (!status.ok()) return;
    if (run_bytes.fetch_add(piece.size()) + piece.size() > max_run_bytes) {
      status = absl::ResourceExhaustedError(absl::StrCat(
          final_path, ": the run's outputs come to more than ", max_run_bytes,
          " bytes together, the most rbacc writes; select fewer profiles, "
          "contexts or features"));
      return;
    }
    if (staged.get() < 0) {
      if (previous.Compare(piece)) {
        matched += static_cast<off_t>(piece.size());
        return;
      }
      status = create();
      if (!status.ok()) return;
    }
    status = WriteAll(staged.get(), piece, final_path, operations);
    if (!status.ok()) return;
    // Only a hint: the file system's sync is what makes the data durable.
    sync_file_range(staged.get(), written, static_cast<off_t>(piece.size()),
                    SYNC_FILE_RANGE_WRITE);
    written += static_cast<off_t>(piece.size());
  });
  file.write(out);
  out.Finish();
  if (!status.ok()) return status;
  if (staged.get() < 0) {
    // Every piece matched: the same text, unless the previous file is longer.
    if (previous.Same()) return false;
    status = create();
    if (!status.ok()) return status;
  }
  if (!staged.Close()) {
    return absl::UnavailableError(
        absl::StrCat(final_path, ": cannot close: ", ErrnoText()));
  }
  return true;
}

// The first of `statuses` that is an error, or OK.
absl::Status FirstError(const std::vector<absl::Status>& statuses) {
  for (const absl::Status& status : statuses) {
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

// Puts the previous files of the first `renamed` replacements back (or removes
// the new file where there was none), then removes every staging and backup
// file. Returns the first failure's message, or "" when all went back.
std::string RollBack(const std::vector<Replacement>& replacements,
                     size_t renamed, FileOperations& operations) {
  std::string failure;
  for (size_t i = 0; i < renamed; ++i) {
    const Replacement& file = replacements[i];
    const bool restored =
        file.backup_path.empty()
            ? unlink(file.final_path.c_str()) == 0
            : operations.Rename(file.backup_path, file.final_path) == 0;
    if (!restored && failure.empty()) {
      failure = absl::StrCat(
          file.final_path, ": cannot restore the previous file: ", ErrnoText());
    }
  }
  for (const Replacement& file : replacements) {
    unlink(file.staging_path.c_str());
    if (!file.backup_path.empty()) unlink(file.backup_path.c_str());
  }
  return failure;
}

// One folder of a write: its lock, its files staged, and how many of them
// were renamed into place.
struct FolderWrite {
  std::string directory;
  // The open folder; its lock is held until it closes.
  FileDescriptor folder;
  // The files whose text changes (a file already holding its text is left).
  std::vector<Replacement> replacements;
  size_t renamed = 0;
};

// Creates, opens and locks the folder of `output` into `write`, with a
// Replacement for each of its files (not staged yet).
absl::Status LockFolder(const OutputFolder& output, FolderWrite& write) {
  const std::string& directory = output.directory;
  write.directory = directory;
  std::error_code error;
  fs::create_directories(directory, error);
  if (error) {
    return absl::UnavailableError(
        absl::StrCat(directory, ": cannot create folder: ", error.message()));
  }
  write.folder = FileDescriptor(
      open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (write.folder.get() < 0) {
    return absl::UnavailableError(
        absl::StrCat(directory, ": cannot open folder: ", ErrnoText()));
  }
  // A folder where an output file belongs would make its rename fail after
  // others succeeded.
  for (const OutputFile& file : output.files) {
    const fs::path final_path = fs::path(directory) / file.name;
    if (fs::is_directory(fs::symlink_status(final_path, error))) {
      return absl::FailedPreconditionError(absl::StrCat(
          final_path.string(),
          " is a folder; remove it so the output file can be written"));
    }
  }
  for (const OutputFile& file : output.files) {
    Replacement replacement;
    replacement.final_path = (fs::path(directory) / file.name).string();
    replacement.staging_path =
        (fs::path(directory) /
         absl::StrCat(".", file.name, UniqueSuffix(), ".tmp"))
            .string();
    write.replacements.push_back(std::move(replacement));
  }
  // Under the folder's lock from here on (it is released when the folder
  // closes, on every path out), so that what is compared is what gets
  // replaced.
  if (flock(write.folder.get(), LOCK_EX) != 0) {
    return absl::UnavailableError(
        absl::StrCat(directory, ": cannot lock folder: ", ErrnoText()));
  }
  return absl::OkStatus();
}

// Stages the files of every folder of `writes` (the folders of `outputs`, in
// the same order), all of them side by side on the machine's cores, and keeps
// in each write only the replacements of files whose text changes. On failure
// no staging file is left behind.
absl::Status StageFolders(const std::vector<const OutputFolder*>& outputs,
                          FileOperations& operations, size_t max_run_bytes,
                          std::vector<FolderWrite>& writes) {
  std::vector<std::pair<size_t, size_t>> items;  // (folder, file)
  for (size_t folder = 0; folder < writes.size(); ++folder) {
    for (size_t file = 0; file < writes[folder].replacements.size(); ++file) {
      items.emplace_back(folder, file);
    }
  }
  std::atomic<size_t> run_bytes{0};
  std::vector<char> changed(items.size(), 0);
  std::vector<absl::Status> statuses(items.size());
  ParallelFor(items.size(), [&](size_t i) {
    const auto [folder, file] = items[i];
    const absl::StatusOr<bool> staged =
        Stage(writes[folder].replacements[file], outputs[folder]->files[file],
              operations, run_bytes, max_run_bytes);
    if (staged.ok()) {
      changed[i] = *staged;
    } else {
      statuses[i] = staged.status();
    }
  });
  if (const absl::Status status = FirstError(statuses); !status.ok()) {
    for (FolderWrite& write : writes) {
      RollBack(write.replacements, 0, operations);
    }
    return status;
  }
  // A file that already holds its text is left as it is, with its time: a run
  // that changes nothing writes nothing.
  size_t item = 0;
  for (FolderWrite& write : writes) {
    std::vector<Replacement> kept;
    for (Replacement& replacement : write.replacements) {
      if (changed[item++]) kept.push_back(std::move(replacement));
    }
    write.replacements = std::move(kept);
  }
  return absl::OkStatus();
}

// Keeps a hard link to each file that `write` replaces, to put it back on
// failure.
absl::Status KeepPreviousFiles(FolderWrite& write) {
  for (Replacement& file : write.replacements) {
    const fs::path final_path(file.final_path);
    const std::string backup =
        (final_path.parent_path() / absl::StrCat(".",
                                                 final_path.filename().string(),
                                                 UniqueSuffix(), ".old"))
            .string();
    if (link(file.final_path.c_str(), backup.c_str()) == 0) {
      file.backup_path = backup;
    } else if (errno != ENOENT) {
      return absl::UnavailableError(absl::StrCat(
          file.final_path, ": cannot keep the previous file: ", ErrnoText()));
    }
  }
  return absl::OkStatus();
}

// A folder a write removes: renamed aside first, deleted once the write
// succeeded.
struct Removal {
  std::string directory;
  // The hidden name beside it that it is renamed to.
  std::string aside_path;
};

// The Removal of `directory`.
Removal PlanRemoval(const std::string& directory) {
  fs::path path = fs::path(directory).lexically_normal();
  if (!path.has_filename()) path = path.parent_path();
  return {path.string(),
          (path.parent_path() / absl::StrCat(".", path.filename().string(),
                                             UniqueSuffix(), ".removed"))
              .string()};
}

// Renames the first `moved_aside` of `removals` back. Returns the first
// failure's message, or "" when all went back.
std::string RestoreRemovals(const std::vector<Removal>& removals,
                            size_t moved_aside, FileOperations& operations) {
  std::string failure;
  for (size_t i = 0; i < moved_aside; ++i) {
    if (operations.Rename(removals[i].aside_path, removals[i].directory) != 0 &&
        failure.empty()) {
      failure = absl::StrCat(removals[i].directory,
                             ": cannot restore the folder: ", ErrnoText());
    }
  }
  return failure;
}

// Adds to `file_systems` those of the folders `writes` changes and of the
// parents of the folders `removals` removes.
absl::Status AddFileSystems(const std::vector<FolderWrite>& writes,
                            const std::vector<Removal>& removals,
                            FileSystemSet& file_systems) {
  for (const FolderWrite& write : writes) {
    if (write.replacements.empty()) continue;
    const absl::Status status =
        file_systems.AddOpenFolder(write.folder.get(), write.directory);
    if (!status.ok()) return status;
  }
  for (const Removal& removal : removals) {
    const absl::Status status = file_systems.AddFolder(
        fs::path(removal.directory).parent_path().string());
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

// Once every file is in place: deletes the removed folders (moved aside) and
// the previous files kept as backups. Freeing the previous files waits on the
// file system's journal; side by side the waits overlap. Failures leave
// hidden leftovers only, so they are not reported.
void DeletePreviousFiles(const std::vector<FolderWrite>& writes,
                         const std::vector<Removal>& removals) {
  for (const Removal& removal : removals) {
    std::error_code error;
    fs::remove_all(removal.aside_path, error);
  }
  std::vector<const std::string*> backups;
  for (const FolderWrite& write : writes) {
    for (const Replacement& file : write.replacements) {
      if (!file.backup_path.empty()) backups.push_back(&file.backup_path);
    }
  }
  ParallelFor(backups.size(), [&](size_t i) { unlink(backups[i]->c_str()); });
}

}  // namespace

FileComparison::FileComparison(const std::string& path)
    : fd_(open(path.c_str(), O_RDONLY | O_CLOEXEC)), same_(fd_ >= 0) {}

FileComparison::~FileComparison() {
  if (fd_ >= 0) close(fd_);
}

bool FileComparison::Compare(absl::string_view piece) {
  if (!same_) return false;
  buffer_.resize(piece.size());
  size_t filled = 0;
  while (filled < piece.size()) {
    const ssize_t n = read(fd_, buffer_.data() + filled, piece.size() - filled);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    filled += static_cast<size_t>(n);
  }
  same_ = filled == piece.size() && buffer_ == piece;
  return same_;
}

bool FileComparison::Same() {
  if (!same_) return false;
  char extra = 0;
  ssize_t n = 0;
  do {
    n = read(fd_, &extra, 1);
  } while (n < 0 && errno == EINTR);
  same_ = n == 0;
  return same_;
}

bool HoldsText(const std::string& path, const OutputFile& file) {
  FileComparison comparison(path);
  TextOutput out([&](absl::string_view piece) { comparison.Compare(piece); });
  file.write(out);
  out.Finish();
  return comparison.Same();
}

ssize_t FileOperations::Write(int fd, const void* data, size_t size) {
  return write(fd, data, size);
}

int FileOperations::Syncfs(int fd) { return syncfs(fd); }

int FileOperations::Rename(const std::string& from, const std::string& to) {
  return rename(from.c_str(), to.c_str());
}

absl::Status CheckOutputDirectory(const std::string& directory) {
  std::error_code error;
  fs::path path(directory);
  while (!path.empty()) {
    const fs::file_status status = fs::symlink_status(path, error);
    if (fs::exists(status)) {
      if (fs::is_symlink(status) && !fs::exists(fs::status(path, error))) {
        return absl::InvalidArgumentError(absl::StrCat(
            path.string(),
            " is a link to nothing; remove it or choose another folder"));
      }
      if (!fs::is_directory(fs::status(path, error))) {
        return absl::InvalidArgumentError(absl::StrCat(
            path.string(),
            " is a file, not a folder; choose another output folder"));
      }
      return absl::OkStatus();
    }
    if (path == path.parent_path()) break;
    path = path.parent_path();
  }
  return absl::OkStatus();
}

absl::Status WriteOutputFiles(const std::string& directory,
                              const std::vector<OutputFile>& files) {
  FileOperations operations;
  return WriteOutputFiles(directory, files, operations);
}

absl::Status WriteOutputFiles(const std::string& directory,
                              const std::vector<OutputFile>& files,
                              FileOperations& operations) {
  return WriteOutputFolders({{directory, files}}, operations);
}

absl::Status WriteOutputFolders(const std::vector<OutputFolder>& folders) {
  FileOperations operations;
  return WriteOutputFolders(folders, operations);
}

absl::Status WriteOutputFolders(const std::vector<OutputFolder>& folders,
                                FileOperations& operations,
                                size_t max_run_bytes) {
  return WriteOutputFolders(folders, {}, operations, max_run_bytes);
}

absl::Status WriteOutputFolders(const std::vector<OutputFolder>& folders,
                                const std::vector<std::string>& removed_folders,
                                FileOperations& operations,
                                size_t max_run_bytes) {
  // Locked in path order, so that two runs writing some of the same folders
  // cannot each wait for a lock the other holds.
  std::vector<const OutputFolder*> ordered;
  for (const OutputFolder& folder : folders) ordered.push_back(&folder);
  std::sort(ordered.begin(), ordered.end(),
            [](const OutputFolder* a, const OutputFolder* b) {
              return a->directory < b->directory;
            });
  std::vector<FolderWrite> writes(ordered.size());
  std::vector<Removal> removals;
  for (const std::string& folder : removed_folders) {
    removals.push_back(PlanRemoval(folder));
  }
  size_t moved_aside = 0;
  const auto roll_back_all = [&] {
    std::string failure;
    for (FolderWrite& write : writes) {
      const std::string rollback =
          RollBack(write.replacements, write.renamed, operations);
      if (failure.empty()) failure = rollback;
    }
    const std::string restored =
        RestoreRemovals(removals, moved_aside, operations);
    if (failure.empty()) failure = restored;
    return failure.empty() ? std::string("; the previous files are unchanged")
                           : absl::StrCat("; ", failure);
  };
  for (size_t i = 0; i < ordered.size(); ++i) {
    // Nothing is staged yet: a failure leaves nothing to undo.
    const absl::Status status = LockFolder(*ordered[i], writes[i]);
    if (!status.ok()) return status;
  }
  if (const absl::Status status =
          StageFolders(ordered, operations, max_run_bytes, writes);
      !status.ok()) {
    return status;
  }
  // Durability (docs/reliability.md): every staged file is written and closed
  // above without waiting for the disk; one syncfs(2) per file system then
  // writes them all (data and inodes) and waits once, instead of one fsync per
  // file. Only then are they renamed into place, so that no name ever points
  // at a file whose text is not on disk; a second syncfs after the renames
  // makes the new names (and the removals) durable, in place of one fsync per
  // folder. syncfs reports a write-back error of any file on the file system
  // since the folder was opened (Linux 5.8 and later), which the folders were
  // before anything was staged; a failure of either rolls everything back.
  FileSystemSet file_systems;
  if (const absl::Status found = AddFileSystems(writes, removals, file_systems);
      !found.ok()) {
    roll_back_all();
    return found;
  }
  if (const absl::Status status = file_systems.Sync(operations, "staged files");
      !status.ok()) {
    return absl::UnavailableError(
        absl::StrCat(status.message(), roll_back_all()));
  }
  for (FolderWrite& write : writes) {
    const absl::Status status = KeepPreviousFiles(write);
    if (!status.ok()) {
      roll_back_all();
      return status;
    }
  }
  for (; moved_aside < removals.size(); ++moved_aside) {
    const Removal& removal = removals[moved_aside];
    if (operations.Rename(removal.directory, removal.aside_path) != 0) {
      const std::string reason = ErrnoText();
      return absl::UnavailableError(absl::StrCat(
          removal.directory, ": cannot remove: ", reason, roll_back_all()));
    }
  }
  for (FolderWrite& write : writes) {
    for (; write.renamed < write.replacements.size(); ++write.renamed) {
      const Replacement& file = write.replacements[write.renamed];
      if (operations.Rename(file.staging_path, file.final_path) != 0) {
        const std::string reason = ErrnoText();
        return absl::UnavailableError(absl::StrCat(
            file.final_path, ": cannot replace: ", reason, roll_back_all()));
      }
    }
  }
  if (const absl::Status status =
          file_systems.Sync(operations, "renamed files");
      !status.ok()) {
    return absl::UnavailableError(
        absl::StrCat(status.message(), roll_back_all()));
  }
  DeletePreviousFiles(writes, removals);
  return absl::OkStatus();
}

}  // namespace rbacc
