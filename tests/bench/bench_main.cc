// The performance benchmark of DESIGN.md §8. For the SkyPilot bundle's `full`
// profile (written into a new folder, rerun into the folder it wrote, and
// printed to standard output) and for synthetic bundles of 1k to 1M rules it
// prints: the wall time of each stage run in this process (load+validate,
// resolve+lint, merge, emit, write; best of --repetitions; stages spread their
// work over the cores), the wall time, CPU time (user + system) and peak RSS of
// the compiler binary run as a child process, the same for `kubectl kustomize`
// on an equivalent kustomize layout, and their ratios; then the exponents of
// power laws fitted to the compiler's CPU and wall time from 10k rules up. Wall
// times include waiting for the disk (the compiler fsyncs its outputs).
//
//   bazel run -c opt //tests/bench
// Then the fleet rows (tests/bench/fleet.h): 1,000 and 10,000 tenant profiles
// regenerated with nothing changed, checked, and regenerated after a feature
// edit, against one kubectl kustomize render of a tenant. Then the cluster-dump
// row (tests/bench/cluster_dump.h): `rbacc diff full` on a generated dump of
// 10,000 RBAC objects.
//
//   bazel run -c opt //tests/bench -- --cases=skypilot,1k,10k,fleet-1k
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "compiler/common/issue.h"
#include "compiler/common/parallel.h"
#include "compiler/compiler.h"
#include "compiler/emit/emitters.h"
#include "compiler/emit/output_writer.h"
#include "compiler/load/bundle_loader.h"
#include "compiler/resolve/selection.h"
#include "tests/bench/cluster_dump.h"
#include "tests/bench/fleet.h"
#include "tests/bench/process.h"
#include "tests/bench/synthetic_bundle.h"

ABSL_FLAG(std::string, cases,
          "skypilot,skypilot-rerun,skypilot-stdout,1k,10k,100k,1m,fleet-1k,"
          "fleet-10k,dump-10k",
          "Comma-separated cases: skypilot (its full profile into a new "
          "folder each run), skypilot-rerun (into the folder it wrote: files "
          "already in place are left), skypilot-stdout (rbac.yaml printed, as "
          "kubectl kustomize prints), and synthetic sizes 1k, 10k, 100k, 1m "
          "(each into a new folder); fleet-1k and fleet-10k (that many "
          "tenant profiles, in a table of their own); dump-1k and dump-10k "
          "(rbacc diff full on a generated cluster dump of that many objects, "
          "in a table of their own).");
ABSL_FLAG(int, repetitions, 5,
          "Runs per measurement for cases up to 10k rules (the best counts); "
          "larger cases run 3 times, 1m once; kubectl kustomize runs at most 3 "
          "times, once from 10k rules up.");
ABSL_FLAG(double, kustomize_timeout, 120,
          "Seconds after which a kubectl kustomize run is stopped and shown as "
          "more than that.");
ABSL_FLAG(std::string, work_dir, "",
          "Folder for generated bundles and outputs. Default: a fresh folder "
          "under $TMPDIR (or /tmp), removed at the end.");

