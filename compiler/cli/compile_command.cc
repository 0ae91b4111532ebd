#include "compiler/cli/compile_command.h"

#include <malloc.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "compiler/catalog/catalog.h"
#include "compiler/common/issue.h"
#include "compiler/common/unified_diff.h"
#include "compiler/emit/emitters.h"
#include "compiler/emit/output_writer.h"
#include "compiler/emit/text_output.h"
#include "compiler/lint/lint.h"
#include "compiler/load/bundle_loader.h"
#include "compiler/merge/compile.h"
#include "compiler/validate/bootstrap.h"
#include "compiler/validate/bundle_validator.h"
#include "compiler/validate/catalog_checks.h"
#include "compiler/validate/selection.h"

namespace rbacc {
namespace {

namespace fs = std::filesystem;

constexpr char kOutputsFolder[] = "outputs";
constexpr char kCustomOutputName[] = "custom";
constexpr char kStdoutOutDir[] = "-";
constexpr char kRbacFile[] = "rbac.yaml";

std::string SubjectArgument(const Subject& subject) {
  if (subject.kind == "ServiceAccount") {
    return absl::StrCat(subject.kind, ":", subject.namespace_name, "/",
                        subject.name);
  }
  return absl::StrCat(subject.kind, ":", subject.name);
}

// `path` relative to `root` when it lies inside it, else `path` unchanged.
// Lexical, so that a bundle linked into the workspace (as the rbacc_outputs
// macro does) still shows as policies/<bundle>/...
std::string DisplayPath(const fs::path& path, const fs::path& root) {
  std::error_code error;
  const fs::path absolute = fs::absolute(path, error).lexically_normal();
  const fs::path absolute_root = fs::absolute(root, error).lexically_normal();
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

// The first parameter flag given, e.g. "--namespace", or "" when none is.
std::string FirstParameterOverride(const SelectionOverrides& overrides) {
  if (overrides.namespaces) return overrides.namespaces->location.file;
  if (overrides.service_account)
    return overrides.service_account->location.file;
  if (overrides.remote_identity)
    return overrides.remote_identity->location.file;
  if (overrides.subjects) return overrides.subjects->location.file;
  if (overrides.create_service_account) {
    return overrides.create_service_account->location.file;
  }
  if (overrides.cluster_scope) return overrides.cluster_scope->location.file;
  if (overrides.contexts) return overrides.contexts->location.file;
  if (overrides.chart_release) return overrides.chart_release->location.file;
  if (overrides.bootstrap) return overrides.bootstrap->location.file;
  return "";
}

// The compilations kept until exit (CompileOptions::keep_until_exit).
std::vector<std::unique_ptr<CompilationSet>>& KeptUntilExit() {
  static auto* const kept = new std::vector<std::unique_ptr<CompilationSet>>;
  return *kept;
}

// The content of the file at `path`, or "" when it cannot be read.
std::string ReadFile(const fs::path& path) {
  std::ifstream stream(path, std::ios::binary);
  std::ostringstream text;
  text << stream.rdbuf();
  return text.str();
}

// Compares each result with its folder on disk; see RunCompile.
int CheckResults(const std::vector<Compilation>& results, std::ostream& out,
                 std::ostream& err) {
  int stale = 0;
  for (const Compilation& result : results) {
    if (result.directory.empty()) continue;
    std::set<std::string> on_disk;
    std::error_code error;
    for (const fs::directory_entry& entry :
         fs::directory_iterator(result.directory, error)) {
      const std::string name = entry.path().filename().string();
      if (entry.is_directory() && !result.context_folders.empty() &&
          std::find(result.context_folders.begin(),
                    result.context_folders.end(),
                    name) == result.context_folders.end()) {
        ++stale;
        out << (fs::path(result.shown_directory) / name).string()
            << "/: no context of this selection writes it; delete it\n"
            << "run: " << result.policy.regenerate_command << "\n";
        continue;
      }
      if (entry.is_regular_file()) on_disk.insert(name);
    }
    bool folder_stale = false;
    const std::vector<OutputFile> files = result.Files();
    for (const OutputFile& file : files) {
      const fs::path path = fs::path(result.directory) / file.name;
      const std::string shown =
          (fs::path(result.shown_directory) / file.name).string();
      const bool found = on_disk.count(file.name) > 0;
      if (found && HoldsText(path.string(), file)) continue;
      folder_stale = true;
      ++stale;
      out << UnifiedDiff(found ? ReadFile(path) : "", OutputText(file),
                         found ? shown : "/dev/null", shown);
    }
    for (const std::string& name : on_disk) {
      const bool generated = std::any_of(
          files.begin(), files.end(),
          [&](const OutputFile& file) { return file.name == name; });
      if (generated) continue;
      folder_stale = true;
      ++stale;
      out << (fs::path(result.shown_directory) / name).string()
          << ": not generated by rbacc; delete it\n";
    }
    if (folder_stale) {
      out << "run: " << result.policy.regenerate_command << "\n";
    }
  }
  if (stale > 0) {
    err << stale << " output file" << (stale == 1 ? " is" : "s are")
        << " stale; run the commands above\n";
    return kExitStale;
  }
  err << "outputs are current (" << results.size() << " folder"
      << (results.size() == 1 ? "" : "s") << ")\n";
  return kExitOk;
}

// Adds the lint findings of one compilation to `issues` as `mode` says, each
// place and check once per run (`reported` remembers them).
void ReportLint(const LintResult& lint, LintMode mode,
                ReportedFindings* reported, IssueList* issues) {
  if (mode == LintMode::kOff) return;
  for (const LintFinding& finding : lint.findings) {
    if (finding.acknowledged || !reported->Insert(finding)) continue;
    const std::string message = LintMessage(finding);
    if (mode == LintMode::kError) {
      issues->AddError(finding.location, message);
    } else {
      issues->AddWarning(finding.location, message);
    }
  }
  for (const UnusedAllowance& unused : lint.unused_allowances) {
    if (reported->Insert(unused)) {
      issues->AddWarning(
          unused.location,
          absl::StrCat("allow { id: \"", unused.id,
                       "\" } acknowledges a finding this rule does not "
                       "have; remove it"));
    }
  }
}

}  // namespace

std::vector<OutputFile> Compilation::Files() const {
  if (!context_folders.empty()) {
    return {OutputFile::FromText(kAppConfigFileName, contexts_app_config)};
  }
  return EmitOutputs(policy, bundle->proto, lint);
}

std::string DefaultOutDir(const LoadedBundle& bundle,
                          const std::string& profile) {
  if (!profile.empty() &&
      !bundle.profiles.at(profile).proto.out_dir().empty()) {
    return bundle.profiles.at(profile).proto.out_dir();
  }
  return (fs::path(kOutputsFolder) / bundle.proto.name() /
          (profile.empty() ? kCustomOutputName : profile))
      .string();
}

std::string ShellWord(const std::string& value) {
  const bool plain =
      !value.empty() && std::all_of(value.begin(), value.end(), [](char c) {
        return absl::ascii_isalnum(c) || absl::StrContains("_./:=,@%+-", c);
      });
  if (plain) return value;
  return absl::StrCat("'", absl::StrReplaceAll(value, {{"'", "'\\''"}}), "'");
}

std::string LintMessage(const LintFinding& finding) {
  return absl::StrCat("[", finding.check->id, "] ", finding.message,
                      "; narrower: ", finding.suggestion);
}

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
  if (overrides.namespaces) {
    words.push_back(absl::StrCat(
        "--namespace=", ShellWord(absl::StrJoin(selection.namespaces, ","))));
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
  if (overrides.create_service_account) {
    words.push_back(absl::StrCat(
        "--create_service_account=",
        overrides.create_service_account->value ? "true" : "false"));
  }
  if (overrides.cluster_scope) {
    words.push_back(absl::StrCat(
        "--cluster_scope=", ClusterScopeFlagValue(selection.cluster_scope)));
  }
  if (overrides.contexts) {
    words.push_back(
        absl::StrCat("--contexts=",
                     ShellWord(absl::StrJoin(overrides.contexts->value, ","))));
  }
  if (overrides.chart_release) {
    words.push_back(
        absl::StrCat("--chart_release=", ShellWord(selection.chart_release)));
  }
  if (overrides.bootstrap) {
    words.push_back(
        absl::StrCat("--bootstrap=", BootstrapFlagValue(selection.bootstrap)));
  }
  if (options.out_dir) {
    words.push_back(absl::StrCat("--out_dir=", ShellWord(*options.out_dir)));
  }
  return absl::StrJoin(words, " ");
}

absl::StatusOr<CompilationSet> PrepareCompilations(
    const CompileOptions& options) {
  const fs::path root(options.workspace_root);
  CompilationSet set;
  IssueList& issues = set.issues;
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
  if (issues.has_errors()) return set;

  // Which bundles.
  std::vector<std::string> bundle_arguments;
  if (!options.bundle.empty()) {
    bundle_arguments.push_back(options.bundle);
  } else if (ad_hoc || !options.profile.empty()) {
    bundle_arguments.push_back(kDefaultBundle);
  } else {
    bundle_arguments = ListBundles(options.workspace_root);
    if (bundle_arguments.empty()) {
      return absl::NotFoundError(
          absl::StrCat(kPoliciesFolder, ": no bundles found under ",
                       (root / kPoliciesFolder).string(),
                       "; run from the workspace or pass --bundle=PATH"));
    }
  }

  // Load and validate each bundle, then list the jobs.
  std::vector<Job> jobs;
  std::map<const LoadedBundle*, ResourceCatalog> catalogs;
  for (const std::string& argument : bundle_arguments) {
    const fs::path directory =
        BundleDirectory(options.workspace_root, argument);
    absl::StatusOr<LoadedBundle> loaded =
        LoadBundle(directory.string(), DisplayPath(directory, root), &issues);
    if (!loaded.ok()) {
      return absl::Status(
          loaded.status().code(),
          absl::StrCat("--bundle=", argument, ": ", loaded.status().message()));
    }
    // The texts move to the set, which renders the issues (20 MB at 100,000
    // rules: not copied); the bundle keeps none.
    set.file_texts.merge(loaded->file_texts);
    auto bundle = std::make_shared<const LoadedBundle>(*std::move(loaded));
    absl::StatusOr<ResourceCatalog> catalog =
        CatalogForBundle(*bundle, &issues);
    if (!catalog.ok()) return catalog.status();
    ValidateBundle(*bundle, *catalog, &issues);
    catalogs.emplace(bundle.get(), *std::move(catalog));
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
  if (issues.has_errors()) return set;
  if (options.out_dir && *options.out_dir == kStdoutOutDir &&
      jobs.size() != 1) {
    issues.AddError({"--out_dir=-"},
                    absl::StrCat("prints one rbac.yaml, but ", jobs.size(),
                                 " compilations were selected"));
    return set;
  }

  // Compile, lint and emit every job in memory.
  ReportedFindings reported_findings;
  for (const Job& job : jobs) {
    const LoadedBundle& bundle = *job.bundle;
    const std::vector<Selection> selections =
        ResolveSelections(bundle, job.profile, options.overrides, &issues);
    if (issues.has_errors()) continue;
    std::vector<Compilation> compiled;
    for (const Selection& selection : selections) {
      Compilation compilation;
      compilation.bundle = job.bundle;
      compilation.policy =
          CompilePolicy(bundle, selection,
                        RegenerateCommand(job.bundle_argument, job.profile,
                                          selection, options),
                        &issues);
      // Compiling freed the declared rules and the compaction's working data;
      // their pages go back to the system rather than add to the peak while
      // lint and emit allocate (about 5 MB at 100,000 rules).
      malloc_trim(0);
      if (issues.has_errors()) break;
      compilation.lint =
          LintPolicy(bundle, compilation.policy, catalogs.at(&bundle));
      ReportLint(compilation.lint, options.lint, &reported_findings, &issues);
      compiled.push_back(std::move(compilation));
    }
    if (issues.has_errors()) continue;
    // A selection with contexts writes a folder per context, and config.yaml
    // naming them all in the folder above.
    const bool per_context = !selections.front().context.empty();
    if (per_context) {
      Compilation root;
      root.bundle = job.bundle;
      root.policy = compiled.front().policy;
      std::vector<CompiledPolicy> policies;
      for (const Compilation& compilation : compiled) {
        policies.push_back(compilation.policy);
        root.context_folders.push_back(
            compilation.policy.selection.context_folder);
      }
      root.contexts_app_config = CollectText([&](TextOutput& out) {
        EmitContextsAppConfig(policies, bundle.proto.application(), out);
      });
      compiled.insert(compiled.begin(), std::move(root));
    }

    std::string out_dir;
    std::string shown_as;
    if (options.out_dir) {
      out_dir = *options.out_dir;
      shown_as = absl::StrCat("--out_dir=", out_dir);
    } else {
      out_dir = DefaultOutDir(bundle, job.profile);
      shown_as =
          !job.profile.empty() &&
                  !bundle.profiles.at(job.profile).proto.out_dir().empty()
              ? bundle.profiles.at(job.profile)
                    .source.Locate("out_dir")
                    .ToString()
              : out_dir;
    }
    if (out_dir == kStdoutOutDir) {
      if (per_context) {
        issues.AddError(
            {shown_as},
            absl::StrCat("prints one rbac.yaml, but this selection "
                         "writes one folder for each of its ",
                         selections.size(), " contexts; name a folder"));
        continue;
      }
      set.compilations.push_back(std::move(compiled.front()));
      continue;
    }
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
    bool usable = true;
    for (Compilation& compilation : compiled) {
      const std::string& context_folder =
          compilation.policy.selection.context_folder;
      const fs::path folder =
          compilation.context_folders.empty() && !context_folder.empty()
              ? directory / context_folder
              : directory;
      const absl::Status status = CheckOutputDirectory(folder.string());
      if (!status.ok()) {
        issues.AddError({shown_as}, std::string(status.message()));
        usable = false;
        break;
      }
      compilation.directory = folder.string();
      compilation.shown_directory = DisplayPath(folder, root);
    }
    if (!usable) continue;
    for (Compilation& compilation : compiled) {
      set.compilations.push_back(std::move(compilation));
    }
  }
  return set;
}

namespace {

// Reports the issues of `set`, then checks or writes its outputs; returns the
// exit code (see RunCompile).
int ReportAndWrite(const CompilationSet* set, const CompileOptions& options,
                   std::ostream& out, std::ostream& err) {
  err << set->issues.Render(set->file_texts);
  if (set->issues.has_errors()) return kExitError;

  if (options.check) return CheckResults(set->compilations, out, err);

  for (const Compilation& compilation : set->compilations) {
    const Selection& selection = compilation.policy.selection;
    const std::vector<OutputFile> files = compilation.Files();
    if (compilation.directory.empty()) {
      for (const OutputFile& file : files) {
        if (file.name != kRbacFile) continue;
        TextOutput text([&out](absl::string_view piece) { out << piece; });
        file.write(text);
        text.Finish();
      }
    } else {
      FileOperations real_operations;
      const absl::Status status = WriteOutputFiles(
          compilation.directory, files,
          options.file_operations != nullptr ? *options.file_operations
                                             : real_operations);
      if (!status.ok()) {
        err << "error: " << status.message() << "\n";
        return kExitError;
      }
      err << "wrote " << compilation.shown_directory << "/ (" << files.size()
          << (files.size() == 1 ? " file" : " files") << "): bundle "
          << compilation.policy.bundle_name << ", features "
          << absl::StrJoin(selection.features, ", ") << "\n";
    }
    for (const auto& [feature, by] : selection.required_by) {
      err << "  added feature " << feature << ": required by " << by << "\n";
    }
  }
  return kExitOk;
}

}  // namespace

int RunCompile(const CompileOptions& options, std::ostream& out,
               std::ostream& err) {
  absl::StatusOr<CompilationSet> prepared = PrepareCompilations(options);
  if (!prepared.ok()) {
    err << prepared.status().message() << "\n";
    return kExitError;
  }
  auto set = std::make_unique<CompilationSet>(*std::move(prepared));
  const int exit_code = ReportAndWrite(set.get(), options, out, err);
  if (options.keep_until_exit) KeptUntilExit().push_back(std::move(set));
  return exit_code;
}

}  // namespace rbacc
