// libFuzzer target for the policy loader and everything after it: the input
// replaces one file of a copy of the SkyPilot bundle (its first byte, modulo 6,
// picks bundle.textproto, one of the four features or profiles/full), and the
// full profile is compiled and emitted in memory through the compiler library
// as `rbacc --profile=full --out_dir=-` would. Any crash, leak, sanitizer
// report or hang is a bug; issues in the input are the expected outcome.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "compiler/compiler.h"
#include "fuzz/compile_in_memory.h"
#include "fuzz/fuzz_workspace.h"

namespace {

namespace fs = std::filesystem;

constexpr const char* kFiles[] = {
    "bundle.textproto",       "base.textproto",    "show-gpus.textproto",
    "object-store.textproto", "ingress.textproto", "profiles/full.textproto",
};
constexpr size_t kFileCount = sizeof(kFiles) / sizeof(kFiles[0]);

// Writes `content` to `path`, replacing the file rather than writing through
// it.
void Replace(const fs::path& path, const std::string& content) {
  std::error_code error;
  fs::remove(path, error);
  std::ofstream(path, std::ios::binary) << content;
}

// Reads the file at `path`.
std::string Read(const fs::path& path) {
  std::ifstream stream(path, std::ios::binary);
  std::stringstream content;
  content << stream.rdbuf();
  return content.str();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string* const kWorkspace =
      new std::string(rbacc::fuzz::MakeScratchWorkspace());
  if (size == 0) return 0;
  const fs::path path = fs::path(*kWorkspace) / "policies" / "skypilot" /
                        kFiles[data[0] % kFileCount];
  const std::string original = Read(path);
  Replace(path, std::string(reinterpret_cast<const char*>(data) + 1, size - 1));

  rbacc::CompileRequest request;
  request.workspace_root = *kWorkspace;
  request.profile = "full";
  request.out_dir = "-";
  rbacc::fuzz::CompileAndEmit(request);

  Replace(path, original);
  return 0;
}
