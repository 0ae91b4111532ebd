#include "compiler/emit/output_writer.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

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

absl::Status WriteAndSync(const std::string& path, const std::string& content) {
  FileDescriptor fd(
      open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (fd.get() < 0) {
    return absl::UnavailableError(
        absl::StrCat(path, ": cannot create: ", ErrnoText()));
  }
  size_t written = 0;
  while (written < content.size()) {
    const ssize_t n =
        write(fd.get(), content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return absl::UnavailableError(
          absl::StrCat(path, ": cannot write: ", ErrnoText()));
    }
    written += static_cast<size_t>(n);
  }
  if (fsync(fd.get()) != 0) {
    return absl::UnavailableError(
        absl::StrCat(path, ": cannot flush: ", ErrnoText()));
  }
  if (!fd.Close()) {
    return absl::UnavailableError(
        absl::StrCat(path, ": cannot close: ", ErrnoText()));
  }
  return absl::OkStatus();
}

}  // namespace

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

  std::vector<std::string> staged;
  const auto discard_staged = [&]() {
    for (const std::string& path : staged) unlink(path.c_str());
  };
  for (const OutputFile& file : files) {
    const std::string staging_path =
        (fs::path(directory) /
         absl::StrCat(".", file.name, ".rbacc-", getpid(), ".tmp"))
            .string();
    staged.push_back(staging_path);
    const absl::Status status = WriteAndSync(staging_path, file.content);
    if (!status.ok()) {
      discard_staged();
      return status;
    }
  }

  if (flock(folder.get(), LOCK_EX) != 0) {
    discard_staged();
    return absl::UnavailableError(
        absl::StrCat(directory, ": cannot lock folder: ", ErrnoText()));
  }
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string final_path =
        (fs::path(directory) / files[i].name).string();
    if (rename(staged[i].c_str(), final_path.c_str()) != 0) {
      const std::string reason = ErrnoText();
      for (size_t j = i; j < staged.size(); ++j) unlink(staged[j].c_str());
      return absl::UnavailableError(
          absl::StrCat(final_path, ": cannot replace: ", reason));
    }
  }
  fsync(folder.get());
  flock(folder.get(), LOCK_UN);
  return absl::OkStatus();
}

}  // namespace rbacc