namespace {

namespace fs = std::filesystem;

// Where the compiler writes in a case's runs.
enum class Output {
  // A new output folder for every run: every file is written and flushed.
  kNewFolder,
  // The same folder for every run: after the first, the files already hold
  // their text and are left as they are (a rerun with nothing changed).
  kSameFolder,
  // rbac.yaml to standard output (--out_dir=-), as kubectl kustomize prints
  // its manifest.
  kStandardOutput,
};

// One row of the table.
struct Case {
  std::string name;
  // 0 for the SkyPilot bundle.
  int features = 0;
  int rules_per_feature = 0;
  Output output = Output::kNewFolder;
};

std::optional<Case> ParseCase(const std::string& name) {
  if (name == "skypilot") return Case{name, 0, 0, Output::kNewFolder};
  if (name == "skypilot-rerun") return Case{name, 0, 0, Output::kSameFolder};
  if (name == "skypilot-stdout") {
    return Case{name, 0, 0, Output::kStandardOutput};
  }
  if (name == "1k") return Case{name, 10, 100};
  if (name == "10k") return Case{name, 100, 100};
  if (name == "100k") return Case{name, 1000, 100};
  // 10,000 features of 100 rules: every file stays far below the loader's
  // 4 MiB limit.
  if (name == "1m") return Case{name, 10000, 100};
  return std::nullopt;
}

// Seconds per stage in this process, and the best of each.
struct StageTimes {
  // Loading the bundle, building its catalogue and validating it.
  double load = 0;
  // Resolving the profile to a selection, and linting the merged roles.
  double resolve_lint = 0;
  double merge = 0;
  double emit = 0;
  double write = 0;
  double Total() const { return load + resolve_lint + merge + emit + write; }
};

// Monotonic time, in seconds: the stages run on several threads, so the time
// they take is wall time, not this thread's CPU time.
double Now() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<double>(now.tv_sec) +
         static_cast<double>(now.tv_nsec) / 1e9;
}

double Since(double start) { return Now() - start; }

// Runs the stages through the compiler library (compiler/compiler.h) as
// `compile` does for one profile, timing each.
absl::StatusOr<StageTimes> TimeStages(const std::string& bundle_directory,
                                      const std::string& profile,
                                      const std::string& out_dir) {
  StageTimes times;
  rbacc::IssueList issues;
  std::map<std::string, std::string> file_texts;
  double start = Now();
  absl::StatusOr<rbacc::ValidatedBundle> bundle = rbacc::LoadValidatedBundle(
      /*workspace_root=*/"", bundle_directory, &issues, &file_texts);
  if (!bundle.ok()) return bundle.status();
  times.load = Since(start);
  if (issues.has_errors()) {
    return absl::InvalidArgumentError(issues.Render(file_texts));
  }

  start = Now();
  const rbacc::Selection selection =
      rbacc::ResolveSelection(*bundle->bundle, profile, {}, &issues);
  times.resolve_lint = Since(start);
  if (issues.has_errors()) {
    return absl::InvalidArgumentError(issues.Render(file_texts));
  }

  // Compile merges, then lints; the hook between the two splits the time.
  rbacc::CompilationOptions options;
  options.regenerate_command = "bazel run -c opt //tests/bench";
  double merged = 0;
  options.after_merge = [&merged] { merged = Now(); };
  start = Now();
  const rbacc::Compilation compilation =
      rbacc::Compile(*bundle, selection, options, &issues);
  times.merge = merged - start;
  times.resolve_lint += Since(merged);
  if (issues.has_errors()) {
    return absl::InvalidArgumentError(issues.Render(file_texts));
  }

  // The files make their text as they are written; made here first, so that
  // emit and write are timed apart.
  start = Now();
  std::vector<rbacc::OutputFile> files;
  for (const rbacc::OutputFile& file : compilation.Files()) {
    files.push_back(
        rbacc::OutputFile::FromText(file.name, rbacc::OutputText(file)));
  }
  times.emit = Since(start);

  start = Now();
  const absl::Status written = rbacc::WriteOutputFiles(out_dir, files);
  times.write = Since(start);
  if (!written.ok()) return written;
  return times;
}

// The best (smallest) of each stage over `repetitions` runs.
absl::StatusOr<StageTimes> BestStages(const std::string& bundle_directory,
                                      const std::string& profile,
                                      const std::string& out_dir,
                                      int repetitions) {
  std::optional<StageTimes> best;
  for (int i = 0; i < repetitions; ++i) {
    absl::StatusOr<StageTimes> times =
        TimeStages(bundle_directory, profile, out_dir);
    if (!times.ok()) return times.status();
    if (!best) {
      best = *times;
      continue;
    }
    best->load = std::min(best->load, times->load);
    best->resolve_lint = std::min(best->resolve_lint, times->resolve_lint);
    best->merge = std::min(best->merge, times->merge);
    best->emit = std::min(best->emit, times->emit);
    best->write = std::min(best->write, times->write);
  }
  return *best;
}

