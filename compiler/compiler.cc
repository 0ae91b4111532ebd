#include "compiler/compiler.h"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "compiler/catalog/catalog.h"
#include "compiler/common/issue.h"
#include "compiler/common/parallel.h"
#include "compiler/common/shell_word.h"
#include "compiler/common/source_location.h"
#include "compiler/emit/emitters.h"
#include "compiler/emit/output_writer.h"
#include "compiler/emit/text_output.h"
#include "compiler/lint/lint.h"
#include "compiler/load/bundle_loader.h"
#include "compiler/merge/compile.h"
#include "compiler/resolve/selection.h"
#include "compiler/review/policy_input.h"
#include "compiler/validate/bootstrap.h"
#include "compiler/validate/bundle_validator.h"
#include "compiler/validate/catalog_checks.h"

namespace rbacc {
namespace {

namespace fs = std::filesystem;

constexpr char kOutputsFolder[] = "outputs";
constexpr char kCustomOutputName[] = "custom";
constexpr char kStdoutOutDir[] = "-";

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

// The weakly canonical form of paths (fs::weakly_canonical), each worked out
// once per run: a run of a thousand profiles asks about the same folders again
// and again.
class CanonicalPaths {
 public:
  // The weakly canonical form of `path` (empty when it cannot be worked out).
  const fs::path& Of(const fs::path& path) {
    const auto [found, inserted] = paths_.try_emplace(path.string());
    if (inserted) {
      std::error_code error;
      found->second = fs::weakly_canonical(path, error);
    }
    return found->second;
  }

  // True when `inner` is `outer` or lies inside it.
  bool IsInside(const fs::path& inner, const fs::path& outer) {
    const fs::path relative = Of(inner).lexically_relative(Of(outer));
    return !relative.empty() && *relative.begin() != "..";
  }

