#include "compiler/cli/version_command.h"

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "compiler/common/issue.h"
#include "compiler/common/version.h"
#include "compiler/load/bundle_loader.h"

namespace rbacc {

int RunVersion(const std::string& workspace_root, std::ostream& out,
               std::ostream& err) {
  namespace fs = std::filesystem;
  out << "rbacc " << kRbaccVersion << "\n";
  int exit_code = 0;
  for (const std::string& name : ListBundles(workspace_root)) {
    const fs::path directory = BundleDirectory(workspace_root, name);
    IssueList issues;
    const std::string shown = absl::StrCat(kPoliciesFolder, "/", name);
    absl::StatusOr<LoadedBundle> bundle =
        LoadBundle(directory.string(), shown, &issues);
    if (!bundle.ok() || issues.has_errors()) {
      err << shown
          << ": cannot be loaded; run `bazel run //compiler` to see why\n";
      exit_code = 2;
      continue;
    }
    out << "bundle " << bundle->proto.name() << "@" << bundle->digest << "\n";
  }
  return exit_code;
}

}  // namespace rbacc