// The fastest of `repetitions` runs of `argv`, with the least CPU time and the
// largest peak RSS of them all. `removed_before_each` (when not empty) is
// removed before every run.
absl::StatusOr<rbacc::bench::ProcessRun> BestRun(
    const std::vector<std::string>& argv,
    const std::vector<std::string>& environment, const std::string& stdout_path,
    int repetitions, double timeout_seconds,
    const std::string& removed_before_each = "") {
  std::optional<rbacc::bench::ProcessRun> best;
  for (int i = 0; i < repetitions; ++i) {
    if (!removed_before_each.empty()) fs::remove_all(removed_before_each);
    absl::StatusOr<rbacc::bench::ProcessRun> run =
        rbacc::bench::RunProcess(argv, environment, stdout_path,
                                 stdout_path + ".stderr", timeout_seconds);
    if (!run.ok()) return run.status();
    if (run->timed_out) return *run;
    if (run->exit_code != 0) {
      return absl::InternalError(absl::StrCat(argv[0], " exited with ",
                                              run->exit_code, "; see ",
                                              stdout_path, ".stderr"));
    }
    if (!best) {
      best = *run;
    } else {
      const long rss = std::max(best->peak_rss_bytes, run->peak_rss_bytes);
      const double cpu = std::min(best->cpu_seconds, run->cpu_seconds);
      if (run->wall_seconds < best->wall_seconds) best = *run;
      best->peak_rss_bytes = rss;
      best->cpu_seconds = cpu;
    }
  }
  return *best;
}

std::string Milliseconds(double seconds) {
  return seconds >= 10 ? absl::StrFormat("%.0f", seconds * 1000)
                       : absl::StrFormat("%.1f", seconds * 1000);
}

std::string Mebibytes(long bytes) {
  return absl::StrFormat("%.1f", static_cast<double>(bytes) / (1 << 20));
}

// The folder holding this binary's runfiles (policies/, outputs/, compiler/).
std::string RunfilesRoot(const char* argv0) {
  for (const char* variable : {"TEST_SRCDIR", "RUNFILES_DIR"}) {
    if (const char* value = std::getenv(variable)) {
      return absl::StrCat(value, "/rbacc");
    }
  }
  const std::string beside = absl::StrCat(argv0, ".runfiles/rbacc");
  if (fs::is_directory(beside)) return beside;
  return fs::current_path().string();
}

// Least-squares slope of log(y) over log(x).
double FittedExponent(const std::vector<double>& x,
                      const std::vector<double>& y) {
  double mean_x = 0, mean_y = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    mean_x += std::log(x[i]) / x.size();
    mean_y += std::log(y[i]) / y.size();
  }
  double covariance = 0, variance = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    covariance += (std::log(x[i]) - mean_x) * (std::log(y[i]) - mean_y);
    variance += (std::log(x[i]) - mean_x) * (std::log(x[i]) - mean_x);
  }
  return covariance / variance;
}

