#include "compiler/cli/fmt_command.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <ostream>
#include <string>
#include <system_error>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "compiler/cli/compile_command.h"
#include "compiler/common/issue.h"
#include "compiler/common/unified_diff.h"
#include "compiler/load/bundle_loader.h"
#include "compiler/load/text_format_fmt.h"
#include "compiler/load/text_format_reader.h"

namespace rbacc {
namespace {

namespace fs = std::filesystem;

// One file to format: where it is, how it is shown, and its texts.
struct FmtFile {
  fs::path path;
  std::string display_path;
  std::string text;
  std::string formatted;
};

// Every .textproto file under `workspace_root`/policies, by path relative to
// the workspace, sorted; NotFoundError when there is no policies/ folder.
absl::StatusOr<std::vector<std::string>> PolicyFiles(
    const std::string& workspace_root) {
  const fs::path root(workspace_root);
  std::error_code error;
  if (!fs::is_directory(root / kPoliciesFolder, error)) {
    return absl::NotFoundError(
        absl::StrCat(kPoliciesFolder,
                     "/: no such folder; run rbacc fmt in a workspace holding "
                     "policies/, or name the files to format"));
  }
  std::vector<std::string> files;
  for (fs::recursive_directory_iterator entry(root / kPoliciesFolder, error),
       end;
       !error && entry != end; entry.increment(error)) {
    if (entry->is_regular_file(error) &&
        entry->path().extension() == ".textproto") {
      files.push_back(entry->path().lexically_relative(root).generic_string());
    }
  }
  if (error) {
    return absl::UnavailableError(absl::StrCat(
        kPoliciesFolder, "/: cannot be listed: ", error.message()));
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Replaces the file at `path` with `text` through a file beside it renamed
// into place; false when it cannot.
bool ReplaceFile(const fs::path& path, const std::string& text) {
  const fs::path staged = fs::path(path).concat(".rbacc-fmt");
  std::ofstream file(staged, std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  std::error_code error;
  if (file) fs::rename(staged, path, error);
  if (!file || error) {
    fs::remove(staged, error);
    return false;
  }
  return true;
}

}  // namespace

int RunFmt(const FmtCommandOptions& options, std::ostream& out,
           std::ostream& err) {
  std::vector<std::string> names = options.files;
  if (names.empty()) {
    absl::StatusOr<std::vector<std::string>> found =
        PolicyFiles(options.workspace_root);
    if (!found.ok()) {
      err << "rbacc fmt: " << found.status().message() << "\n";
      return kExitError;
    }
    names = *std::move(found);
  }
  IssueList issues;
  std::map<std::string, std::string> file_texts;
  std::vector<FmtFile> files;
  for (const std::string& name : names) {
    FmtFile file;
    file.path = fs::path(name).is_absolute()
                    ? fs::path(name)
                    : fs::path(options.workspace_root) / name;
    file.display_path = name;
    absl::StatusOr<SourceFile> source =
        ReadSourceFile(file.path.string(), name, &issues);
    if (!source.ok()) {
      err << source.status().message() << "\n";
      return kExitError;
    }
    file.text = std::move(source->text);
    file.formatted = FormatTextFormat(file.text, name,
                                      PolicyFileType(name, file.text), &issues);
    file_texts[name] = file.text;
    files.push_back(std::move(file));
  }
  if (issues.has_errors()) {
    err << issues.Render(file_texts) << "rbacc fmt: nothing written\n";
    return kExitError;
  }
  int changed = 0;
  for (const FmtFile& file : files) {
    if (file.formatted == file.text) continue;
    ++changed;
    if (options.check) {
      out << UnifiedDiff(file.text, file.formatted, file.display_path,
                         file.display_path);
      continue;
    }
    if (!ReplaceFile(file.path, file.formatted)) {
      err << file.display_path << ": cannot write the file\n";
      return kExitError;
    }
    err << "formatted " << file.display_path << "\n";
  }
  if (options.check && changed > 0) {
    err << changed << " file" << (changed == 1 ? " is" : "s are")
        << " not in canonical format; run: bazel run //compiler -- fmt\n";
    return kExitStale;
  }
  return kExitOk;
}

FmtCommand::FmtCommand()
    : Command({"fmt",
               "rewrite policy files in canonical text format (--check)",
               "fmt [FILES] [flags]",
               "Rewrites policy files (bundle, feature, profile and calls "
               "files) in canonical text format, keeping every comment: "
               "fields in schema order, two-space indent, one block per "
               "rule, repeated values on one line (a line per value past 100 "
               "columns). Without FILES, every "
               ".textproto file under policies/. A file that does not parse "
               "is an error at file:line:col, and then nothing is written.\n\n"
               "Exit codes: 0 formatted (or, with --check, already "
               "canonical); 1 --check: a file is not canonical (its diff is "
               "printed); 2 invalid input or flags (nothing written).",
               {"bazel run //compiler -- fmt",
                "bazel run //compiler -- fmt --check",
                "bazel run //compiler -- fmt "
                "policies/skypilot/base.textproto"}}) {}

void FmtCommand::DeclareFlags(FlagSet* flags) const {
  flags->AddBool("check", false,
                 "Write nothing; print a unified diff of what would change "
                 "and exit 1 when a file is not canonical.");
}

int FmtCommand::Execute(const Invocation& call) const {
  FmtCommandOptions options;
  options.workspace_root = call.env.workspace_root;
  options.files = call.positional;
  options.check = call.flags.Bool("check");
  return RunFmt(options, call.out, call.err);
}

}  // namespace rbacc
