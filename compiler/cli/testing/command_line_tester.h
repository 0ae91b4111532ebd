// Runs rbacc command lines in-process, as protoc's CommandLineInterfaceTester
// does: the whole command-line interface (flag parsing, the command table,
// every command) without spawning the binary, capturing the exit code,
// standard output and standard error.
//
//   CommandLineTester tester(workspace);
//   const CommandLineRun run = tester.Run({"lint", "--featuers=base"});
//   EXPECT_EQ(run.exit_code, 2);
//   EXPECT_THAT(run.err, HasSubstr("did you mean \"--features\"?"));
#ifndef RBACC_COMPILER_CLI_TESTING_COMMAND_LINE_TESTER_H_
#define RBACC_COMPILER_CLI_TESTING_COMMAND_LINE_TESTER_H_

#include <string>
#include <vector>

namespace rbacc::testing {

// What one command line printed, and its exit code.
struct CommandLineRun {
  std::string out;
  std::string err;
  int exit_code = -1;
};

// Runs command lines against one workspace folder (policies/, outputs/).
class CommandLineTester {
 public:
  // `workspace_root`: the folder relative paths resolve against, as
  // BUILD_WORKSPACE_DIRECTORY under `bazel run`.
  explicit CommandLineTester(std::string workspace_root);

  // Runs `rbacc args...` (without the program name) with `stdin_text` as
  // standard input. Returns what it printed and its exit code.
  CommandLineRun Run(const std::vector<std::string>& args,
                     const std::string& stdin_text = "") const;

 private:
  std::string workspace_root_;
};

}  // namespace rbacc::testing

#endif  // RBACC_COMPILER_CLI_TESTING_COMMAND_LINE_TESTER_H_
