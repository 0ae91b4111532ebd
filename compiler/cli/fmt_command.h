// The `fmt` command: rewrites policy files in canonical text format
// (compiler/load/text_format_fmt.h), or with --check shows what it would
// change.
#ifndef RBACC_COMPILER_CLI_FMT_COMMAND_H_
#define RBACC_COMPILER_CLI_FMT_COMMAND_H_

#include <ostream>
#include <string>
#include <vector>

#include "compiler/cli/command.h"

namespace rbacc {

// Which files to format and how.
struct FmtCommandOptions {
  // Folder that relative paths resolve against; its policies/ folder holds
  // the files formatted when `files` is empty.
  std::string workspace_root = ".";
  // The files to format, as the user named them; empty: every .textproto file
  // under policies/.
  std::vector<std::string> files;
  // Write nothing; print a unified diff of what would change.
  bool check = false;
};

// Formats options.files. Every file is read and formatted before any is
// written: when one cannot be read or parsed, prints its errors (file:line:col)
// on `err`, writes nothing and returns 2. Otherwise rewrites each file that
// was not canonical (printing its name on `err`) and returns 0; with
// options.check writes nothing, prints a unified diff per such file on `out`
// and returns 1 when there was one, 0 when every file is canonical. A file
// that cannot be written is reported on `err` with 2.
int RunFmt(const FmtCommandOptions& options, std::ostream& out,
           std::ostream& err);

// `rbacc fmt [FILES]` on the command line: the files and --check for RunFmt.
class FmtCommand : public Command {
 public:
  FmtCommand();

 protected:
  void DeclareFlags(FlagSet* flags) const override;
  int Execute(const Invocation& call) const override;
};

}  // namespace rbacc

#endif  // RBACC_COMPILER_CLI_FMT_COMMAND_H_
