// rbacc: compiles Kubernetes RBAC policies declared as data into manifests,
// Helm values and application config. The process only: the command-line
// interface (compiler/cli/commands.h) parses the arguments and runs a command.
#include <cstdlib>
#include <iostream>

#include "compiler/cli/commands.h"

int main(int argc, char** argv) {
  rbacc::Environment env;
  // Under `bazel run`, the workspace the command was run in.
  const char* workspace = std::getenv("BUILD_WORKSPACE_DIRECTORY");
  if (workspace != nullptr) env.workspace_root = workspace;
  env.in = &std::cin;
  // The process exits when the command returns, which frees what it built
  // faster than freeing it piece by piece.
  env.exits_after_run = true;
  return rbacc::RunCommandLine(argc, argv, env, std::cout, std::cerr);
}
