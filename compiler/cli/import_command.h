// The `import` command: Kubernetes RBAC YAML in, an equivalent rbacc feature
// (protobuf text format) out.
#ifndef RBACC_COMPILER_CLI_IMPORT_COMMAND_H_
#define RBACC_COMPILER_CLI_IMPORT_COMMAND_H_

#include <ostream>
#include <string>

#include "compiler/cli/command.h"

namespace rbacc {

// What to import and where to write it.
struct ImportCommandOptions {
  // Folder that relative paths resolve against.
  std::string workspace_root = ".";
  // The YAML file to read.
  std::string file;
  // The feature's name; empty: derived from the file name.
  std::string feature_name;
  // Where to write the feature; empty: standard output.
  std::string out;
};

// Reads options.file and writes the feature to options.out or `out`. Returns
// 0, or 2 after printing on `err` why the file cannot be read or imported.
int RunImport(const ImportCommandOptions& options, std::ostream& out,
              std::ostream& err);

// `rbacc import FILE.yaml` on the command line: the file, --name and --out
// for RunImport.
class ImportCommand : public Command {
 public:
  ImportCommand();

 protected:
  void DeclareFlags(FlagSet* flags) const override;
  int Execute(const Invocation& call) const override;
};

}  // namespace rbacc

#endif  // RBACC_COMPILER_CLI_IMPORT_COMMAND_H_
