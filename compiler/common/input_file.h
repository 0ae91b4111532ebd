// Reading an input whole, the one way every input of rbacc is read: only
// regular files are opened (a FIFO, a device, a folder or a symbolic link loop
// is refused at open with a message saying what it is), and no more than a
// given number of bytes is ever read.
#ifndef RBACC_COMPILER_COMMON_INPUT_FILE_H_
#define RBACC_COMPILER_COMMON_INPUT_FILE_H_

#include <cstddef>
#include <istream>
#include <string>

#include "absl/status/statusor.h"
#include "compiler/common/limits.h"

namespace rbacc {

// What an input is and how much of it may be read, for reading and for the
// error that names the limit.
struct InputLimit {
  // The most bytes that may be read.
  size_t max_bytes = 0;
  // What the input is, for the error: "a policy file", "a YAML input".
  const char* what = "";
  // What to do when it is too large: "split it into several features".
  const char* advice = "";
};

// The limits of rbacc's inputs (see limits.h).
inline constexpr InputLimit kPolicyFileLimit = {
    kMaxPolicyFileBytes, "a policy file", "split it into several features"};
inline constexpr InputLimit kYamlInputLimit = {
    kMaxYamlInputBytes, "a YAML input",
    "review the objects in several smaller files"};
inline constexpr InputLimit kFlagFileLimit = {kMaxFlagFileBytes, "a flag file",
                                              "give fewer arguments"};
inline constexpr InputLimit kMessageInputLimit = {
    kMaxMessageInputBytes, "a 403 message",
    "pass only the message or the log line that holds it"};

// Why the file at `path` cannot be opened as an input: "" for a regular file
// (or a symbolic link to one), otherwise "does not exist", "is a folder", "is a
// FIFO (named pipe)", "is a character device", "is a block device", "is a
// socket", "is a symbolic link loop" or "cannot be read (<reason>)".
std::string DescribeUnreadable(const std::string& path);

// Reads the regular file at `path` whole (shown to users as `display_path`).
// Returns its bytes; NotFoundError "<display_path>: does not exist";
// FailedPreconditionError "<display_path>: is a FIFO (named pipe); rbacc reads
// regular files only" (and likewise for the other kinds DescribeUnreadable
// names), checked on the opened file without blocking; ResourceExhaustedError
// "<display_path>: file is N bytes, more than the M <limit.what> may have;
// <limit.advice>" without reading it; DataLossError when reading fails.
absl::StatusOr<std::string> ReadInputFile(const std::string& path,
                                          const std::string& display_path,
                                          const InputLimit& limit);

// Reads the open descriptor `fd` (standard input: a pipe, a terminal or a
// file) to its end, named `display_name` in errors. Returns its bytes, or
// ResourceExhaustedError "<display_name>: more than M bytes, the most
// <limit.what> may have; <limit.advice>" as soon as it holds more than
// limit.max_bytes (the rest is not read); DataLossError when reading fails.
absl::StatusOr<std::string> ReadInputDescriptor(int fd,
                                                const std::string& display_name,
                                                const InputLimit& limit);

// Reads the stream `in` to its end, as ReadInputDescriptor reads a
// descriptor: returns its bytes, ResourceExhaustedError as soon as it holds
// more than limit.max_bytes, or DataLossError when reading fails.
absl::StatusOr<std::string> ReadInputStream(std::istream& in,
                                            const std::string& display_name,
                                            const InputLimit& limit);

}  // namespace rbacc

#endif  // RBACC_COMPILER_COMMON_INPUT_FILE_H_