 private:
  std::map<std::string, fs::path> paths_;
};

// One compilation to run: a bundle and a profile (or an ad-hoc selection).
struct Job {
  const ValidatedBundle* bundle;
  std::string profile;
  // What the run's compilations of the bundle share, or null.
  SharedWork* shared_work;
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

// Adds the lint findings of one compilation to `issues` as `mode` says, each
// place and check once per run (`reported` remembers them).
void ReportLint(const LintResult& lint, LintMode mode,
                ReportedFindings* reported, IssueList* issues) {
  if (mode == LintMode::kOff) return;
  for (const LintFinding& finding : lint.findings) {
    if (finding.acknowledged || !reported->Insert(finding)) continue;
    const std::string message = LintMessage(finding);
    if (mode == LintMode::kError || finding.check->error_when_open) {
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

// Adds every rule `feature` declares to `declared`, by its place.
void AddDeclaredRules(const LoadedFeature& feature,
                      std::map<SourceLocation, PolicyRule>* declared) {
  const auto add =
      [&](const google::protobuf::RepeatedPtrField<v1::Rule>& rules,
          const std::string& path) {
        for (int i = 0; i < rules.size(); ++i) {
          (*declared)[feature.source.Locate(absl::StrCat(path, "[", i, "]"))] =
              ToPolicyRule(rules[i]);
        }
      };
  const v1::Feature& proto = feature.proto;
  add(proto.cluster_rules(), "cluster_rules");
  add(proto.namespace_rules(), "namespace_rules");
  for (int i = 0; i < proto.fixed_namespace_rules_size(); ++i) {
    add(proto.fixed_namespace_rules(i).rules(),
        absl::StrCat("fixed_namespace_rules[", i, "].rules"));
  }
}

// Adds an error for flags that change one compilation when every profile
// would be compiled.
void CheckRequest(const CompileRequest& request, IssueList* issues) {
  const bool ad_hoc = request.overrides.features.has_value();
  const std::string parameter_flag = FirstParameterOverride(request.overrides);
  if (!ad_hoc && request.profile.empty() && !parameter_flag.empty()) {
    issues->AddError(
        {parameter_flag},
        "this flag changes one compilation, but every profile would be "
        "written; add --profile=NAME or --features=... to say which");
  }
  if (!ad_hoc && request.profile.empty() && request.out_dir) {
    issues->AddError(
        {"--out_dir"},
        "--out_dir names one folder, but every profile would be written; "
        "add --profile=NAME or --features=...");
  }
}

// The bundles `request` names; NotFoundError when it names none and there
// are none under policies/.
absl::StatusOr<std::vector<std::string>> BundleArguments(
    const CompileRequest& request) {
  if (!request.bundle.empty()) return std::vector<std::string>{request.bundle};
  if (request.overrides.features || !request.profile.empty()) {
    return std::vector<std::string>{kDefaultBundle};
  }
  std::vector<std::string> arguments = ListBundles(request.workspace_root);
  if (arguments.empty()) {
    return absl::NotFoundError(absl::StrCat(
        kPoliciesFolder, ": no bundles found under ",
        (fs::path(request.workspace_root) / kPoliciesFolder).string(),
        "; run from the workspace or pass --bundle=PATH"));
  }
  return arguments;
}

// The compilations of `job`: one per selection its profile resolves to, and
// for a selection with contexts first the folder above the context folders
// (its config.yaml names them all). Their lint findings are not reported yet
// (ReportJobLint). Empty after an issue. Safe to call for several jobs at once.
std::vector<Compilation> CompileJob(const Job& job,
                                    const CompileRequest& request,
                                    IssueList* issues) {
  const LoadedBundle& bundle = *job.bundle->bundle;
  const std::vector<Selection> selections =
      ResolveSelections(bundle, job.profile, request.overrides, issues);
  if (issues->has_errors()) return {};
  std::vector<Compilation> compiled;
  for (const Selection& selection : selections) {
    CompilationOptions options;
    options.regenerate_command =
        RegenerateCommand(job.bundle->argument, job.profile, selection,
                          request.overrides, request.out_dir);
    options.after_merge = request.after_merge;
    options.shared_work = job.shared_work;
    Compilation compilation = Compile(*job.bundle, selection, options, issues);
    if (issues->has_errors()) return {};
    compiled.push_back(std::move(compilation));
  }
  if (issues->has_errors() || selections.front().context.empty()) {
    return compiled;
  }
  Compilation root;
  root.bundle = job.bundle->bundle;
  root.policy = compiled.front().policy;
  std::vector<CompiledPolicy> policies;
  for (const Compilation& compilation : compiled) {
    policies.push_back(compilation.policy);
    root.context_folders.push_back(compilation.policy.selection.context_folder);
  }
  root.contexts_app_config = CollectText([&](TextOutput& out) {
    EmitContextsAppConfig(policies, bundle.proto.application(), out);
  });
  compiled.insert(compiled.begin(), std::move(root));
  return compiled;
}

// Sets the output folder of each of `compiled` (the compilations of `job`)
// and moves them to `set`; adds an issue instead when the folder cannot be
// used or another compilation of the run writes it too. `written_by` holds
// each output folder of the run so far, by its canonical path (from
// `canonical`), with the profile (and context) that writes it.
void PlaceOutputs(const Job& job, const CompileRequest& request,
                  std::vector<Compilation> compiled,
                  std::map<std::string, std::string>* written_by,
                  CanonicalPaths* canonical, CompilationSet* set) {
  const LoadedBundle& bundle = *job.bundle->bundle;
  const fs::path root(request.workspace_root);
  IssueList& issues = set->issues;
  const bool per_context = !compiled.front().context_folders.empty();
  std::string out_dir;
  std::string shown_as;
  if (request.out_dir) {
    out_dir = *request.out_dir;
    shown_as = absl::StrCat("--out_dir=", out_dir);
  } else {
    out_dir = DefaultOutDir(bundle, job.profile);
    shown_as = !job.profile.empty() &&
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
          absl::StrCat("prints one rbac.yaml, but this selection writes one "
                       "folder for each of its ",
                       compiled.size() - 1, " contexts; name a folder"));
      return;
    }
    set->compilations.push_back(std::move(compiled.front()));
    return;
  }
  const fs::path directory =
      fs::path(out_dir).is_absolute() ? fs::path(out_dir) : root / out_dir;
  if (out_dir.empty()) {
    issues.AddError({shown_as}, "output folder is empty; name a folder");
    return;
  }
  if (canonical->IsInside(directory, root / kPoliciesFolder) ||
      canonical->IsInside(directory, bundle.directory)) {
    issues.AddError({shown_as},
                    "output folder is inside the policies; choose a folder "
                    "outside policies/ (e.g. outputs/...)");
    return;
  }
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
      return;
    }
    compilation.directory = folder.string();
    compilation.shown_directory = DisplayPath(folder, root);
    const std::string writer = absl::StrCat(
        compilation.policy.bundle_name, ":",
        job.profile.empty() ? "features" : job.profile,
        context_folder.empty() || !compilation.context_folders.empty()
            ? ""
            : absl::StrCat("@", context_folder));
    const auto [other, first] =
        written_by->emplace(canonical->Of(folder).string(), writer);
    if (!first) {
      issues.AddError({shown_as},
                      absl::StrCat(other->second, " and ", writer,
                                   " both write ", compilation.shown_directory,
                                   "; give each profile its own out_dir"));
      return;
    }
  }
  for (Compilation& compilation : compiled) {
    set->compilations.push_back(std::move(compilation));
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

std::string LintMessage(const LintFinding& finding) {
  return absl::StrCat("[", finding.check->id, "] ", finding.message,
                      "; narrower: ", finding.suggestion);
}

std::string RegenerateCommand(const std::string& bundle_argument,
                              const std::string& profile,
                              const Selection& selection,
                              const SelectionOverrides& overrides,
                              const std::optional<std::string>& out_dir) {
  std::vector<std::string> words = {
      "bazel run //compiler --",
      absl::StrCat("--bundle=", ShellWord(bundle_argument))};
  if (!profile.empty())
    words.push_back(absl::StrCat("--profile=", ShellWord(profile)));
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
  if (out_dir) {
    words.push_back(absl::StrCat("--out_dir=", ShellWord(*out_dir)));
  }
  return absl::StrJoin(words, " ");
}

absl::StatusOr<ValidatedBundle> LoadValidatedBundle(
    const std::string& workspace_root, const std::string& argument,
    IssueList* issues, std::map<std::string, std::string>* file_texts) {
  const fs::path directory = BundleDirectory(workspace_root, argument);
  absl::StatusOr<LoadedBundle> loaded = LoadBundle(
      directory.string(), DisplayPath(directory, workspace_root), issues);
  if (!loaded.ok()) {
    return absl::Status(
        loaded.status().code(),
        absl::StrCat("--bundle=", argument, ": ", loaded.status().message()));
  }
  // The texts move out, for rendering the issues (20 MB at 100,000 rules: not
  // copied); the bundle keeps none.
  file_texts->merge(loaded->file_texts);
  loaded->file_texts.clear();
  ValidatedBundle validated;
  validated.argument = argument;
  validated.bundle = std::make_shared<const LoadedBundle>(*std::move(loaded));
  absl::StatusOr<ResourceCatalog> catalog =
      CatalogForBundle(*validated.bundle, issues);
  if (!catalog.ok()) return catalog.status();
  ValidateBundle(*validated.bundle, *catalog, issues);
  validated.catalog =
      std::make_shared<const ResourceCatalog>(*std::move(catalog));
  return validated;
}

Compilation Compile(const ValidatedBundle& bundle, const Selection& selection,
                    const CompilationOptions& options, IssueList* issues) {
  Compilation compilation;
  compilation.bundle = bundle.bundle;
  SharedWork* shared = options.shared_work;
  compilation.policy =
      CompilePolicy(*bundle.bundle, selection, options.regenerate_command,
                    shared != nullptr ? &shared->role_rules : nullptr, issues);
  if (options.after_merge) options.after_merge();
  if (issues->has_errors() || !options.lint) return compilation;
  compilation.lint =
      LintPolicy(*bundle.bundle, compilation.policy, *bundle.catalog,
                 shared != nullptr ? &shared->declared_lint : nullptr);
  return compilation;
}

absl::StatusOr<CompilationSet> PlanCompilations(const CompileRequest& request) {
  CompilationSet set;
  CheckRequest(request, &set.issues);
  if (set.issues.has_errors()) return set;
  absl::StatusOr<std::vector<std::string>> arguments = BundleArguments(request);
  if (!arguments.ok()) return arguments.status();

  // Load and validate each bundle once, then list the jobs.
  const bool one_selection =
      request.overrides.features || !request.profile.empty();
  std::vector<std::unique_ptr<ValidatedBundle>> bundles;
  std::vector<std::unique_ptr<SharedWork>> shared_work;
  std::vector<Job> jobs;
  for (const std::string& argument : *arguments) {
    absl::StatusOr<ValidatedBundle> bundle = LoadValidatedBundle(
        request.workspace_root, argument, &set.issues, &set.file_texts);
    if (!bundle.ok()) return bundle.status();
    bundles.push_back(std::make_unique<ValidatedBundle>(*std::move(bundle)));
    const ValidatedBundle* validated = bundles.back().get();
    if (one_selection) {
      jobs.push_back({validated, request.profile, nullptr});
      continue;
    }
    // One profile compiles alone: its compacted rules are moved, not copied.
    shared_work.push_back(validated->bundle->profiles.size() > 1
                              ? std::make_unique<SharedWork>()
                              : nullptr);
    for (const auto& [name, profile] : validated->bundle->profiles) {
      jobs.push_back({validated, name, shared_work.back().get()});
    }
    if (validated->bundle->profiles.empty()) {
      set.issues.AddError(
          {validated->bundle->display_directory},
          "bundle has no profiles to compile; add one under profiles/ "
          "or pass --features=...");
    }
  }
  if (set.issues.has_errors()) return set;
  if (request.out_dir && *request.out_dir == kStdoutOutDir &&
      jobs.size() != 1) {
    set.issues.AddError({"--out_dir=-"},
                        absl::StrCat("prints one rbac.yaml, but ", jobs.size(),
                                     " compilations were selected"));
    return set;
  }

  // The profiles compile on every core, each with its own issues; their
  // issues and lint findings are then reported, and their outputs placed, in
  // job order, so that the run's messages and folders do not depend on which
  // finished first.
  std::vector<std::vector<Compilation>> compiled(jobs.size());
  std::vector<IssueList> job_issues(jobs.size());
  ParallelFor(jobs.size(), [&](size_t i) {
    compiled[i] = CompileJob(jobs[i], request, &job_issues[i]);
  });
  ReportedFindings reported_findings;
  std::map<std::string, std::string> written_by;
  CanonicalPaths canonical_paths;
  for (size_t i = 0; i < jobs.size(); ++i) {
    set.issues.Append(std::move(job_issues[i]));
    if (compiled[i].empty()) continue;
    for (const Compilation& compilation : compiled[i]) {
      ReportLint(compilation.lint, request.lint, &reported_findings,
                 &set.issues);
    }
    if (set.issues.has_errors()) continue;
    PlaceOutputs(jobs[i], request, std::move(compiled[i]), &written_by,
                 &canonical_paths, &set);
  }
  return set;
}

PolicyInput CompileForReview(const ValidatedBundle& bundle,
                             const PolicySpec& spec, IssueList* issues) {
  PolicyInput input;
  input.label = spec.label.empty()
                    ? absl::StrCat(spec.bundle, ":", spec.profile)
                    : spec.label;
  SelectionOverrides overrides = spec.overrides;
  if (overrides.features && overrides.features->value.empty()) {
    overrides.features->value.assign(bundle.bundle->proto.features().begin(),
                                     bundle.bundle->proto.features().end());
  }
  const Selection selection =
      ResolveSelection(*bundle.bundle, spec.profile, overrides, issues);
  if (issues->has_errors()) return input;
  CompilationOptions options;
  options.lint = false;
  Compilation compilation = Compile(bundle, selection, options, issues);
  if (issues->has_errors()) return input;
  input.objects = compilation.policy.objects;
  input.compiled = std::move(compilation.policy);
  for (const std::string& feature : selection.features) {
    AddDeclaredRules(bundle.bundle->features.at(feature),
                     &input.declared_rules);
  }
  return input;
}

absl::StatusOr<PolicyInput> LoadPolicyInput(
    const PolicySpec& spec, const std::string& workspace_root,
    IssueList* issues, std::map<std::string, std::string>* file_texts) {
  if (!spec.yaml_path.empty()) {
    absl::StatusOr<PolicyInput> input = ReadPolicyYaml(spec, workspace_root);
    if (input.ok()) {
      WarnAboutNoRbacObjects(input->objects, input->label, issues);
      WarnAboutUnboundRoles(input->objects, input->label, issues);
    }
    return input;
  }
  absl::StatusOr<ValidatedBundle> bundle =
      LoadValidatedBundle(workspace_root, spec.bundle, issues, file_texts);
  if (!bundle.ok()) return bundle.status();
  if (issues->has_errors()) {
    PolicyInput input;
    input.label = spec.label.empty()
                      ? absl::StrCat(spec.bundle, ":", spec.profile)
                      : spec.label;
    return input;
  }
  return CompileForReview(*bundle, spec, issues);
}

}  // namespace rbacc
