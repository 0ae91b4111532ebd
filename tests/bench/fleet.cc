#include "tests/bench/fleet.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tests/bench/process.h"

namespace rbacc::bench {
namespace {

namespace fs = std::filesystem;

// The bundle the fleet compiles, under the workspace's policies/.
constexpr char kBundle[] = "skypilot";
// The feature whose first reason each edit changes.
constexpr char kEditedFeature[] = "show-gpus.textproto";
constexpr char kReasonField[] = "reason: \"";

// The measured figures of one fleet size.
struct FleetRow {
  int profiles = 0;
  double unchanged_seconds = 0;
  double check_seconds = 0;
  double edited_seconds = 0;
  long peak_rss_bytes = 0;
  // Negative when kubectl is not installed or its render failed.
  double kustomize_seconds = -1;
};

std::string TenantName(int index) {
  return absl::StrFormat("tenant-%05d", index);
}

absl::StatusOr<std::string> ReadText(const fs::path& path) {
  std::ifstream stream(path, std::ios::binary);
  if (!stream) return absl::NotFoundError(path.string() + ": cannot be read");
  std::ostringstream text;
  text << stream.rdbuf();
  return text.str();
}

absl::Status WriteText(const fs::path& path, const std::string& text) {
  std::ofstream stream(path, std::ios::binary | std::ios::trunc);
  stream << text;
  stream.close();
  if (!stream)
    return absl::InternalError(path.string() + ": cannot be written");
  return absl::OkStatus();
}

// Writes <workspace>/policies/skypilot: the SkyPilot bundle's own files and
// `profiles` tenant profiles, each all four features in its own namespace.
absl::Status WriteFleet(const FleetSetup& setup, const fs::path& workspace,
                        int profiles) {
  const fs::path bundle = workspace / "policies" / kBundle;
  std::error_code error;
  fs::create_directories(bundle / "profiles", error);
  if (error)
    return absl::InternalError(bundle.string() + ": " + error.message());
  for (const fs::directory_entry& entry :
       fs::directory_iterator(setup.skypilot_bundle, error)) {
    if (!entry.is_regular_file()) continue;
    absl::StatusOr<std::string> text = ReadText(entry.path());
    if (!text.ok()) return text.status();
    absl::Status written = WriteText(bundle / entry.path().filename(), *text);
    if (!written.ok()) return written;
  }
  if (error) {
    return absl::InternalError(setup.skypilot_bundle + ": " + error.message());
  }
  for (int i = 1; i <= profiles; ++i) {
    const std::string name = TenantName(i);
    absl::Status written =
        WriteText(bundle / "profiles" / (name + ".textproto"),
                  absl::StrCat("name: \"", name, "\"\nsummary: \"Tenant ", i,
                               ".\"\nfeatures: [\"base\", \"show-gpus\", "
                               "\"object-store\", \"ingress\"]\nnamespace: \"",
                               name, "\"\n"));
    if (!written.ok()) return written;
  }
  return absl::OkStatus();
}

// Runs the compiler with `arguments` in `workspace`, expecting exit code 0.
absl::StatusOr<ProcessRun> RunCompiler(
    const FleetSetup& setup, const fs::path& workspace,
    const std::vector<std::string>& arguments) {
  std::vector<std::string> argv = {setup.compiler};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  std::vector<std::string> environment = setup.environment;
  environment.push_back(
      absl::StrCat("BUILD_WORKSPACE_DIRECTORY=", workspace.string()));
  const std::string log = (workspace / "compiler.log").string();
  absl::StatusOr<ProcessRun> run =
      RunProcess(argv, environment, log, log + ".stderr");
  if (!run.ok()) return run.status();
  if (run->exit_code != 0) {
    return absl::InternalError(absl::StrCat(
        "the compiler exited with ", run->exit_code, "; see ", log, ".stderr"));
  }
  return *run;
}

// Keeps the fastest wall time of `run` in `seconds` and its peak RSS in `row`.
void KeepBest(const ProcessRun& run, double* seconds, FleetRow* row) {
  if (*seconds == 0 || run.wall_seconds < *seconds) *seconds = run.wall_seconds;
  row->peak_rss_bytes = std::max(row->peak_rss_bytes, run.peak_rss_bytes);
}

absl::StatusOr<FleetRow> MeasureFleet(const FleetSetup& setup, int profiles) {
  const fs::path workspace =
      fs::path(setup.work_dir) / absl::StrCat("fleet-", profiles);
  fs::remove_all(workspace);
  absl::Status written = WriteFleet(setup, workspace, profiles);
  if (!written.ok()) return written;
  const std::vector<std::string> compile = {absl::StrCat("--bundle=", kBundle)};
  absl::StatusOr<ProcessRun> first = RunCompiler(setup, workspace, compile);
  if (!first.ok()) return first.status();

  FleetRow row;
  row.profiles = profiles;
  const int repetitions = profiles <= 1000 ? setup.repetitions : 1;
  const fs::path feature = workspace / "policies" / kBundle / kEditedFeature;
  absl::StatusOr<std::string> feature_text = ReadText(feature);
  if (!feature_text.ok()) return feature_text.status();
  const size_t reason = feature_text->find(kReasonField);
  if (reason == std::string::npos) {
    return absl::InternalError(feature.string() + " has no reason to edit");
  }
  for (int i = 0; i < repetitions; ++i) {
    absl::StatusOr<ProcessRun> run = RunCompiler(setup, workspace, compile);
    if (!run.ok()) return run.status();
    KeepBest(*run, &row.unchanged_seconds, &row);
    run = RunCompiler(setup, workspace,
                      {"check", absl::StrCat("--bundle=", kBundle)});
    if (!run.ok()) return run.status();
    KeepBest(*run, &row.check_seconds, &row);
    // A different reason each time, so that every folder changes.
    std::string edited = *feature_text;
    edited.insert(reason + sizeof(kReasonField) - 1,
                  absl::StrCat("Edit ", i + 1, ". "));
    written = WriteText(feature, edited);
    if (!written.ok()) return written;
    run = RunCompiler(setup, workspace, compile);
    if (!run.ok()) return run.status();
    KeepBest(*run, &row.edited_seconds, &row);
  }

  if (!setup.kubectl.empty()) {
    const fs::path tenant = workspace / "outputs" / kBundle / TenantName(1);
    const std::string log = (workspace / "kustomize.yaml").string();
    absl::StatusOr<ProcessRun> render =
        RunProcess({setup.kubectl, "kustomize", tenant.string()},
                   setup.environment, log, log + ".stderr", 120);
    if (!render.ok()) return render.status();
    if (!render->timed_out && render->exit_code == 0) {
      row.kustomize_seconds = render->wall_seconds;
    }
  }
  fs::remove_all(workspace);
  return row;
}

std::string Milliseconds(double seconds) {
  return absl::StrFormat("%.0f", seconds * 1000);
}

// A time cell, "1234 (18.5)": the time in milliseconds and, when kustomize
// was measured, how many renders of one tenant take as long.
std::string TimeCell(double seconds, double kustomize_seconds) {
  if (kustomize_seconds <= 0) return Milliseconds(seconds);
  return absl::StrFormat("%s (%.1f)", Milliseconds(seconds),
                         seconds / kustomize_seconds);
}

double Exponent(double first_size, double first_seconds, double last_size,
                double last_seconds) {
  return std::log(last_seconds / first_seconds) /
         std::log(last_size / first_size);
}

}  // namespace

std::optional<int> ParseFleetCase(const std::string& name) {
  if (name == "fleet-1k") return 1000;
  if (name == "fleet-10k") return 10000;
  return std::nullopt;
}

absl::Status PrintFleetTable(const std::vector<int>& sizes,
                             const FleetSetup& setup, std::ostream& out) {
  out << "\nFleets: N tenant profiles of the SkyPilot bundle (each all four "
         "features in its own namespace), the compiler as a child process "
         "(wall ms, best of "
      << setup.repetitions
      << " up to 1,000 profiles, else 1; in brackets, as kubectl kustomize "
         "renders of one tenant's folder)\n\n| profiles | regenerate, nothing "
         "changed ms | check ms | regenerate after a feature edit ms | peak "
         "RSS MiB | kustomize of one tenant ms |\n| ---: | ---: | ---: | ---: "
         "| ---: | ---: |"
      << std::endl;
  std::vector<FleetRow> rows;
  for (int profiles : sizes) {
    absl::StatusOr<FleetRow> row = MeasureFleet(setup, profiles);
    if (!row.ok()) return row.status();
    const double k = row->kustomize_seconds;
    out << absl::StrCat("| ", profiles, " | ",
                        TimeCell(row->unchanged_seconds, k), " | ",
                        TimeCell(row->check_seconds, k), " | ",
                        TimeCell(row->edited_seconds, k), " | ",
                        absl::StrFormat(
                            "%.1f", static_cast<double>(row->peak_rss_bytes) /
                                        (1 << 20)),
                        " | ", k > 0 ? Milliseconds(k) : "-", " |")
        << std::endl;
    rows.push_back(*row);
  }
  if (rows.size() >= 2) {
    const FleetRow& first = rows.front();
    const FleetRow& last = rows.back();
    out << absl::StrFormat(
               "\nfleet time from %d to %d profiles grows as n^%.2f "
               "(nothing changed), n^%.2f (check), n^%.2f (feature edit)",
               first.profiles, last.profiles,
               Exponent(first.profiles, first.unchanged_seconds, last.profiles,
                        last.unchanged_seconds),
               Exponent(first.profiles, first.check_seconds, last.profiles,
                        last.check_seconds),
               Exponent(first.profiles, first.edited_seconds, last.profiles,
                        last.edited_seconds))
        << std::endl;
  }
  return absl::OkStatus();
}

}  // namespace rbacc::bench
