#include "compiler/emit/file_systems.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace rbacc::output_writer_internal {

FileSystemSet::~FileSystemSet() {
  for (const int folder : opened_) close(folder);
}

absl::Status FileSystemSet::AddOpenFolder(int folder, const std::string& path) {
  struct stat status {};
  if (fstat(folder, &status) != 0) {
    return absl::UnavailableError(
        absl::StrCat(path, ": cannot examine folder: ", std::strerror(errno)));
  }
  if (std::find(devices_.begin(), devices_.end(), status.st_dev) ==
      devices_.end()) {
    devices_.push_back(status.st_dev);
    folders_.push_back(folder);
  }
  return absl::OkStatus();
}

absl::Status FileSystemSet::AddFolder(const std::string& path) {
  const int folder = open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (folder < 0) {
    return absl::UnavailableError(
        absl::StrCat(path, ": cannot open folder: ", std::strerror(errno)));
  }
  opened_.push_back(folder);
  return AddOpenFolder(folder, path);
}

absl::Status FileSystemSet::Sync(FileOperations& operations,
                                 const char* what) const {
  for (const int folder : folders_) {
    if (operations.Syncfs(folder) != 0) {
      return absl::UnavailableError(absl::StrCat(
          "cannot flush the ", what, " to disk: ", std::strerror(errno)));
    }
  }
  return absl::OkStatus();
}

}  // namespace rbacc::output_writer_internal