int Fail(const std::string& what, const absl::Status& status) {
  std::cerr << "bench: " << what << ": " << status.message() << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  std::vector<Case> cases;
  std::vector<int> fleet_sizes;
  std::vector<int> dump_sizes;
  const std::vector<std::string> names =
      absl::StrSplit(absl::GetFlag(FLAGS_cases), ',', absl::SkipEmpty());
  for (const std::string& name : names) {
    if (const std::optional<int> fleet = rbacc::bench::ParseFleetCase(name)) {
      fleet_sizes.push_back(*fleet);
      continue;
    }
    if (const std::optional<int> dump = rbacc::bench::ParseDumpCase(name)) {
      dump_sizes.push_back(*dump);
      continue;
    }
    const std::optional<Case> parsed = ParseCase(name);
    if (!parsed) {
      std::cerr << "bench: unknown case \"" << name
                << "\"; cases: skypilot, skypilot-rerun, skypilot-stdout, 1k, "
                   "10k, 100k, 1m, fleet-1k, fleet-10k, dump-1k, dump-10k\n";
      return 2;
    }
    cases.push_back(*parsed);
  }

  const std::string runfiles = RunfilesRoot(argv[0]);
  const std::string compiler = absl::StrCat(runfiles, "/compiler/compiler");
  const std::string generator = absl::StrCat(runfiles, "/tests/bench/generate");
  const std::string kubectl = rbacc::bench::FindInPath("kubectl");
  std::string work_dir = absl::GetFlag(FLAGS_work_dir);
  const bool own_work_dir = work_dir.empty();
  if (own_work_dir) {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern =
        absl::StrCat(tmp != nullptr ? tmp : "/tmp", "/rbacc-bench-XXXXXX");
    if (mkdtemp(pattern.data()) == nullptr) {
      std::cerr << "bench: cannot create a folder like " << pattern << "\n";
      return 1;
    }
    work_dir = pattern;
  }
  // The compiler reads policies from the runfiles, not from the workspace
  // `bazel run` was started in.
  std::vector<std::string> compiler_environment =
      rbacc::bench::CurrentEnvironment({"BUILD_WORKSPACE_DIRECTORY"});
  compiler_environment.push_back(
      absl::StrCat("BUILD_WORKSPACE_DIRECTORY=", runfiles));
  const std::vector<std::string> environment =
      rbacc::bench::CurrentEnvironment();
  const double kustomize_timeout = absl::GetFlag(FLAGS_kustomize_timeout);

  std::cout << "rbacc benchmark: " << sysconf(_SC_NPROCESSORS_ONLN)
            << " cores (the compiler works on " << rbacc::WorkerCount()
            << " threads); stage wall times in this process (best of N), "
               "compiler and kubectl kustomize as child processes (wall and "
               "user+sys CPU time, each the least of N; peak RSS from "
               "wait4)\n";
  if (kubectl.empty()) {
    std::cout << "kubectl not found: skipped (the kustomize columns stay "
                 "empty)\n";
  }
  std::cout << "\n| case | rules | features | load+validate ms | resolve+lint "
               "ms | merge ms "
               "| emit ms | write ms | rbacc wall ms | rbacc CPU ms | rbacc "
               "peak RSS MiB | kustomize wall ms | kustomize CPU ms | "
               "kustomize peak RSS MiB | kustomize / rbacc wall | kustomize / "
               "rbacc CPU |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | "
               "---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
            << std::endl;

  std::vector<double> fit_rules;
  std::vector<double> fit_cpu_seconds;
  std::vector<double> fit_wall_seconds;
  for (const Case& c : cases) {
    const fs::path case_dir = fs::path(work_dir) / c.name;
    fs::remove_all(case_dir);
    fs::create_directories(case_dir);
    std::string bundle_directory;
    std::string profile;
    std::string kustomize_directory;
    std::vector<std::string> compiler_argv = {compiler};
    int rules = 0;
    int features = c.features;
    // The SkyPilot bundle is read from the runfiles; a synthetic one from the
    // case's own workspace.
    std::vector<std::string> case_environment = compiler_environment;
    int repetitions = absl::GetFlag(FLAGS_repetitions);
    if (c.features == 0) {
      bundle_directory = absl::StrCat(runfiles, "/policies/skypilot");
      profile = "full";
      // The compiler's own output folder: its kustomization.yaml names
      // rbac.yaml. (kustomize does not read the runfiles' symbolic links.)
      kustomize_directory = (case_dir / "out").string();
      compiler_argv.push_back("--profile=full");
      rbacc::IssueList issues;
      absl::StatusOr<rbacc::LoadedBundle> bundle =
          rbacc::LoadBundle(bundle_directory, "skypilot", &issues);
      if (!bundle.ok()) return Fail("policies/skypilot", bundle.status());
      features = static_cast<int>(bundle->features.size());
      for (const auto& [name, feature] : bundle->features) {
        rules += feature.proto.cluster_rules_size() +
                 feature.proto.namespace_rules_size();
        for (const auto& grant : feature.proto.fixed_namespace_rules()) {
          rules += grant.rules_size();
        }
      }
    } else {
      // Generated by a child process, so that this one never holds the
      // bundle (its memory would count in the compiler's peak RSS), into
      // policies/ of a workspace of its own, where the compiler finds it by
      // name and shows its files as policies/synthetic/... (as a user's).
      const fs::path policies = case_dir / "policies";
      bundle_directory =
          (policies / rbacc::bench::kSyntheticBundleName).string();
      kustomize_directory = (policies / "kustomize").string();
      const std::string log = (case_dir / "generate.log").string();
      absl::StatusOr<rbacc::bench::ProcessRun> generated =
          rbacc::bench::RunProcess(
              {generator, absl::StrCat("--features=", c.features),
               absl::StrCat("--rules_per_feature=", c.rules_per_feature),
               absl::StrCat("--out_dir=", policies.string())},
              environment, log, log);
      if (!generated.ok())
        return Fail("generating " + c.name, generated.status());
      if (generated->exit_code != 0) {
        return Fail("generating " + c.name,
                    absl::InternalError(absl::StrCat("see ", log)));
      }
      profile = rbacc::bench::kSyntheticProfileName;
      compiler_argv.push_back(
          absl::StrCat("--bundle=", rbacc::bench::kSyntheticBundleName));
      compiler_argv.push_back(absl::StrCat("--profile=", profile));
      case_environment =
          rbacc::bench::CurrentEnvironment({"BUILD_WORKSPACE_DIRECTORY"});
      case_environment.push_back(
          absl::StrCat("BUILD_WORKSPACE_DIRECTORY=", case_dir.string()));
      rules = c.features * c.rules_per_feature;
      if (rules >= 100000) repetitions = std::min(repetitions, 3);
      if (rules >= 1000000) repetitions = 1;
    }
    const std::string out_dir = (case_dir / "out").string();
    compiler_argv.push_back(absl::StrCat(
        "--out_dir=", c.output == Output::kStandardOutput ? "-" : out_dir));
    if (c.output == Output::kStandardOutput) {
      // The folder kustomize reads.
      absl::StatusOr<rbacc::bench::ProcessRun> written =
          rbacc::bench::RunProcess(
              {compiler, "--profile=full", absl::StrCat("--out_dir=", out_dir)},
              compiler_environment, "/dev/null", "/dev/null");
      if (!written.ok() || written->exit_code != 0) {
        return Fail(c.name + " compiler", written.ok()
                                              ? absl::InternalError("failed")
                                              : written.status());
      }
    }

    // The compiler runs before the stages are timed here: a child's peak RSS
    // (wait4) counts what its parent held when it started, so the stages'
    // memory must not be in this process yet. Cases run in the order given,
    // small ones first.
    absl::StatusOr<rbacc::bench::ProcessRun> run = BestRun(
        compiler_argv, case_environment, (case_dir / "compiler.log").string(),
        repetitions, 0, c.output == Output::kNewFolder ? out_dir : "");
    if (!run.ok()) return Fail(c.name + " compiler", run.status());
    if (c.features > 0 && rules >= 10000) {
      fit_rules.push_back(rules);
      fit_cpu_seconds.push_back(run->cpu_seconds);
      fit_wall_seconds.push_back(run->wall_seconds);
    }

    std::string kustomize_ms = "-";
    std::string kustomize_cpu_ms = "-";
    std::string kustomize_rss = "-";
    std::string ratio = "-";
    std::string cpu_ratio = "-";
    if (!kubectl.empty()) {
      absl::StatusOr<rbacc::bench::ProcessRun> kustomize = BestRun(
          {kubectl, "kustomize", kustomize_directory}, environment,
          (case_dir / "kustomize.yaml").string(),
          rules >= 10000 ? 1 : std::min(repetitions, 3), kustomize_timeout);
      if (!kustomize.ok())
        return Fail(c.name + " kustomize", kustomize.status());
      if (kustomize->timed_out) {
        kustomize_ms = absl::StrCat("> ", Milliseconds(kustomize_timeout));
        ratio =
            absl::StrFormat("> %.0f×", kustomize_timeout / run->wall_seconds);
      } else {
        kustomize_ms = Milliseconds(kustomize->wall_seconds);
        kustomize_cpu_ms = Milliseconds(kustomize->cpu_seconds);
        kustomize_rss = Mebibytes(kustomize->peak_rss_bytes);
        ratio = absl::StrFormat("%.1f×",
                                kustomize->wall_seconds / run->wall_seconds);
        cpu_ratio = absl::StrFormat(
            "%.1f×", kustomize->cpu_seconds / std::max(run->cpu_seconds, 1e-4));
      }
    }
    absl::StatusOr<StageTimes> stages =
        BestStages(bundle_directory, profile,
                   (case_dir / "stages-out").string(), repetitions);
    if (!stages.ok()) return Fail(c.name + " stages", stages.status());
    std::cout << absl::StrCat("| ", c.name, " | ", rules, " | ", features,
                              " | ", Milliseconds(stages->load), " | ",
                              Milliseconds(stages->resolve_lint), " | ",
                              Milliseconds(stages->merge), " | ",
                              Milliseconds(stages->emit), " | ",
                              Milliseconds(stages->write), " | ",
                              Milliseconds(run->wall_seconds), " | ",
                              Milliseconds(run->cpu_seconds), " | ",
                              Mebibytes(run->peak_rss_bytes), " | ",
                              kustomize_ms, " | ", kustomize_cpu_ms, " | ",
                              kustomize_rss, " | ", ratio, " | ", cpu_ratio,
                              " |")
              << std::endl;
    if (own_work_dir) fs::remove_all(case_dir);
  }
  if (fit_rules.size() >= 2) {
    const double first = fit_rules.front();
    const double last = fit_rules.back();
    // The exponent n log n shows over the same range.
    const double n_log_n =
        std::log((last * std::log(last)) / (first * std::log(first))) /
        std::log(last / first);
    std::cout << absl::StrFormat(
                     "\nrbacc process time from %.0fk to %.0fk rules grows as "
                     "n^%.2f (CPU) and n^%.2f (wall); n log n over that range "
                     "is n^%.2f",
                     first / 1000, last / 1000,
                     FittedExponent(fit_rules, fit_cpu_seconds),
                     FittedExponent(fit_rules, fit_wall_seconds), n_log_n)
              << std::endl;
  }
  if (!fleet_sizes.empty()) {
    std::sort(fleet_sizes.begin(), fleet_sizes.end());
    rbacc::bench::FleetSetup fleet;
    fleet.compiler = compiler;
    fleet.skypilot_bundle = absl::StrCat(runfiles, "/policies/skypilot");
    fleet.kubectl = kubectl;
    fleet.work_dir = work_dir;
    fleet.environment =
        rbacc::bench::CurrentEnvironment({"BUILD_WORKSPACE_DIRECTORY"});
    fleet.repetitions = std::min(absl::GetFlag(FLAGS_repetitions), 3);
    const absl::Status printed =
        rbacc::bench::PrintFleetTable(fleet_sizes, fleet, std::cout);
    if (!printed.ok()) return Fail("fleet", printed);
  }
  if (!dump_sizes.empty()) {
    std::sort(dump_sizes.begin(), dump_sizes.end());
    rbacc::bench::DumpSetup dump;
    dump.compiler = compiler;
    dump.workspace = runfiles;
    dump.work_dir = work_dir;
    dump.environment =
        rbacc::bench::CurrentEnvironment({"BUILD_WORKSPACE_DIRECTORY"});
    dump.repetitions = std::min(absl::GetFlag(FLAGS_repetitions), 3);
    const absl::Status printed =
        rbacc::bench::PrintDumpTable(dump_sizes, dump, std::cout);
    if (!printed.ok()) return Fail("dump", printed);
  }
  if (own_work_dir) fs::remove_all(work_dir);
  return 0;
}
