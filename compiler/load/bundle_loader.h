// Loads a policy bundle folder: bundle.textproto, one file per feature, and the
// profiles.
//
//   IssueList issues;
//   absl::StatusOr<LoadedBundle> bundle =
//       LoadBundle("/repo/policies/skypilot", "policies/skypilot", &issues);
//   if (!bundle.ok()) { /* the folder cannot be read */ }
//   if (issues.has_errors()) { std::cerr << issues.Render(bundle->file_texts);
//   }
#ifndef RBACC_COMPILER_LOAD_BUNDLE_LOADER_H_
#define RBACC_COMPILER_LOAD_BUNDLE_LOADER_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "compiler/common/issue.h"
#include "compiler/load/source_file.h"
#include "proto/rbacc/v1/calls.pb.h"
#include "proto/rbacc/v1/policy.pb.h"

namespace rbacc {

// The most rules the features of one bundle may declare together. DESIGN.md
// asks for 100,000 rules to compile in under a second, and the benchmark
// (//tests/bench) compiles 1,000,000; past this bound the loader stops reading
// features rather than grow without limit.
inline constexpr int kMaxRulesPerBundle = 1000000;

// A feature file, parsed.
struct LoadedFeature {
  rbacc::v1::Feature proto;
  SourceFile source;
};

// A profile file, parsed.
struct LoadedProfile {
  rbacc::v1::Profile proto;
  SourceFile source;
};

// The bundle's calls file (Bundle.calls_file), parsed.
struct LoadedCalls {
  rbacc::v1::CallRecord proto;
  SourceFile source;
};

// A bundle folder, parsed. Files with syntax errors are left out (their errors
// are issues).
struct LoadedBundle {
  // The folder as the file system knows it.
  std::string directory;
  // The folder as users should see it, e.g. "policies/skypilot".
  std::string display_directory;
  rbacc::v1::Bundle proto;
  SourceFile source;
  // False when bundle.textproto has errors: `proto` then holds only what was
  // read before the first one, and checks of its fields would report what the
  // error left out.
  bool bundle_file_parsed = true;
  // Features by name, for every feature the bundle lists whose file parsed.
  std::map<std::string, LoadedFeature> features;
  // The application's recorded calls, when the bundle names a calls file and
  // it parsed.
  std::optional<LoadedCalls> calls;
  // Profiles by name (the file name without ".textproto").
  std::map<std::string, LoadedProfile> profiles;
  // 16 hex digits identifying the bundle's content (the bundle, its features
  // and its calls, not their formatting or comments, nor the profiles): FNV-1a
  // 64 of their CanonicalBytes (compiler/load/canonical_bytes.h).
  std::string digest;

  // The text of every file read (including files with syntax errors), by
  // display path, for rendering issues with their source lines.
  std::map<std::string, std::string> file_texts;
};

// The folder under a workspace that holds one folder per bundle.
inline constexpr char kPoliciesFolder[] = "policies";

// True when a --bundle argument is a path to a bundle folder (it contains "/"
// or starts with ".") rather than a folder name under policies/.
bool IsBundlePath(const std::string& argument);

// Returns the folder a --bundle argument names: the path itself, resolved
// against `workspace_root` unless absolute, or
// <workspace_root>/policies/<argument> for a name. Never fails; LoadBundle
// reports a folder without a bundle.
std::string BundleDirectory(const std::string& workspace_root,
                            const std::string& argument);

// Returns the names of the bundles under <workspace_root>/policies (the folders
// holding bundle.textproto), sorted; empty when there are none or the folder
// cannot be listed.
std::vector<std::string> ListBundles(const std::string& workspace_root);

// Reads the bundle in `directory` (shown to users as `display_directory`).
// Input mistakes (syntax errors, unknown fields, a listed feature without a
// file, a calls_file that is not a file beside bundle.textproto, a file larger
// than kMaxPolicyFileBytes, features declaring more than kMaxRulesPerBundle
// rules together) are added to `issues`; past the rule limit no further feature
// is used (and only those already being parsed on other cores are read). The
// feature files are parsed on every core, with the result and the order of
// issues of reading them one after the other. Returns NotFoundError when the
// folder has no bundle.textproto, or another error when a file cannot be read.
absl::StatusOr<LoadedBundle> LoadBundle(const std::string& directory,
                                        const std::string& display_directory,
                                        IssueList* issues);

}  // namespace rbacc

#endif  // RBACC_COMPILER_LOAD_BUNDLE_LOADER_H_
