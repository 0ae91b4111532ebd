#include "compiler/common/input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <istream>
#include <string>

#include "absl/cleanup/cleanup.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

namespace rbacc {
namespace {

// What a file of mode `mode` is, when it is not a regular file; "" otherwise.
std::string DescribeMode(mode_t mode) {
  if (S_ISREG(mode)) return "";
  if (S_ISDIR(mode)) return "is a folder";
  if (S_ISFIFO(mode)) return "is a FIFO (named pipe)";
  if (S_ISCHR(mode)) return "is a character device";
  if (S_ISBLK(mode)) return "is a block device";
  if (S_ISSOCK(mode)) return "is a socket";
  return "is not a regular file";
}

// What errno `error` of open(2) or stat(2) means for an input.
std::string DescribeError(int error) {
  switch (error) {
    case ENOENT:
    case ENOTDIR:
      return "does not exist";
    case ELOOP:
      return "is a symbolic link loop";
    default:
      return absl::StrCat("cannot be read (", std::strerror(error), ")");
  }
}

absl::Status UnreadableError(const std::string& display_path,
                             const std::string& why) {
  if (why == "does not exist") {
    return absl::NotFoundError(absl::StrCat(display_path, ": ", why));
  }
  return absl::FailedPreconditionError(absl::StrCat(
      display_path, ": ", why, "; rbacc reads regular files only"));
}

absl::Status TooLarge(const std::string& display_path, size_t size,
                      const InputLimit& limit) {
  return absl::ResourceExhaustedError(absl::StrCat(
      display_path, ": file is ", size, " bytes, more than the ",
      limit.max_bytes, " ", limit.what, " may have; ", limit.advice));
}

}  // namespace

std::string DescribeUnreadable(const std::string& path) {
  struct stat status {};
  if (stat(path.c_str(), &status) != 0) return DescribeError(errno);
  return DescribeMode(status.st_mode);
}

absl::StatusOr<std::string> ReadInputFile(const std::string& path,
                                          const std::string& display_path,
                                          const InputLimit& limit) {
  // O_NONBLOCK: opening a FIFO for reading would wait for a writer.
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return UnreadableError(display_path, DescribeError(errno));
  const absl::Cleanup close_fd = [fd] { close(fd); };
  struct stat status {};
  if (fstat(fd, &status) != 0) {
    return UnreadableError(display_path, DescribeError(errno));
  }
  const std::string kind = DescribeMode(status.st_mode);
  if (!kind.empty()) return UnreadableError(display_path, kind);
  const size_t size = static_cast<size_t>(status.st_size);
  if (size > limit.max_bytes) return TooLarge(display_path, size, limit);
  // A regular file may still grow while it is read: the limit holds anyway.
  absl::StatusOr<std::string> text =
      ReadInputDescriptor(fd, display_path, limit);
  if (!text.ok() && absl::IsResourceExhausted(text.status())) {
    return TooLarge(display_path, limit.max_bytes + 1, limit);
  }
  return text;
}

absl::StatusOr<std::string> ReadInputDescriptor(int fd,
                                                const std::string& display_name,
                                                const InputLimit& limit) {
  std::string text;
  constexpr size_t kChunk = 64 << 10;
  while (true) {
    const size_t room = limit.max_bytes + 1 - text.size();
    const size_t want = room < kChunk ? room : kChunk;
    const size_t done = text.size();
    text.resize(done + want);
    const ssize_t got = read(fd, text.data() + done, want);
    if (got < 0 && errno == EINTR) {
      text.resize(done);
      continue;
    }
    if (got < 0) {
      return absl::DataLossError(absl::StrCat(
          display_name, ": cannot be read (", std::strerror(errno), ")"));
    }
    text.resize(done + static_cast<size_t>(got));
    if (got == 0) return text;
    if (text.size() > limit.max_bytes) {
      return absl::ResourceExhaustedError(absl::StrCat(
          display_name, ": more than ", limit.max_bytes, " bytes, the most ",
          limit.what, " may have; ", limit.advice));
    }
  }
}

absl::StatusOr<std::string> ReadInputStream(std::istream& in,
                                            const std::string& display_name,
                                            const InputLimit& limit) {
  std::string text;
  constexpr size_t kChunk = 64 << 10;
  while (in) {
    const size_t room = limit.max_bytes + 1 - text.size();
    const size_t done = text.size();
    text.resize(done + (room < kChunk ? room : kChunk));
    in.read(text.data() + done,
            static_cast<std::streamsize>(text.size() - done));
    text.resize(done + static_cast<size_t>(in.gcount()));
    if (text.size() > limit.max_bytes) {
      return absl::ResourceExhaustedError(absl::StrCat(
          display_name, ": more than ", limit.max_bytes, " bytes, the most ",
          limit.what, " may have; ", limit.advice));
    }
  }
  if (in.bad()) {
    return absl::DataLossError(absl::StrCat(display_name, ": cannot be read"));
  }
  return text;
}

}  // namespace rbacc
