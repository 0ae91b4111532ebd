#include "compiler/cli/flags.h"

#include <algorithm>
#include <sstream>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "compiler/common/input_file.h"
#include "compiler/common/names.h"

namespace rbacc {
namespace {

// The usage text wraps help at this column.
constexpr size_t kUsageWidth = 80;
// Help paragraphs start at this column.
constexpr size_t kHelpIndent = 6;

// `spelled` with dashes as underscores: flag names compare this way.
std::string Normalized(std::string spelled) {
  std::replace(spelled.begin(), spelled.end(), '-', '_');
  return spelled;
}

// The arguments --flagfile=`path` holds: one a line, blank lines and lines
// starting with "#" skipped, surrounding whitespace removed. The file is read
// as every input is (ReadInputFile: a regular file, at most kFlagFileLimit).
absl::Status ReadFlagFile(const std::string& path,
                          std::vector<std::string>* args) {
  absl::StatusOr<std::string> text = ReadInputFile(path, path, kFlagFileLimit);
  if (absl::IsNotFound(text.status())) {
    return absl::NotFoundError(
        absl::StrCat("--flagfile: error: cannot read \"", path, "\""));
  }
  if (!text.ok()) {
    return absl::Status(
        text.status().code(),
        absl::StrCat("--flagfile: error: ", text.status().message()));
  }
  for (const absl::string_view line : absl::StrSplit(*text, '\n')) {
    const absl::string_view arg = absl::StripAsciiWhitespace(line);
    if (arg.empty() || absl::StartsWith(arg, "#")) continue;
    args->emplace_back(arg);
  }
  return absl::OkStatus();
}

// `text` wrapped at kUsageWidth, each line indented by kHelpIndent.
std::string Wrapped(const std::string& text) {
  std::string wrapped;
  std::string line;
  for (absl::string_view word : absl::StrSplit(text, ' ', absl::SkipEmpty())) {
    if (!line.empty() &&
        kHelpIndent + line.size() + 1 + word.size() > kUsageWidth) {
      absl::StrAppend(&wrapped, std::string(kHelpIndent, ' '), line, "\n");
      line.clear();
    }
    absl::StrAppend(&line, line.empty() ? "" : " ", word);
  }
  if (!line.empty()) {
    absl::StrAppend(&wrapped, std::string(kHelpIndent, ' '), line, "\n");
  }
  return wrapped;
}

}  // namespace

FlagDeclaration& FlagSet::Declare(FlagDeclaration declaration) {
  declarations_.push_back(std::move(declaration));
  return declarations_.back();
}

FlagDeclaration& FlagSet::AddString(const std::string& name,
                                    const std::string& value_name,
                                    const std::string& help) {
  return Declare({name, "", "", FlagKind::kString, value_name, "", {}, help});
}

FlagDeclaration& FlagSet::AddBool(const std::string& name, bool default_value,
                                  const std::string& help) {
  return Declare({name,
                  "",
                  "",
                  FlagKind::kBool,
                  "",
                  default_value ? "true" : "false",
                  {},
                  help});
}

FlagDeclaration& FlagSet::AddList(const std::string& name,
                                  const std::string& value_name,
                                  const std::string& help) {
  return Declare({name, "", "", FlagKind::kList, value_name, "", {}, help});
}

FlagDeclaration& FlagSet::AddEnum(const std::string& name,
                                  const std::vector<std::string>& values,
                                  const std::string& default_value,
                                  const std::string& help) {
  return Declare({name, "", "", FlagKind::kEnum, absl::StrJoin(values, "|"),
                  default_value, values, help});
}

const FlagDeclaration* FlagSet::Find(const std::string& spelled) const {
  const std::string name = Normalized(spelled);
  for (const FlagDeclaration& flag : declarations_) {
    if (name == flag.name || (!flag.alias.empty() && name == flag.alias)) {
      return &flag;
    }
  }
  return nullptr;
}

absl::Status FlagSet::UnknownFlag(const std::string& spelled) const {
  std::vector<std::string> known = {"--help"};
  for (const FlagDeclaration& flag : declarations_) {
    known.push_back(absl::StrCat("--", flag.name));
    if (flag.kind == FlagKind::kBool) {
      known.push_back(absl::StrCat("--no", flag.name));
    }
  }
  absl::string_view name = spelled;
  absl::ConsumePrefix(&name, "-");
  absl::ConsumePrefix(&name, "-");
  return absl::InvalidArgumentError(absl::StrCat(
      spelled, ": error: unknown flag",
      DidYouMean(absl::StrCat("--", Normalized(std::string(name))), known)));
}

absl::Status FlagSet::SetValue(const FlagDeclaration& flag,
                               const std::string& spelled,
                               const std::string& value) {
  std::vector<std::string>& given = given_[flag.name];
  switch (flag.kind) {
    case FlagKind::kBool:
      if (value != "true" && value != "false" && value != "1" && value != "0") {
        return absl::InvalidArgumentError(absl::StrCat(
            spelled, ": error: \"", value, "\" is not true or false"));
      }
      given = {value == "true" || value == "1" ? "true" : "false"};
      return absl::OkStatus();
    case FlagKind::kEnum:
      if (std::find(flag.values.begin(), flag.values.end(), value) ==
          flag.values.end()) {
        std::vector<std::string> quoted = flag.values;
        const std::string last = quoted.back();
        quoted.pop_back();
        return absl::InvalidArgumentError(absl::StrCat(
            spelled, ": error: \"", value, "\" is not ",
            absl::StrJoin(quoted, ", "), quoted.empty() ? "" : " or ", last,
            DidYouMean(value, flag.values)));
      }
      given = {value};
      return absl::OkStatus();
    case FlagKind::kList:
      for (absl::string_view word :
           absl::StrSplit(value, ',', absl::SkipWhitespace())) {
        given.emplace_back(word);
      }
      return absl::OkStatus();
    case FlagKind::kString:
      given = {value};
      return absl::OkStatus();
  }
  return absl::OkStatus();
}

absl::Status FlagSet::ParseFlag(const std::vector<std::string>& args,
                                size_t* index) {
  const std::string& arg = args[*index];
  const bool long_form = absl::StartsWith(arg, "--");
  const std::string body = arg.substr(long_form ? 2 : 1);
  const size_t equals = body.find('=');
  const std::string spelled_name = body.substr(0, equals);
  const std::string spelled = arg.substr(0, arg.find('='));
  const bool has_value = equals != std::string::npos;
  if (spelled_name == "help" || spelled_name == "h") {
    help_requested_ = true;
    return absl::OkStatus();
  }
  const FlagDeclaration* flag = nullptr;
  if (!long_form && spelled_name.size() == 1) {
    for (const FlagDeclaration& candidate : declarations_) {
      if (candidate.short_name == spelled_name) flag = &candidate;
    }
  } else {
    flag = Find(spelled_name);
  }
  if (flag == nullptr && spelled_name.size() > 2 &&
      absl::StartsWith(spelled_name, "no")) {
    const FlagDeclaration* negated = Find(spelled_name.substr(2));
    if (negated != nullptr && negated->kind == FlagKind::kBool) {
      if (has_value) {
        return absl::InvalidArgumentError(
            absl::StrCat(spelled, ": error: takes no value; write ", spelled,
                         " or --", negated->name, "=false"));
      }
      return SetValue(*negated, spelled, "false");
    }
  }
  if (flag == nullptr) return UnknownFlag(spelled);
  if (has_value) return SetValue(*flag, spelled, body.substr(equals + 1));
  if (flag->kind == FlagKind::kBool) return SetValue(*flag, spelled, "true");
  // A next argument that is a flag is not taken as the value.
  if (*index + 1 >= args.size() ||
      (args[*index + 1].size() > 1 && args[*index + 1][0] == '-')) {
    return absl::InvalidArgumentError(
        absl::StrCat(spelled, ": error: missing value; write ", spelled, "=",
                     flag->value_name.empty() ? "VALUE" : flag->value_name));
  }
  ++*index;
  return SetValue(*flag, spelled, args[*index]);
}

absl::Status FlagSet::Parse(const std::vector<std::string>& args,
                            std::vector<std::string>* positional) {
  std::vector<std::string> expanded;
  bool flags_ended = false;
  for (const std::string& arg : args) {
    if (!flags_ended && absl::StartsWith(Normalized(arg), "__flagfile=")) {
      absl::Status read =
          ReadFlagFile(arg.substr(arg.find('=') + 1), &expanded);
      if (!read.ok()) return read;
      continue;
    }
    if (arg == "--") flags_ended = true;
    expanded.push_back(arg);
  }
  flags_ended = false;
  for (size_t i = 0; i < expanded.size(); ++i) {
    const std::string& arg = expanded[i];
    if (flags_ended || arg == "-" || !absl::StartsWith(arg, "-")) {
      positional->push_back(arg);
    } else if (arg == "--") {
      flags_ended = true;
    } else {
      absl::Status parsed = ParseFlag(expanded, &i);
      if (!parsed.ok()) return parsed;
    }
  }
  return absl::OkStatus();
}

bool FlagSet::Given(const std::string& name) const {
  return given_.count(name) > 0;
}

std::string FlagSet::String(const std::string& name) const {
  const auto found = given_.find(name);
  if (found != given_.end() && !found->second.empty()) {
    return found->second.back();
  }
  if (found != given_.end()) return "";
  for (const FlagDeclaration& flag : declarations_) {
    if (flag.name == name) return flag.default_value;
  }
  return "";
}

bool FlagSet::Bool(const std::string& name) const {
  return String(name) == "true";
}

std::vector<std::string> FlagSet::List(const std::string& name) const {
  const auto found = given_.find(name);
  if (found == given_.end()) return {};
  return found->second;
}

std::string FlagSet::Usage() const {
  std::string usage;
  for (const FlagDeclaration& flag : declarations_) {
    std::string spellings;
    if (!flag.short_name.empty()) {
      absl::StrAppend(&spellings, "-", flag.short_name, ", ");
    }
    absl::StrAppend(&spellings, "--", flag.name);
    if (!flag.alias.empty()) absl::StrAppend(&spellings, ", --", flag.alias);
    if (flag.kind == FlagKind::kBool) {
      absl::StrAppend(&spellings, ", --no", flag.name);
    } else {
      absl::StrAppend(&spellings, "=",
                      flag.value_name.empty() ? "VALUE" : flag.value_name);
    }
    std::string help = flag.help;
    if (!flag.default_value.empty()) {
      absl::StrAppend(&help, " Default: ", flag.default_value, ".");
    }
    absl::StrAppend(&usage, "  ", spellings, "\n", Wrapped(help));
  }
  return usage;
}

}  // namespace rbacc
