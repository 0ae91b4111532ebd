#include "compiler/cli/version_command.h"

#include <algorithm>
#include <filesystem>
#include <ostream>
#include <string>
#include <system_error>
#include <vector>

#include "absl/status/statusor.h"
#include "compiler/common/issue.h"
#include "compiler/common/version.h"
#include "compiler/load/bundle_loader.h"

namespace rbacc {

int RunVersion(const std::string& workspace_root, std::ostream& out,
               std::ostream& err) {
  namespace fs = std::filesystem;
  out << "rbacc " << kRbaccVersion << "\n";
  std::vector<fs::path> bundles;
  std::error_code error;
  for (const fs::directory_entry& entry :
       fs::directory_iterator(fs::path(workspace_root) / "policies", error)) {
    if (fs::is_regular_file(entry.path() / "bundle.textproto")) {
      bundles.push_back(entry.path());
    }
  }
  std::sort(bundles.begin(), bundles.end());
  int exit_code = 0;
  for (const fs::path& directory : bundles) {
    IssueList issues;
    const std::string shown = "policies/" + directory.filename().string();
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
