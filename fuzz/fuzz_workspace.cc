#include "fuzz/fuzz_workspace.h"

#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

namespace rbacc::fuzz {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "fuzz target setup: %s\n", message.c_str());
  std::abort();
}

}  // namespace

std::string RunfilesRoot() {
  std::error_code error;
  fs::path runfiles;
  if (const char* dir = std::getenv("RUNFILES_DIR"); dir != nullptr) {
    runfiles = dir;
  } else {
    runfiles = fs::read_symlink("/proc/self/exe", error);
    runfiles += ".runfiles";
  }
  const fs::path root = runfiles / "rbacc";
  if (!fs::is_directory(root / "policies", error)) {
    Die(root.string() +
        "/policies not found; run with bazel run or set "
        "RUNFILES_DIR");
  }
  return root.string();
}

std::string MakeScratchWorkspace() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      std::string(tmp != nullptr ? tmp : "/tmp") + "/rbacc-fuzz-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) Die("cannot create " + pattern);
  std::error_code error;
  fs::copy(fs::path(RunfilesRoot()) / "policies",
           fs::path(pattern) / "policies", fs::copy_options::recursive, error);
  if (error) Die("cannot copy policies/: " + error.message());
  return pattern;
}

}  // namespace rbacc::fuzz
