// The command-line interface: the table of commands and the one entry point
// main() calls. Adding a command: write its Command class (command.h) in
// compiler/cli/<name>_command.{h,cc} with a cc_library in
// compiler/cli/BUILD.bazel, add it to Commands() in commands.cc (and the
// library to :commands' deps), and test it with CommandLineTester
// (testing/command_line_tester.h); its --help comes from its declarations.
//
//   int main(int argc, char** argv) {
//     rbacc::Environment env;
//     env.in = &std::cin;
//     return rbacc::RunCommandLine(argc, argv, env, std::cout, std::cerr);
//   }
#ifndef RBACC_COMPILER_CLI_COMMANDS_H_
#define RBACC_COMPILER_CLI_COMMANDS_H_

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "compiler/cli/command.h"

namespace rbacc {

// Every command of this version, in the order `rbacc --help` lists them
// (compile first: it runs when no command is named).
const std::vector<std::unique_ptr<Command>>& Commands();

// Returns the top-level usage: what rbacc does, each command with its
// summary, and where each command's usage is.
std::string TopLevelUsage();

// Runs `rbacc ARGS` (`args` without the program name): `--version` prints the
// version and each bundle's digest; `--help`, `-h` or `help` the top-level
// usage and `help COMMAND` a command's; a first argument that starts with "-"
// (or none) runs compile with every argument; otherwise the first argument
// names the command, which gets the rest. Returns the command's exit code,
// or kExitUsage (2) after printing on `err` what is wrong for an unknown
// command (with a did-you-mean) or a command this version does not have.
int RunCommandLine(const std::vector<std::string>& args, const Environment& env,
                   std::ostream& out, std::ostream& err);

// As above, for main()'s arguments (argv[0], the program, is skipped).
int RunCommandLine(int argc, char** argv, const Environment& env,
                   std::ostream& out, std::ostream& err);

}  // namespace rbacc

#endif  // RBACC_COMPILER_CLI_COMMANDS_H_
