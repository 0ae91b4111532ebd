// A command of the command line (`rbacc lint`, `rbacc diff`, ...): its name,
// summary and usage, the flags it declares, and how it runs. Commands are
// listed in one table (commands.h) and run in-process, so tests run them
// without spawning the binary (testing/command_line_tester.h).
//
//   class HelloCommand : public Command {
//    public:
//     HelloCommand() : Command({"hello", "greets", "hello [flags]", "...",
//                               {"bazel run //compiler -- hello"}}) {}
//     void DeclareFlags(FlagSet* flags) const override {
//       flags->AddString("name", "NAME", "Who to greet.");
//     }
//     int Execute(const Invocation& call) const override {
//       call.out << "hello " << call.flags.String("name") << "\n";
//       return 0;
//     }
//   };
#ifndef RBACC_COMPILER_CLI_COMMAND_H_
#define RBACC_COMPILER_CLI_COMMAND_H_

#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include "compiler/cli/flags.h"

namespace rbacc {

// Exit code of every command for a flag or argument it cannot use: an unknown
// flag, a missing or invalid value, a positional argument it does not take.
inline constexpr int kExitUsage = 2;

// What a command gets from the process besides its arguments.
struct Environment {
  // Folder that holds policies/ and outputs/ (BUILD_WORKSPACE_DIRECTORY under
  // `bazel run`); relative paths resolve against it.
  std::string workspace_root = ".";
  // Standard input (why-forbidden reads its message from it); null: none.
  std::istream* in = nullptr;
  // The process exits right after the command returns: a command may leave
  // what it built to the exit rather than free it (see
  // CompileOptions::keep_until_exit).
  bool exits_after_run = false;
};

// What describes a command in `rbacc --help` and `rbacc NAME --help`.
struct CommandInfo {
  // The command's name on the command line: "can-i".
  std::string name;
  // One line for `rbacc --help`.
  std::string summary;
  // The command line, after "rbacc ": "diff A B [flags]".
  std::string synopsis;
  // Paragraphs after the synopsis: what it does, its arguments, exit codes.
  std::string description;
  // Whole example command lines.
  std::vector<std::string> examples;
};

// One run of a command: parsed flags, positional arguments, environment and
// output streams.
struct Invocation {
  const FlagSet& flags;
  const std::vector<std::string>& positional;
  const Environment& env;
  std::ostream& out;
  std::ostream& err;
};

// A command: declares its flags, parses its arguments and runs.
class Command {
 public:
  explicit Command(CommandInfo info) : info_(std::move(info)) {}
  virtual ~Command() = default;

  const CommandInfo& info() const { return info_; }

  // Parses `args` (the arguments after the command's name) with the flags
  // DeclareFlags declares and runs the command. Returns the command's exit
  // code; with -h or --help prints Usage() on `out` and returns 0; for an
  // unknown flag or a bad value prints on `err` what is wrong (with a
  // did-you-mean) and "see rbacc NAME --help", and returns kExitUsage.
  int Run(const std::vector<std::string>& args, const Environment& env,
          std::ostream& out, std::ostream& err) const;

  // The usage text: synopsis, description, examples and every flag (from the
  // declarations).
  std::string Usage() const;

  // Prints on `err` that `argument` is not taken, with `expected` (what the
  // command takes), and returns kExitUsage.
  int UnexpectedArgument(const std::string& argument,
                         const std::string& expected, std::ostream& err) const;

 protected:
  // Declares the command's flags in `flags`.
  virtual void DeclareFlags(FlagSet* flags) const = 0;
  // Runs the command with parsed flags; returns its exit code.
  virtual int Execute(const Invocation& call) const = 0;

 private:
  CommandInfo info_;
};

}  // namespace rbacc

#endif  // RBACC_COMPILER_CLI_COMMAND_H_
