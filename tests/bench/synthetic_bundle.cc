#include "tests/bench/synthetic_bundle.h"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "compiler/emit/yaml.h"
#include "google/protobuf/text_format.h"

namespace rbacc::bench {
namespace {

namespace fs = std::filesystem;

constexpr char kServiceAccount[] = "bench-sa";
constexpr char kNamespace[] = "default";
constexpr char kRoleName[] = "bench-sa-role";
constexpr char kRoleBindingName[] = "bench-sa-rb";
constexpr char kClusterRoleName[] = "bench-sa-cluster-role";
constexpr char kClusterRoleBindingName[] = "bench-sa-cluster-role-binding";

// One resource of Kubernetes' API as RBAC sees it.
struct CatalogueEntry {
  const char* group;
  const char* resource;
  bool namespaced;
  // The verbs the resource supports.
  std::vector<const char*> verbs;
  // True for objects usually granted by name (a ConfigMap, a lease): rules on
  // them name their objects, so that they stay distinct as a bundle grows.
  bool named = false;
};

const std::vector<CatalogueEntry>& Catalogue() {
  static const auto* const kCatalogue = [] {
    const std::vector<const char*> crud = {
        "get",    "list",  "watch",  "create",
        "update", "patch", "delete", "deletecollection"};
    const std::vector<const char*> read = {"get", "list", "watch"};
    const std::vector<const char*> sub = {"get", "update", "patch"};
    return new std::vector<CatalogueEntry>{
        {"", "pods", true, crud},
        {"", "pods/log", true, {"get"}},
        {"", "pods/exec", true, {"get", "create"}},
        {"", "pods/portforward", true, {"get", "create"}},
        {"", "pods/status", true, sub},
        {"", "pods/eviction", true, {"create"}},
        {"", "services", true, crud},
        {"", "services/status", true, sub},
        {"", "endpoints", true, crud},
        {"", "configmaps", true, crud, true},
        {"", "secrets", true, crud, true},
        {"", "serviceaccounts", true, crud, true},
        {"", "serviceaccounts/token", true, {"create"}},
        {"", "persistentvolumeclaims", true, crud},
        {"", "persistentvolumeclaims/status", true, sub},
        {"", "events", true, crud},
        {"", "limitranges", true, crud},
        {"", "resourcequotas", true, crud},
        {"", "nodes", false, crud},
        {"", "nodes/status", false, sub},
        {"", "nodes/proxy", false, {"get", "create"}},
        {"", "namespaces", false, crud},
        {"", "persistentvolumes", false, crud},
        {"apps", "deployments", true, crud},
        {"apps", "deployments/scale", true, sub},
        {"apps", "deployments/status", true, sub},
        {"apps", "statefulsets", true, crud},
        {"apps", "statefulsets/scale", true, sub},
        {"apps", "daemonsets", true, crud},
        {"apps", "replicasets", true, crud},
        {"apps", "controllerrevisions", true, read},
        {"batch", "jobs", true, crud},
        {"batch", "jobs/status", true, sub},
        {"batch", "cronjobs", true, crud},
        {"networking.k8s.io", "ingresses", true, crud},
        {"networking.k8s.io", "ingresses/status", true, sub},
        {"networking.k8s.io", "networkpolicies", true, crud},
        {"networking.k8s.io", "ingressclasses", false, crud},
        {"node.k8s.io", "runtimeclasses", false, read},
        {"storage.k8s.io", "storageclasses", false, crud},
        {"storage.k8s.io", "csidrivers", false, read},
        {"storage.k8s.io", "volumeattachments", false, crud},
        {"rbac.authorization.k8s.io", "roles", true, crud, true},
        {"rbac.authorization.k8s.io", "rolebindings", true, crud, true},
        {"rbac.authorization.k8s.io", "clusterroles", false, crud, true},
        {"rbac.authorization.k8s.io", "clusterrolebindings", false, crud, true},
        {"policy", "poddisruptionbudgets", true, crud},
        {"autoscaling", "horizontalpodautoscalers", true, crud},
        {"coordination.k8s.io", "leases", true, crud, true},
        {"discovery.k8s.io", "endpointslices", true, crud},
        {"scheduling.k8s.io", "priorityclasses", false, read},
        {"apiextensions.k8s.io", "customresourcedefinitions", false, read},
        {"metrics.k8s.io", "pods", true, {"get", "list"}},
        {"metrics.k8s.io", "nodes", false, {"get", "list"}},
    };
  }();
  return *kCatalogue;
}

// SplitMix64: a small generator whose sequence is the same everywhere (the
// standard library's distributions are not).
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}

