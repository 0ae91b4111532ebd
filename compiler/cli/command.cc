#include "compiler/cli/command.h"

#include "absl/strings/str_cat.h"

namespace rbacc {

int Command::Run(const std::vector<std::string>& args, const Environment& env,
                 std::ostream& out, std::ostream& err) const {
  FlagSet flags;
  DeclareFlags(&flags);
  std::vector<std::string> positional;
  const absl::Status parsed = flags.Parse(args, &positional);
  if (flags.help_requested()) {
    out << Usage();
    return 0;
  }
  if (!parsed.ok()) {
    err << parsed.message() << "; see rbacc " << info_.name << " --help\n";
    return kExitUsage;
  }
  return Execute({flags, positional, env, out, err});
}

std::string Command::Usage() const {
  FlagSet flags;
  DeclareFlags(&flags);
  std::string usage = absl::StrCat("usage: rbacc ", info_.synopsis, "\n\n",
                                   info_.summary, "\n");
  if (!info_.description.empty()) {
    absl::StrAppend(&usage, "\n", info_.description, "\n");
  }
  if (!info_.examples.empty()) absl::StrAppend(&usage, "\nExamples:\n");
  for (const std::string& example : info_.examples) {
    absl::StrAppend(&usage, "  ", example, "\n");
  }
  absl::StrAppend(&usage,
                  "\nFlags (dashes or underscores: --exit-code is "
                  "--exit_code):\n",
                  flags.Usage(),
                  "  -h, --help\n      Print this usage and exit 0.\n");
  return usage;
}

int Command::UnexpectedArgument(const std::string& argument,
                                const std::string& expected,
                                std::ostream& err) const {
  err << "rbacc " << info_.name << ": error: unexpected argument \"" << argument
      << "\"; " << expected << "; see rbacc " << info_.name << " --help\n";
  return kExitUsage;
}

}  // namespace rbacc
