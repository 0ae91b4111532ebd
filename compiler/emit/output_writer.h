// Writes an output folder as a whole, under an exclusive lock on the folder:
// every file's text is made as it is written (OutputFile::write, in pieces, so
// that no output is held in memory whole) and compared with the file it would
// replace; a file whose text is already in place is left as it is (with its
// modification time, and no staging file is created), so a run that changes
// nothing writes nothing. Each other file is staged beside its final name
// (side by side on the machine's cores, see ParallelFor) and closed; one
// syncfs(2) per file system then puts them all on disk. Only then are they
// renamed into place, keeping a link to each previous file until every rename
// succeeded, and a second syncfs makes the renames durable. On any failure the
// previous files are put back and no staging or backup file is left behind.
#ifndef RBACC_COMPILER_EMIT_OUTPUT_WRITER_H_
#define RBACC_COMPILER_EMIT_OUTPUT_WRITER_H_

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "compiler/common/limits.h"
#include "compiler/emit/emitters.h"

namespace rbacc {

// The file-system calls whose failure WriteOutputFiles must survive. The base
// class makes the real POSIX calls; tests derive from it to make any one of
// them fail. Each returns what the POSIX call returns and sets errno likewise.
// WriteOutputFiles makes them from several threads at once.
class FileOperations {
 public:
  virtual ~FileOperations() = default;

  // write(2): the number of bytes written, or -1.
  virtual ssize_t Write(int fd, const void* data, size_t size);
  // syncfs(2) of the file system holding the open file or folder `fd`: 0, or
  // -1.
  virtual int Syncfs(int fd);
  // rename(2): 0, or -1.
  virtual int Rename(const std::string& from, const std::string& to);
};

// Compares a text, given a piece at a time as it is made, with the file at
// `path`, reading the file alongside so that neither is held whole.
//
//   FileComparison comparison(path);
//   TextOutput out([&](absl::string_view piece) { comparison.Compare(piece);
//   }); file.write(out); out.Finish(); if (comparison.Same()) { ... }
class FileComparison {
 public:
  // A file that cannot be opened holds no text.
  explicit FileComparison(const std::string& path);
  ~FileComparison();
  FileComparison(const FileComparison&) = delete;
  FileComparison& operator=(const FileComparison&) = delete;

  // Compares the next piece; returns whether every piece so far matched.
  bool Compare(absl::string_view piece);
  // True when every piece matched and the file holds nothing after them.
  bool Same();

 private:
  int fd_;
  bool same_;
  std::string buffer_;
};

// True when the file at `path` holds exactly the text of `file`.
bool HoldsText(const std::string& path, const OutputFile& file);

// Returns OK when `directory` exists as a folder or can be created (its nearest
// existing ancestor is a folder); InvalidArgumentError saying which path is in
// the way when it, or an ancestor, is a file or a dangling link.
absl::Status CheckOutputDirectory(const std::string& directory);

// Creates `directory` (and its parents) when missing, then writes `files` into
// it as described above through `operations`.
// Concurrent runs into one folder each leave a complete set: the last to take
// the lock wins. Returns an error naming the file and the system's reason when
// a folder cannot be created or a file cannot be written, flushed or renamed;
// the folder then holds exactly what it held before.
absl::Status WriteOutputFiles(const std::string& directory,
                              const std::vector<OutputFile>& files,
                              FileOperations& operations);

// WriteOutputFiles with the real file-system calls.
absl::Status WriteOutputFiles(const std::string& directory,
                              const std::vector<OutputFile>& files);

// One folder of a run's outputs and the files it holds.
struct OutputFolder {
  std::string directory;
  std::vector<OutputFile> files;
};

// Writes every folder of a run as one: the folders are created and locked (in
// path order), then the files of all of them staged side by side and flushed
// with one syncfs per file system, before any file is renamed into place; then
// the files of every folder are renamed and the file systems synced again. The
// files of all the folders may hold `max_run_bytes` (kMaxOutputBytes, limits.h;
// tests lower it) together: more is a ResourceExhaustedError naming the limit,
// found while staging, before any file is renamed into place. Returns the first
// error, naming the file or folder and the system's reason; every folder then
// holds exactly what it held before (a folder the run created may be left,
// empty).
absl::Status WriteOutputFolders(const std::vector<OutputFolder>& folders,
                                FileOperations& operations,
                                size_t max_run_bytes = kMaxOutputBytes);

// WriteOutputFolders that also removes the folders `removed_folders` (with
// everything in them) as part of the same write: each is renamed to a hidden
// name beside it (".<name>.rbacc-<pid>-<n>.removed") after every file was
// staged, and deleted only once every file is in place; on any failure, each
// is renamed back, so that a failed run leaves every folder, written or
// removed, as it was. The caller decides what may be removed (see
// FindOrphanedFolders: never a folder holding a file rbacc did not write).
absl::Status WriteOutputFolders(const std::vector<OutputFolder>& folders,
                                const std::vector<std::string>& removed_folders,
                                FileOperations& operations,
                                size_t max_run_bytes = kMaxOutputBytes);

// WriteOutputFolders with the real file-system calls.
absl::Status WriteOutputFolders(const std::vector<OutputFolder>& folders);

}  // namespace rbacc

#endif  // RBACC_COMPILER_EMIT_OUTPUT_WRITER_H_