  // Returns a number in [0, bound).
  uint64_t Below(uint64_t bound) { return Next() % bound; }

  // Returns true with probability percent/100.
  bool Percent(int percent) {
    return Below(100) < static_cast<uint64_t>(percent);
  }

 private:
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  uint64_t state_;
};

std::string FeatureName(int index) {
  return index == 0 ? "base" : absl::StrFormat("feature-%05d", index);
}

// The resource without its subresource: "pods" for "pods/log".
std::string BaseResource(const std::string& resource) {
  return resource.substr(0, resource.find('/'));
}

// A rule of the feature `feature_index`, namespaced or cluster-wide.
v1::Rule GenerateRule(int feature_index, int rule_index, bool cluster,
                      Random& random) {
  v1::Rule rule;
  rule.set_reason(absl::StrCat("Synthetic rule ", rule_index, " of ",
                               FeatureName(feature_index), "."));
  if (cluster && random.Percent(3)) {
    static const char* const kUrls[] = {"/healthz", "/livez",   "/readyz",
                                        "/metrics", "/version", "/api/*",
                                        "/apis/*",  "/logs/*"};
    rule.add_non_resource_urls(kUrls[random.Below(8)]);
    rule.add_verbs("get");
    return rule;
  }
  const std::vector<CatalogueEntry>& catalogue = Catalogue();
  const CatalogueEntry* entry = nullptr;
  while (entry == nullptr || (!cluster && !entry->namespaced)) {
    entry = &catalogue[random.Below(catalogue.size())];
  }
  const int kind = static_cast<int>(random.Below(1000));
  if (kind < 2) {
    // Read access to a whole group, which covers many other rules.
    rule.add_api_groups(entry->group);
    rule.add_resources("*");
    for (const char* verb : {"get", "list", "watch"}) rule.add_verbs(verb);
    return rule;
  }
  if (kind < 3) {
    // Every status subresource in every group.
    rule.add_api_groups("*");
    rule.add_resources("*/status");
    rule.add_verbs("get");
    return rule;
  }
  rule.add_api_groups(entry->group);
  rule.add_resources(entry->resource);
  // Up to two more resources of the same group and kind.
  for (int more = static_cast<int>(random.Below(3)); more > 0; --more) {
    const CatalogueEntry& other = catalogue[random.Below(catalogue.size())];
    if (std::string(other.group) != entry->group ||
        other.namespaced != entry->namespaced || other.named != entry->named ||
        other.resource == std::string(entry->resource)) {
      continue;
    }
    rule.add_resources(other.resource);
  }
  if (kind < 60) {
    rule.add_verbs("*");
  } else {
    // A non-empty subset of the entry's verbs, in its order.
    const uint64_t mask = 1 + random.Below((1ULL << entry->verbs.size()) - 1);
    for (size_t i = 0; i < entry->verbs.size(); ++i) {
      if (mask & (1ULL << i)) rule.add_verbs(entry->verbs[i]);
    }
  }
  if (entry->named) {
    // Mostly the feature's own objects, sometimes shared ones.
    const int names = 1 + static_cast<int>(random.Below(2));
    for (int i = 0; i < names; ++i) {
      rule.add_resource_names(
          random.Percent(10) ? absl::StrCat("shared-", random.Below(8))
                             : absl::StrCat(FeatureName(feature_index), "-",
                                            BaseResource(entry->resource), "-",
                                            random.Below(16)));
    }
  }
  return rule;
}

