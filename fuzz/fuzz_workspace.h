// Helpers shared by the fuzz targets: where the repository's files are in the
// fuzzer's runfiles, and a scratch workspace holding a copy of policies/.
#ifndef RBACC_FUZZ_FUZZ_WORKSPACE_H_
#define RBACC_FUZZ_FUZZ_WORKSPACE_H_

#include <string>

namespace rbacc::fuzz {

// The repository root in the running binary's runfiles (RUNFILES_DIR/rbacc, or
// <binary>.runfiles/rbacc). Aborts when policies/ is not there: a fuzz target
// run outside Bazel must be given RUNFILES_DIR.
std::string RunfilesRoot();

// Creates a fresh folder under TMPDIR (or /tmp) holding a copy of the
// repository's policies/ folder and returns its path. Aborts when it cannot.
std::string MakeScratchWorkspace();

}  // namespace rbacc::fuzz

#endif  // RBACC_FUZZ_FUZZ_WORKSPACE_H_
