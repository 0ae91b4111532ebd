#include "compiler/cli/testing/command_line_tester.h"

#include <sstream>
#include <utility>

#include "compiler/cli/command.h"
#include "compiler/cli/commands.h"

namespace rbacc::testing {

CommandLineTester::CommandLineTester(std::string workspace_root)
    : workspace_root_(std::move(workspace_root)) {}

CommandLineRun CommandLineTester::Run(const std::vector<std::string>& args,
                                      const std::string& stdin_text) const {
  std::istringstream in(stdin_text);
  std::ostringstream out;
  std::ostringstream err;
  Environment env;
  env.workspace_root = workspace_root_;
  env.in = &in;
  CommandLineRun run;
  run.exit_code = RunCommandLine(args, env, out, err);
  run.out = out.str();
  run.err = err.str();
  return run;
}

}  // namespace rbacc::testing
