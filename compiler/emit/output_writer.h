// Writes an output folder as a whole: every file is staged beside its final
// name, flushed to disk, and only when all were staged are they renamed into
// place. On any failure the previous files are untouched and no staging file is
// left behind.
#ifndef RBACC_COMPILER_EMIT_OUTPUT_WRITER_H_
#define RBACC_COMPILER_EMIT_OUTPUT_WRITER_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "compiler/emit/emitters.h"

namespace rbacc {

// Returns OK when `directory` exists as a folder or can be created (its nearest
// existing ancestor is a folder); InvalidArgumentError saying which path is in
// the way when it, or an ancestor, is a file or a dangling link.
absl::Status CheckOutputDirectory(const std::string& directory);

// Creates `directory` (and its parents) when missing, then writes `files` into
// it as described above, holding an exclusive lock on the folder while renaming
// so that concurrent runs do not interleave their files. Returns an error
// naming the file and the system's reason when a folder cannot be created or a
// file cannot be written, flushed or renamed.
absl::Status WriteOutputFiles(const std::string& directory,
                              const std::vector<OutputFile>& files);

}  // namespace rbacc

#endif  // RBACC_COMPILER_EMIT_OUTPUT_WRITER_H_
