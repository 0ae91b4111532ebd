// The file systems a write of output folders touches, each made durable with
// one syncfs(2) (see output_writer.cc and docs/reliability.md). For
// output_writer.cc only.
#ifndef RBACC_COMPILER_EMIT_FILE_SYSTEMS_H_
#define RBACC_COMPILER_EMIT_FILE_SYSTEMS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "compiler/emit/output_writer.h"

namespace rbacc::output_writer_internal {

// One open folder on each file system added; needs no descriptor per folder
// beyond those its caller holds (a run may write ten thousand folders).
class FileSystemSet {
 public:
  FileSystemSet() = default;
  // Closes the folders AddFolder opened.
  ~FileSystemSet();
  FileSystemSet(const FileSystemSet&) = delete;
  FileSystemSet& operator=(const FileSystemSet&) = delete;

  // Adds the file system of the open folder `folder` (which must stay open
  // while the set is used) unless the set has it. Returns UnavailableError
  // naming `path` when the folder cannot be examined.
  absl::Status AddOpenFolder(int folder, const std::string& path);

  // Opens the folder at `path` and adds its file system likewise. Returns
  // UnavailableError naming `path` when it cannot be opened or examined.
  absl::Status AddFolder(const std::string& path);

  // Flushes every file system of the set to disk, one
  // FileOperations::Syncfs each. Returns UnavailableError naming `what` (the
  // step, e.g. "staged files") and the system's reason on the first failure.
  absl::Status Sync(FileOperations& operations, const char* what) const;

 private:
  std::vector<dev_t> devices_;
  // One folder per device, in the order of `devices_`.
  std::vector<int> folders_;
  // The folders AddFolder opened.
  std::vector<int> opened_;
};

}  // namespace rbacc::output_writer_internal

#endif  // RBACC_COMPILER_EMIT_FILE_SYSTEMS_H_
