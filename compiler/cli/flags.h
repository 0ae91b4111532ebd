// A command's flags: declared by the command (string, bool, list or enum, each
// with its help text), parsed from its arguments, and asked for by name. No
// global state: each command builds its own FlagSet.
//
//   FlagSet flags;
//   flags.AddString("profile", "NAME", "One committed profile.");
//   flags.AddBool("check", false, "Write nothing; compare.");
//   std::vector<std::string> positional;
//   absl::Status parsed = flags.Parse(args, &positional);
//   if (flags.Given("profile")) ... flags.String("profile") ...
//
// Spellings accepted (as Abseil and kubectl accept them): --name=value,
// --name value, -name=value; for bools --name, --noname, --name=true|false;
// dashes or underscores in a name (--exit-code is --exit_code); a declared
// short name (-n VALUE, -n=VALUE, -A); "--" ends the flags; --flagfile=FILE
// reads more arguments from FILE, one a line ("#" starts a comment line).
#ifndef RBACC_COMPILER_CLI_FLAGS_H_
#define RBACC_COMPILER_CLI_FLAGS_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"

namespace rbacc {

// What values a flag takes.
enum class FlagKind {
  // Any text.
  kString,
  // true or false; given alone it is true, as --noNAME false.
  kBool,
  // Comma-separated words (empty words dropped); repeating the flag appends.
  kList,
  // One of the declared values.
  kEnum,
};

// One declared flag, for parsing and for the usage text.
struct FlagDeclaration {
  // The name with underscores, without dashes: "exit_code".
  std::string name;
  // A one-letter kubectl spelling ("n" for -n), or "".
  std::string short_name;
  // Another long name meaning the same flag ("all_namespaces"), or "".
  std::string alias;
  FlagKind kind = FlagKind::kString;
  // What the value is, for the usage text: "NAME", "FILE", ...
  std::string value_name;
  // The value when the flag is not given ("" for none; "true"/"false" for
  // bools).
  std::string default_value;
  // For kEnum: the allowed values, in the order the usage lists them.
  std::vector<std::string> values;
  // One or more sentences.
  std::string help;
};

// A parsed value of an enum flag and the enum it stands for.
template <typename E>
using EnumValues = std::vector<std::pair<std::string, E>>;

// The flags one command declares, and after Parse the values given.
class FlagSet {
 public:
  // Declares a flag taking any text. Returns the declaration so that callers
  // may add a short name or an alias (the reference is valid until the next
  // declaration).
  FlagDeclaration& AddString(const std::string& name,
                             const std::string& value_name,
                             const std::string& help);
  // Declares a bool flag with its default.
  FlagDeclaration& AddBool(const std::string& name, bool default_value,
                           const std::string& help);
  // Declares a comma-separated list flag.
  FlagDeclaration& AddList(const std::string& name,
                           const std::string& value_name,
                           const std::string& help);
  // Declares a flag taking one of `values`, `default_value` when not given.
  FlagDeclaration& AddEnum(const std::string& name,
                           const std::vector<std::string>& values,
                           const std::string& default_value,
                           const std::string& help);
  // As AddEnum, with the values of an enum table.
  template <typename E>
  FlagDeclaration& AddEnum(const std::string& name, const EnumValues<E>& values,
                           const std::string& default_value,
                           const std::string& help) {
    std::vector<std::string> names;
    for (const auto& [text, value] : values) names.push_back(text);
    return AddEnum(name, names, default_value, help);
  }

  // Parses `args` (a command's arguments, without the command's name): sets
  // the flags and appends the other arguments to `positional`. Returns
  // InvalidArgument naming the flag as the user spelled it for an unknown
  // flag (with a did-you-mean), a missing value, or a value a bool or enum
  // flag does not take; NotFound for an unreadable --flagfile. Sets
  // help_requested() instead of failing for -h or --help.
  absl::Status Parse(const std::vector<std::string>& args,
                     std::vector<std::string>* positional);

  // True when -h or --help was among the arguments.
  bool help_requested() const { return help_requested_; }

  // True when the arguments set flag `name`, even to an empty value.
  bool Given(const std::string& name) const;
  // The text of string or enum flag `name`: as given, else its default.
  std::string String(const std::string& name) const;
  // The value of bool flag `name`.
  bool Bool(const std::string& name) const;
  // The words of list flag `name`, in order (every repetition's).
  std::vector<std::string> List(const std::string& name) const;
  // The enum value of enum flag `name`, looked up in `values` (which must be
  // the table it was declared with): the value given, else the default, else
  // (a flag without a default, not given) the table's first value.
  template <typename E>
  E Enum(const std::string& name, const EnumValues<E>& values) const {
    const std::string text = String(name);
    for (const auto& [spelling, value] : values) {
      if (spelling == text) return value;
    }
    return values.front().second;
  }

  // The flags as the usage text lists them: "  --name=VALUE  help", wrapped,
  // one paragraph per flag, in declaration order.
  std::string Usage() const;

  // The declarations, in declaration order.
  const std::vector<FlagDeclaration>& declarations() const {
    return declarations_;
  }

 private:
  FlagDeclaration& Declare(FlagDeclaration declaration);
  // The declaration `spelled` (without dashes) names, or null.
  const FlagDeclaration* Find(const std::string& spelled) const;
  // Parses one argument at args[*index] that starts with "-"; advances
  // *index past a separate value.
  absl::Status ParseFlag(const std::vector<std::string>& args, size_t* index);
  absl::Status SetValue(const FlagDeclaration& flag, const std::string& spelled,
                        const std::string& value);
  absl::Status UnknownFlag(const std::string& spelled) const;

  std::vector<FlagDeclaration> declarations_;
  // Values given, by declared name (list flags: the words joined by ",").
  std::map<std::string, std::vector<std::string>> given_;
  bool help_requested_ = false;
};

}  // namespace rbacc

#endif  // RBACC_COMPILER_CLI_FLAGS_H_
