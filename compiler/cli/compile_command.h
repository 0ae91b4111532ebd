// The `compile` command: from options (what main.cc's flags say) to output
// folders on disk.
//
//   CompileOptions options;
//   options.workspace_root = "/repo";
//   options.profile = "full";
//   return RunCompile(options, std::cout, std::cerr);
#ifndef RBACC_COMPILER_CLI_COMPILE_COMMAND_H_
#define RBACC_COMPILER_CLI_COMPILE_COMMAND_H_

#include <optional>
#include <ostream>
#include <string>

#include "compiler/emit/output_writer.h"
#include "compiler/validate/selection.h"

namespace rbacc {

// The bundle compiled when --bundle is not given but a profile or features are.
inline constexpr char kDefaultBundle[] = "skypilot";

// Exit code: every output was written.
inline constexpr int kExitOk = 0;
// Exit code: the input or flags are wrong, or an output could not be written;
// nothing was written (previous outputs are untouched).
inline constexpr int kExitError = 2;

// What to compile and where to write it. Each field mirrors a flag of DESIGN.md
// §1.
struct CompileOptions {
  // Folder that holds policies/ and outputs/; relative --bundle paths and
  // --out_dir resolve against it. Under `bazel run` this is
  // BUILD_WORKSPACE_DIRECTORY.
  std::string workspace_root = ".";
  // A bundle name (a folder under policies/) or a path to a bundle folder (it
  // contains "/" or starts with "."). Empty: kDefaultBundle when a profile or
  // features are given, otherwise every bundle under policies/.
  std::string bundle;
  // One profile to compile. Empty: every profile, unless overrides.features is
  // set (an ad-hoc selection written to outputs/<bundle>/custom).
  std::string profile;
  // Parameters given on the command line, overriding the profile.
  SelectionOverrides overrides;
  // Output folder (relative to workspace_root), or "-" to print rbac.yaml to
  // standard output. Unset: the profile's out_dir, else
  // outputs/<bundle>/<profile> (or .../custom).
  std::optional<std::string> out_dir;
  // The file-system calls the output writer makes; null for the real ones.
  // Tests set it to make a write, fsync or rename fail.
  FileOperations* file_operations = nullptr;
};

// Loads, validates, merges and emits as `options` say, then writes every output
// folder (only when every compilation succeeded). Reports progress and issues
// on `err`, and rbac.yaml on `out` for --out_dir=-. Returns kExitOk or
// kExitError.
int RunCompile(const CompileOptions& options, std::ostream& out,
               std::ostream& err);

// Returns the shell command that compiles the same selection again, for
// provenance headers: "bazel run //compiler -- --bundle=skypilot
// --profile=full", with the overriding flags in a fixed order and values quoted
// for a POSIX shell where needed.
std::string RegenerateCommand(const std::string& bundle_argument,
                              const std::string& profile,
                              const Selection& selection,
                              const CompileOptions& options);

}  // namespace rbacc

#endif  // RBACC_COMPILER_CLI_COMPILE_COMMAND_H_
