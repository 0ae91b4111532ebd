// Parses one protobuf text-format file into a message, collecting syntax errors
// and unknown fields as issues with their positions, and recording where every
// field stands.
#ifndef RBACC_COMPILER_LOAD_TEXT_FORMAT_READER_H_
#define RBACC_COMPILER_LOAD_TEXT_FORMAT_READER_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "compiler/common/issue.h"
#include "compiler/common/limits.h"
#include "compiler/load/source_file.h"
#include "google/protobuf/message.h"

namespace rbacc {

// Reads the file at `path` (shown to users as `display_path`) with
// ReadInputFile. Returns its SourceFile, or NotFoundError / the error naming
// what the file is (a folder, a FIFO, ...) / a reading error when it cannot be
// read. A file larger than `max_bytes` is reported as an issue and comes back
// with empty text.
absl::StatusOr<SourceFile> ReadSourceFile(
    const std::string& path, const std::string& display_path, IssueList* issues,
    size_t max_bytes = kMaxPolicyFileBytes);

// Parses `source.text` into `message`, recording field positions in `source`.
// Syntax errors and unknown fields (with a "did you mean" for a misspelt field)
// are added to `issues`; returns false when there were any.
bool ParseTextFormat(SourceFile& source, google::protobuf::Message* message,
                     IssueList* issues);

}  // namespace rbacc

#endif  // RBACC_COMPILER_LOAD_TEXT_FORMAT_READER_H_
