#include "compiler/cli/compile_command.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <system_error>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "compiler/common/issue.h"
#include "compiler/emit/emitters.h"
#include "compiler/emit/output_writer.h"
#include "compiler/load/bundle_loader.h"
#include "compiler/merge/compile.h"
#include "compiler/validate/bundle_validator.h"
#include "compiler/validate/selection.h"

namespace rbacc {
namespace {

namespace fs = std::filesystem;

constexpr char kPoliciesFolder[] = "policies";
constexpr char kOutputsFolder[] = "outputs";
constexpr char kCustomOutputName[] = "custom";
constexpr char kStdoutOutDir[] = "-";
constexpr char kRbacFile[] = "rbac.yaml";

// A value as a POSIX shell word: unchanged when it needs no quoting, else
// single-quoted.
std::string ShellWord(const std::string& value) {
  const bool plain =
      !value.empty() && std::all_of(value.begin(), value.end(), [](char c) {
        return absl::ascii_isalnum(c) || absl::StrContains("_./:=,@%+-", c);
      });
  if (plain) return value;
  return absl::StrCat("'", absl::StrReplaceAll(value, {{"'", "'\\''"}}), "'");
}

std::string SubjectArgument(const Subject& subject) {
  if (subject.kind == "ServiceAccount") {
    return absl::StrCat(subject.kind, ":", subject.namespace_name, "/",
                        subject.name);
  }
  return absl::StrCat(subject.kind, ":", subject.name);
}

// A bundle argument that is a path rather than a name under policies/.
bool IsBundlePath(const std::string& bundle) {
  return absl::StrContains(bundle, '/') || absl::StartsWith(bundle, ".");
}

// `path` relative to `root` when it lies inside it, else `path` unchanged.
std::string DisplayPath(const fs::path& path, const fs::path& root) {
  std::error_code error;
  const fs::path absolute = fs::weakly_canonical(path, error);
  const fs::path absolute_root = fs::weakly_canonical(root, error);
  const fs::path relative = absolute.lexically_relative(absolute_root);
  if (!relative.empty() && *relative.begin() != "..") return relative.string();
  return path.string();
}

// True when `inner` is `outer` or lies inside it.
bool IsInside(const fs::path& inner, const fs::path& outer) {
  std::error_code error;
  const fs::path relative =
      fs::weakly_canonical(inner, error)
          .lexically_relative(fs::weakly_canonical(outer, error));
  return !relative.empty() && *relative.begin() != "..";
}

// One compilation to run: a bundle and a profile (or an ad-hoc selection).
struct Job {
  std::string bundle_argument;
  std::shared_ptr<const LoadedBundle> bundle;
  std::string profile;
};

// One finished compilation, ready to write.
struct Result {
  std::string directory;
  std::string shown_directory;
  CompiledPolicy policy;
  std::vector<OutputFile> files;
};

// The first parameter flag given, e.g. "--namespace", or "" when none is.
std::string FirstParameterOverride(const SelectionOverrides& overrides) {
  if (overrides.namespace_name) return overrides.namespace_name->location.file;
  if (overrides.service_account)
    return overrides.service_account->location.file;
  if (overrides.remote_identity)
    return overrides.remote_identity->location.file;
  if (overrides.subjects) return overrides.subjects->location.file;
  return "";
}

}  // namespace

std::string RegenerateCommand(const std::string& bundle_argument,
                              const std::string& profile,
                              const Selection& selection,
                              const CompileOptions& options) {
  std::vector<std::string> words = {
      "bazel run //compiler --",
      absl::StrCat("--bundle=", ShellWord(bundle_argument))};
  if (!profile.empty())
    words.push_back(absl::StrCat("--profile=", ShellWord(profile)));
  const SelectionOverrides& overrides = options.overrides;
  if (overrides.features) {
    words.push_back(absl::StrCat(
        "--features=",
        ShellWord(absl::StrJoin(selection.requested_features, ","))));
  }
  if (overrides.namespace_name) {
    words.push_back(
        absl::StrCat("--namespace=", ShellWord(selection.namespace_name)));
  }
  if (overrides.service_account) {
    words.push_back(absl::StrCat("--service_account=",
                                 ShellWord(selection.service_account)));
  }
  if (overrides.remote_identity) {
    words.push_back(absl::StrCat("--remote_identity=",
                                 ShellWord(selection.remote_identity)));
  }
  if (overrides.subjects) {
    std::vector<std::string> subjects;
    for (const Subject& subject : selection.extra_subjects) {
      subjects.push_back(SubjectArgument(subject));
    }
    words.push_back(
        absl::StrCat("--subjects=", ShellWord(absl::StrJoin(subjects, ","))));
  }
  if (options.out_dir) {
    words.push_back(absl::StrCat("--out_dir=", ShellWord(*options.out_dir)));
  }
  return absl::StrJoin(words, " ");
}

int RunCompile(const CompileOptions& options, std::ostream& out,
               std::ostream& err) {
  const fs::path root(options.workspace_root);
  IssueList issues;
  const bool ad_hoc = options.overrides.features.has_value();

  const std::string parameter_flag = FirstParameterOverride(options.overrides);
  if (!ad_hoc && options.profile.empty() && !parameter_flag.empty()) {
    issues.AddError(
        {parameter_flag},
        "this flag changes one compilation, but every profile would be "
        "written; add --profile=NAME or --features=... to say which");
  }
  if (!ad_hoc && options.profile.empty() && options.out_dir) {
    issues.AddError(
        {"--out_dir"},
        "--out_dir names one folder, but every profile would be written; "
        "add --profile=NAME or --features=...");
  }
  if (issues.has_errors()) {
    err << issues.Render();
    return kExitError;
  }

  // Which bundles.
  std::vector<std::string> bundle_arguments;
  if (!options.bundle.empty()) {
    bundle_arguments.push_back(options.bundle);
  } else if (ad_hoc || !options.profile.empty()) {
    bundle_arguments.push_back(kDefaultBundle);
  } else {
    std::error_code error;
    for (const fs::directory_entry& entry :
         fs::directory_iterator(root / kPoliciesFolder, error)) {
      if (fs::is_regular_file(entry.path() / "bundle.textproto")) {
        bundle_arguments.push_back(entry.path().filename().string());
      }
    }
    if (error || bundle_arguments.empty()) {
      err << kPoliciesFolder << ": no bundles found under "
          << (root / kPoliciesFolder).string()
          << "; run from the workspace or pass --bundle=PATH\n";
      return kExitError;
    }
    std::sort(bundle_arguments.begin(), bundle_arguments.end());
  }

  // Load and validate each bundle, then list the jobs.
  std::map<std::string, std::string> file_texts;
  std::vector<Job> jobs;
  for (const std::string& argument : bundle_arguments) {
    const fs::path directory = IsBundlePath(argument)
                                   ? root / argument
                                   : root / kPoliciesFolder / argument;
    absl::StatusOr<LoadedBundle> loaded =
        LoadBundle(directory.string(), DisplayPath(directory, root), &issues);
    if (!loaded.ok()) {
      err << "--bundle=" << argument << ": " << loaded.status().message()
          << "\n";
      return kExitError;
    }
    auto bundle = std::make_shared<const LoadedBundle>(*std::move(loaded));
    file_texts.insert(bundle->file_texts.begin(), bundle->file_texts.end());
    ValidateBundle(*bundle, &issues);
    if (ad_hoc || !options.profile.empty()) {
      jobs.push_back({argument, bundle, options.profile});
    } else {
      for (const auto& [name, profile] : bundle->profiles) {
        jobs.push_back({argument, bundle, name});
      }
      if (bundle->profiles.empty()) {
        issues.AddError(
            {bundle->display_directory},
            "bundle has no profiles to compile; add one under profiles/ "
            "or pass --features=...");
      }
    }
  }
  if (issues.has_errors()) {
    err << issues.Render(file_texts);
    return kExitError;
  }

  // Compile every job in memory.
  if (options.out_dir && *options.out_dir == kStdoutOutDir &&
      jobs.size() != 1) {
    err << "--out_dir=-: prints one rbac.yaml, but " << jobs.size()
        << " compilations were selected\n";
    return kExitError;
  }
  std::vector<Result> results;
  for (const Job& job : jobs) {
    const LoadedBundle& bundle = *job.bundle;
    const Selection selection =
        ResolveSelection(bundle, job.profile, options.overrides, &issues);
    if (issues.has_errors()) continue;
    Result result;
    result.policy = CompilePolicy(
        bundle, selection,
        RegenerateCommand(job.bundle_argument, job.profile, selection, options),
        &issues);
    if (issues.has_errors()) continue;
    result.files = EmitOutputs(result.policy, bundle.proto);

    std::string out_dir;
    std::string shown_as;
    if (options.out_dir) {
      out_dir = *options.out_dir;
      shown_as = absl::StrCat("--out_dir=", out_dir);
    } else if (!job.profile.empty() &&
               !bundle.profiles.at(job.profile).proto.out_dir().empty()) {
      out_dir = bundle.profiles.at(job.profile).proto.out_dir();
      shown_as =
          bundle.profiles.at(job.profile).source.Locate("out_dir").ToString();
    } else {
      out_dir = (fs::path(kOutputsFolder) / bundle.proto.name() /
                 (job.profile.empty() ? kCustomOutputName : job.profile))
                    .string();
      shown_as = out_dir;
    }
    if (out_dir != kStdoutOutDir) {
      const fs::path directory =
          fs::path(out_dir).is_absolute() ? fs::path(out_dir) : root / out_dir;
      if (out_dir.empty()) {
        issues.AddError({shown_as}, "output folder is empty; name a folder");
        continue;
      }
      if (IsInside(directory, root / kPoliciesFolder) ||
          IsInside(directory, bundle.directory)) {
        issues.AddError({shown_as},
                        "output folder is inside the policies; choose a folder "
                        "outside policies/ (e.g. outputs/...)");
        continue;
      }
      const absl::Status status = CheckOutputDirectory(directory.string());
      if (!status.ok()) {
        issues.AddError({shown_as}, std::string(status.message()));
        continue;
      }
      result.directory = directory.string();
      result.shown_directory = DisplayPath(directory, root);
    }
    results.push_back(std::move(result));
  }
  if (issues.has_errors()) {
    err << issues.Render(file_texts);
    return kExitError;
  }
  if (!issues.issues().empty()) err << issues.Render(file_texts);

  // Write.
  for (const Result& result : results) {
    const Selection& selection = result.policy.selection;
    if (result.directory.empty()) {
      for (const OutputFile& file : result.files) {
        if (file.name == kRbacFile) out << file.content;
      }
    } else {
      FileOperations real_operations;
      const absl::Status status = WriteOutputFiles(
          result.directory, result.files,
          options.file_operations != nullptr ? *options.file_operations
                                             : real_operations);
      if (!status.ok()) {
        err << "error: " << status.message() << "\n";
        return kExitError;
      }
      err << "wrote " << result.shown_directory << "/ (" << result.files.size()
          << " files): bundle " << result.policy.bundle_name << ", features "
          << absl::StrJoin(selection.features, ", ") << "\n";
    }
    for (const auto& [feature, by] : selection.required_by) {
      err << "  added feature " << feature << ": required by " << by << "\n";
    }
  }
  return kExitOk;
}

}  // namespace rbacc
