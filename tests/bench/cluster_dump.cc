#include "tests/bench/cluster_dump.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tests/bench/process.h"

namespace rbacc::bench {
namespace {

namespace fs = std::filesystem;

constexpr int kNamespaces = 100;

// The server fields kubectl prints on every object.
std::string ServerFields(int index, const std::string& kind) {
  return absl::StrFormat(
      "    creationTimestamp: \"2026-11-02T09:14:03Z\"\n"
      "    managedFields:\n"
      "    - apiVersion: rbac.authorization.k8s.io/v1\n"
      "      fieldsType: FieldsV1\n"
      "      fieldsV1:\n"
      "        f:metadata:\n"
      "          f:labels:\n"
      "            .: {}\n"
      "            f:app.kubernetes.io/managed-by: {}\n"
      "      manager: helm\n"
      "      operation: Update\n"
      "      time: \"2026-11-02T09:14:03Z\"\n"
      "    resourceVersion: \"%d\"\n"
      "    uid: 00000000-0000-4000-8000-%012d\n"
      "    labels:\n"
      "      app.kubernetes.io/managed-by: helm\n"
      "      example.com/kind: %s\n",
      1000 + index, index, kind);
}

std::string Rules() {
  return "  rules:\n"
         "  - apiGroups: [\"\"]\n"
         "    resources: [pods, pods/log, services, configmaps]\n"
         "    verbs: [get, list, watch]\n"
         "  - apiGroups: [apps]\n"
         "    resources: [deployments, statefulsets]\n"
         "    verbs: [get, list, watch, patch]\n";
}

std::string Item(int index, const std::string& kind,
                 const std::string& namespace_name, const std::string& name,
                 const std::string& body) {
  return absl::StrCat(
      "- apiVersion: rbac.authorization.k8s.io/v1\n  kind: ", kind,
      "\n  metadata:\n    name: ", name, "\n",
      namespace_name.empty()
          ? ""
          : absl::StrCat("    namespace: ", namespace_name, "\n"),
      ServerFields(index, kind), body);
}

std::string Binding(const std::string& subject_kind,
                    const std::string& subject_name,
                    const std::string& subject_namespace,
                    const std::string& role_kind,
                    const std::string& role_name) {
  return absl::StrCat(
      "  subjects:\n  - kind: ", subject_kind, "\n    name: ", subject_name,
      "\n",
      subject_namespace.empty()
          ? ""
          : absl::StrCat("    namespace: ", subject_namespace, "\n"),
      "  roleRef:\n    apiGroup: rbac.authorization.k8s.io\n    kind: ",
      role_kind, "\n    name: ", role_name, "\n");
}

absl::Status WriteText(const fs::path& path, const std::string& text) {
  std::ofstream stream(path, std::ios::binary | std::ios::trunc);
  stream << text;
  stream.close();
  if (!stream) {
    return absl::InternalError(path.string() + ": cannot be written");
  }
  return absl::OkStatus();
}

// The best of setup.repetitions runs of `rbacc diff full <dump>`.
absl::StatusOr<ProcessRun> MeasureDiff(const DumpSetup& setup,
                                       const fs::path& dump) {
  std::vector<std::string> environment = setup.environment;
  environment.push_back(
      absl::StrCat("BUILD_WORKSPACE_DIRECTORY=", setup.workspace));
  const std::string log = dump.string() + ".stderr";
  ProcessRun best;
  for (int run = 0; run < std::max(1, setup.repetitions); ++run) {
    absl::StatusOr<ProcessRun> measured =
        RunProcess({setup.compiler, "diff", "full", dump.string()}, environment,
                   "/dev/null", log);
    if (!measured.ok()) return measured.status();
    if (measured->exit_code != 0) {
      return absl::InternalError(absl::StrCat(
          "rbacc diff exited with ", measured->exit_code, "; see ", log));
    }
    if (run == 0 || measured->wall_seconds < best.wall_seconds) {
      const long peak = std::max(best.peak_rss_bytes, measured->peak_rss_bytes);
      best = *measured;
      best.peak_rss_bytes = peak;
    }
  }
  return best;
}

}  // namespace

std::optional<int> ParseDumpCase(const std::string& name) {
  if (name == "dump-1k") return 1000;
  if (name == "dump-10k") return 10000;
  return std::nullopt;
}

std::string ClusterDumpYaml(int objects) {
  const int quarter = std::max(2, objects / 4);
  std::string text =
      "apiVersion: v1\nkind: List\nmetadata:\n  "
      "resourceVersion: \"\"\nitems:\n";
  int index = 0;
  for (int i = 0; i < quarter; ++i) {
    absl::StrAppend(&text, Item(index++, "ClusterRole", "",
                                absl::StrCat("team-role-", i), Rules()));
  }
  for (int i = 0; i < quarter; ++i) {
    absl::StrAppend(
        &text, Item(index++, "ClusterRoleBinding", "",
                    absl::StrCat("team-binding-", i),
                    Binding("Group", absl::StrCat("team-", i), "",
                            "ClusterRole", absl::StrCat("team-role-", i))));
  }
  for (int i = 0; i + 1 < quarter; ++i) {
    absl::StrAppend(&text,
                    Item(index++, "Role", absl::StrCat("ns-", i % kNamespaces),
                         absl::StrCat("app-role-", i), Rules()));
  }
  const int bindings = objects - 3 * quarter;
  for (int i = 0; i + 1 < bindings; ++i) {
    // Each binds a Role of its own namespace.
    const int role = i % (quarter - 1);
    const std::string namespace_name = absl::StrCat("ns-", role % kNamespaces);
    absl::StrAppend(
        &text,
        Item(index++, "RoleBinding", namespace_name,
             absl::StrCat("app-binding-", i),
             Binding("ServiceAccount", absl::StrCat("app-", i), namespace_name,
                     "Role", absl::StrCat("app-role-", role))));
  }
  // The compared subject: bound in the cluster to less than `full` grants.
  absl::StrAppend(
      &text,
      Item(index++, "RoleBinding", "default", "sky-sa-rb",
           Binding("ServiceAccount", "sky-sa", "default", "Role",
                   "sky-sa-role")),
      Item(index++, "Role", "default", "sky-sa-role",
           "  rules:\n  - apiGroups: [\"\"]\n    resources: [pods]\n    "
           "verbs: [get, list]\n"));
  return text;
}

absl::Status PrintDumpTable(const std::vector<int>& sizes,
                            const DumpSetup& setup, std::ostream& out) {
  out << "\nCluster dumps: `rbacc diff full DUMP` on a generated `kubectl get "
         "clusterroles,clusterrolebindings,roles,rolebindings -A -o yaml` "
         "List (server fields on every object; all but two objects other "
         "subjects'), the compiler as a child process (best of "
      << setup.repetitions
      << ")\n\n| objects | dump MiB | wall ms | CPU ms | peak RSS MiB |\n| "
         "---: | ---: | ---: | ---: | ---: |"
      << std::endl;
  for (int objects : sizes) {
    const fs::path dump =
        fs::path(setup.work_dir) / absl::StrCat("dump-", objects, ".yaml");
    const std::string text = ClusterDumpYaml(objects);
    absl::Status written = WriteText(dump, text);
    if (!written.ok()) return written;
    absl::StatusOr<ProcessRun> run = MeasureDiff(setup, dump);
    if (!run.ok()) return run.status();
    out << absl::StrFormat("| %d | %.1f | %.0f | %.0f | %.1f |", objects,
                           static_cast<double>(text.size()) / (1 << 20),
                           run->wall_seconds * 1000, run->cpu_seconds * 1000,
                           static_cast<double>(run->peak_rss_bytes) / (1 << 20))
        << std::endl;
    fs::remove(dump);
  }
  return absl::OkStatus();
}

}  // namespace rbacc::bench
