#include "compiler/emit/output_writer.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace rbacc {
namespace {

namespace fs = std::filesystem;

std::string ErrnoText() { return std::strerror(errno); }

// Closes a file descriptor when it goes out of scope.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
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

absl::Status WriteAndSync(const std::string& path, const std::string& content,
                          FileOperations& operations) {
  FileDescriptor fd(
      open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (fd.get() < 0) {
    return absl::UnavailableError(
        absl::StrCat(path, ": cannot create: ", ErrnoText()));
  }
  size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = operations.Write(fd.get(), content.data() + written,
                                       content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return absl::UnavailableError(
          absl::StrCat(path, ": cannot write: ", ErrnoText()));
    }
    written += static_cast<size_t>(n);
  }
  if (operations.Fsync(fd.get()) != 0) {
    return absl::UnavailableError(
        absl::StrCat(path, ": cannot flush: ", ErrnoText()));
  }
  if (!fd.Close()) {
    return absl::UnavailableError(
        absl::StrCat(path, ": cannot close: ", ErrnoText()));
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

}  // namespace

ssize_t FileOperations::Write(int fd, const void* data, size_t size) {
  return write(fd, data, size);
}

int FileOperations::Fsync(int fd) { return fsync(fd); }

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
  std::error_code error;
  fs::create_directories(directory, error);
  if (error) {
    return absl::UnavailableError(
        absl::StrCat(directory, ": cannot create folder: ", error.message()));
  }
  FileDescriptor folder(
      open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (folder.get() < 0) {
    return absl::UnavailableError(
        absl::StrCat(directory, ": cannot open folder: ", ErrnoText()));
  }

  // A folder where an output file belongs would make its rename fail after
  // others succeeded.
  for (const OutputFile& file : files) {
    const fs::path final_path = fs::path(directory) / file.name;
    if (fs::is_directory(fs::symlink_status(final_path, error))) {
      return absl::FailedPreconditionError(absl::StrCat(
          final_path.string(),
          " is a folder; remove it so the output file can be written"));
    }
  }

  std::vector<Replacement> replacements;
  for (const OutputFile& file : files) {
    Replacement replacement;
    replacement.final_path = (fs::path(directory) / file.name).string();
    replacement.staging_path =
        (fs::path(directory) /
         absl::StrCat(".", file.name, UniqueSuffix(), ".tmp"))
            .string();
    replacements.push_back(replacement);
    const absl::Status status =
        WriteAndSync(replacement.staging_path, file.content, operations);
    if (!status.ok()) {
      RollBack(replacements, 0, operations);
      return status;
    }
  }

  if (flock(folder.get(), LOCK_EX) != 0) {
    RollBack(replacements, 0, operations);
    return absl::UnavailableError(
        absl::StrCat(directory, ": cannot lock folder: ", ErrnoText()));
  }
  // The lock is released when `folder` closes, on every path out.
  for (Replacement& file : replacements) {
    const fs::path final_path(file.final_path);
    const std::string backup =
        (final_path.parent_path() / absl::StrCat(".",
                                                 final_path.filename().string(),
                                                 UniqueSuffix(), ".old"))
            .string();
    if (link(file.final_path.c_str(), backup.c_str()) == 0) {
      file.backup_path = backup;
    } else if (errno != ENOENT) {
      const std::string reason = ErrnoText();
      RollBack(replacements, 0, operations);
      return absl::UnavailableError(absl::StrCat(
          file.final_path, ": cannot keep the previous file: ", reason));
    }
  }
  for (size_t i = 0; i < replacements.size(); ++i) {
    const Replacement& file = replacements[i];
    if (operations.Rename(file.staging_path, file.final_path) != 0) {
      const std::string reason = ErrnoText();
      const std::string rollback = RollBack(replacements, i, operations);
      return absl::UnavailableError(
          absl::StrCat(file.final_path, ": cannot replace: ", reason,
                       rollback.empty() ? "; the previous files are unchanged"
                                        : absl::StrCat("; ", rollback)));
    }
  }
  if (operations.Fsync(folder.get()) != 0) {
    const std::string reason = ErrnoText();
    const std::string rollback =
        RollBack(replacements, replacements.size(), operations);
    return absl::UnavailableError(
        absl::StrCat(directory, ": cannot flush folder: ", reason,
                     rollback.empty() ? "; the previous files are unchanged"
                                      : absl::StrCat("; ", rollback)));
  }
  for (const Replacement& file : replacements) {
    if (!file.backup_path.empty()) unlink(file.backup_path.c_str());
  }
  return absl::OkStatus();
}

}  // namespace rbacc