absl::Status WriteFile(const fs::path& path, const std::string& content) {
  std::error_code error;
  fs::create_directories(path.parent_path(), error);
  std::ofstream stream(path, std::ios::binary | std::ios::trunc);
  stream << content;
  stream.close();
  if (error || !stream) {
    return absl::UnavailableError(
        absl::StrCat(path.string(), ": cannot be written"));
  }
  return absl::OkStatus();
}

absl::Status WriteTextProto(const fs::path& path, const char* message_name,
                            const google::protobuf::Message& message) {
  std::string text;
  if (!google::protobuf::TextFormat::PrintToString(message, &text)) {
    return absl::InternalError(
        absl::StrCat(path.string(), ": cannot be printed"));
  }
  return WriteFile(path,
                   absl::StrCat("# proto-file: proto/rbacc/v1/policy.proto\n"
                                "# proto-message: rbacc.v1.",
                                message_name, "\n\n", text));
}

std::string Labels() { return "  labels:\n    parent: bench\n"; }

// The objects rbacc writes for the bundle, with empty rules for the
// components to fill.
std::string KustomizeBase() {
  const std::string subjects = absl::StrCat(
      "subjects:\n  - kind: ServiceAccount\n    name: ", kServiceAccount,
      "\n    namespace: ", kNamespace, "\n");
  return absl::StrCat(
      "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ",
      kServiceAccount, "\n  namespace: ", kNamespace, "\n", Labels(),
      "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n"
      "metadata:\n  name: ",
      kClusterRoleName, "\n", Labels(), "rules: []\n",
      "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: "
      "ClusterRoleBinding\nmetadata:\n  name: ",
      kClusterRoleBindingName, "\n", Labels(), subjects,
      "roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n"
      "  name: ",
      kClusterRoleName, "\n",
      "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\n"
      "metadata:\n  name: ",
      kRoleName, "\n  namespace: ", kNamespace, "\n", Labels(), "rules: []\n",
      "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\n"
      "metadata:\n  name: ",
      kRoleBindingName, "\n  namespace: ", kNamespace, "\n", Labels(), subjects,
      "roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n"
      "  name: ",
      kRoleName, "\n");
}

// A JSON 6902 patch appending `rules` to the role of `kind` and `name`, or ""
// when there are no rules.
std::string RulesPatch(
    const google::protobuf::RepeatedPtrField<v1::Rule>& rules,
    const std::string& kind, const std::string& name) {
  if (rules.empty()) return "";
  std::string out = absl::StrCat("  - target:\n      kind: ", kind,
                                 "\n      name: ", name, "\n    patch: |-\n");
  const auto sequence =
      [](const google::protobuf::RepeatedPtrField<std::string>& values) {
        return YamlFlowSequence(
            std::vector<std::string>(values.begin(), values.end()));
      };
  for (const v1::Rule& rule : rules) {
    absl::StrAppend(
        &out, "      - op: add\n        path: /rules/-\n        value:\n");
    if (rule.non_resource_urls().empty()) {
      absl::StrAppend(
          &out, "          apiGroups: ", sequence(rule.api_groups()),
          "\n          resources: ", sequence(rule.resources()), "\n");
      if (!rule.resource_names().empty()) {
        absl::StrAppend(&out, "          resourceNames: ",
                        sequence(rule.resource_names()), "\n");
      }
    } else {
      absl::StrAppend(&out, "          nonResourceURLs: ",
                      sequence(rule.non_resource_urls()), "\n");
    }
    absl::StrAppend(&out, "          verbs: ", sequence(rule.verbs()), "\n");
  }
  return out;
}

}  // namespace

