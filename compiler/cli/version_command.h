// `rbacc --version`: the compiler's version and the digest of every bundle.
#ifndef RBACC_COMPILER_CLI_VERSION_COMMAND_H_
#define RBACC_COMPILER_CLI_VERSION_COMMAND_H_

#include <ostream>
#include <string>

namespace rbacc {

// Prints "rbacc <version>" and one "bundle <name>@<digest>" line per bundle
// under `workspace_root`/policies (in name order) to `out`. A bundle that
// cannot be loaded is reported on `err` and makes the result 2; otherwise
// returns 0.
int RunVersion(const std::string& workspace_root, std::ostream& out,
               std::ostream& err);

}  // namespace rbacc

#endif  // RBACC_COMPILER_CLI_VERSION_COMMAND_H_