SyntheticBundle GenerateSyntheticBundle(const SyntheticOptions& options) {
  SyntheticBundle result;
  v1::Bundle& bundle = result.bundle;
  bundle.set_name(kSyntheticBundleName);
  bundle.set_description(
      absl::StrCat("Synthetic bundle for benchmarks: ", options.features,
                   " features of ", options.rules_per_feature, " rules."));
  v1::Application& application = *bundle.mutable_application();
  application.set_name("Bench");
  application.set_config_file("~/.bench/config.yaml");
  application.set_identity_config_key("bench.remote_identity");
  v1::Defaults& defaults = *bundle.mutable_defaults();
  defaults.set_namespace_(kNamespace);
  defaults.set_service_account(kServiceAccount);
  (*defaults.mutable_labels())["parent"] = "bench";
  v1::ObjectNames& names = *defaults.mutable_object_names();
  names.set_role("{service_account}-role");
  names.set_role_binding("{service_account}-rb");
  names.set_cluster_role("{service_account}-cluster-role");
  names.set_cluster_role_binding("{service_account}-cluster-role-binding");
  v1::HelmChart& chart = *bundle.mutable_helm_chart();
  chart.set_name("bench");
  chart.set_namespace_key("bench.namespace");
  chart.set_service_account_key("rbac.serviceAccountName");
  chart.set_namespace_rules_key("rbac.namespaceRules");
  chart.set_cluster_rules_key("rbac.clusterRules");
  v1::ConfigValue& create = *chart.add_values();
  create.set_key("rbac.create");
  create.set_bool_value(true);
  // metrics-server's API is an add-on, not in rbacc's built-in catalogue.
  for (const auto& [resource, namespaced] :
       std::vector<std::pair<std::string, bool>>{{"pods", true},
                                                 {"nodes", false}}) {
    v1::CustomResource& custom = *bundle.add_custom_resources();
    custom.set_api_group("metrics.k8s.io");
    custom.set_resource(resource);
    custom.set_namespaced(namespaced);
  }

  result.profile.set_name(kSyntheticProfileName);
  result.profile.set_summary("Every feature.");
  Random random(options.seed);
  for (int f = 0; f < options.features; ++f) {
    const std::string name = FeatureName(f);
    bundle.add_features(name);
    result.profile.add_features(name);
    v1::Feature& feature = result.features.emplace_back();
    feature.set_name(name);
    feature.set_summary(absl::StrCat("Synthetic feature ", f, "."));
    if (f > 0) feature.add_requires(FeatureName(0));
    for (int r = 0; r < options.rules_per_feature; ++r) {
      const bool cluster = random.Percent(40);
      *(cluster ? feature.add_cluster_rules() : feature.add_namespace_rules()) =
          GenerateRule(f, r, cluster, random);
    }
  }
  return result;
}

absl::Status WriteBundleFolder(const SyntheticBundle& bundle,
                               const std::string& directory) {
  const fs::path root(directory);
  absl::Status status =
      WriteTextProto(root / "bundle.textproto", "Bundle", bundle.bundle);
  for (const v1::Feature& feature : bundle.features) {
    if (!status.ok()) return status;
    status = WriteTextProto(root / absl::StrCat(feature.name(), ".textproto"),
                            "Feature", feature);
  }
  if (!status.ok()) return status;
  return WriteTextProto(
      root / "profiles" / absl::StrCat(kSyntheticProfileName, ".textproto"),
      "Profile", bundle.profile);
}

absl::Status WriteKustomizeLayout(const SyntheticBundle& bundle,
                                  const std::string& directory) {
  const fs::path root(directory);
  absl::Status status = WriteFile(
      root / "base" / "kustomization.yaml",
      "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
      "resources:\n  - rbac.yaml\n");
  if (status.ok())
    status = WriteFile(root / "base" / "rbac.yaml", KustomizeBase());
  std::string top =
      "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
      "resources:\n  - base\ncomponents:\n";
  for (const v1::Feature& feature : bundle.features) {
    if (!status.ok()) return status;
    const std::string patches = absl::StrCat(
        RulesPatch(feature.cluster_rules(), "ClusterRole", kClusterRoleName),
        RulesPatch(feature.namespace_rules(), "Role", kRoleName));
    status = WriteFile(
        root / "components" / feature.name() / "kustomization.yaml",
        absl::StrCat(
            "apiVersion: kustomize.config.k8s.io/v1alpha1\n"
            "kind: Component\n",
            patches.empty() ? "" : absl::StrCat("patches:\n", patches)));
    absl::StrAppend(&top, "  - components/", feature.name(), "\n");
  }
  if (!status.ok()) return status;
  return WriteFile(root / "kustomization.yaml", top);
}

}  // namespace rbacc::bench
