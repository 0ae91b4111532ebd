#include "compiler/catalog/discovery.h"

#include <algorithm>
#include <exception>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "yaml-cpp/yaml.h"

namespace rbacc {
namespace {

// A resource while documents are merged.
struct MergedResource {
  bool namespaced = false;
  // Discovery's kind, singularName and shortNames ("" and none when absent).
  std::string kind;
  std::string singular_name;
  std::vector<std::string> short_names;
  std::set<std::string> verbs;
  std::map<std::string, std::set<std::string>> subresources;
};

using MergedGroups =
    std::map<std::string, std::map<std::string, MergedResource>>;

// "v1" is the core group; "apps/v1" is group "apps".
std::string GroupOf(const std::string& group_version) {
  const size_t slash = group_version.find('/');
  return slash == std::string::npos ? "" : group_version.substr(0, slash);
}

absl::Status MergeDocument(const DiscoveryDocument& document,
                           MergedGroups& groups) {
  YAML::Node root;
  try {
    root = YAML::Load(document.json);
  } catch (const std::exception& error) {
    return absl::InvalidArgumentError(
        absl::StrCat(document.name, ": not JSON: ", error.what()));
  }
  if (!root.IsMap() || !root["groupVersion"] || !root["resources"] ||
      !root["resources"].IsSequence()) {
    return absl::InvalidArgumentError(absl::StrCat(
        document.name,
        ": not an APIResourceList (it needs groupVersion and resources); "
        "write it with kubectl get --raw /api/v1 or /apis/GROUP/VERSION"));
  }
  try {
    auto& resources = groups[GroupOf(root["groupVersion"].as<std::string>())];
    for (const YAML::Node& entry : root["resources"]) {
      const std::string name = entry["name"].as<std::string>();
      std::set<std::string> verbs;
      for (const YAML::Node& verb : entry["verbs"]) {
        verbs.insert(verb.as<std::string>());
      }
      const size_t slash = name.find('/');
      MergedResource& resource = resources[name.substr(0, slash)];
      if (slash == std::string::npos) {
        resource.namespaced = entry["namespaced"].as<bool>();
        resource.verbs.insert(verbs.begin(), verbs.end());
        if (entry["kind"]) resource.kind = entry["kind"].as<std::string>();
        if (entry["singularName"]) {
          resource.singular_name = entry["singularName"].as<std::string>();
        }
        if (entry["shortNames"]) {
          resource.short_names.clear();
          for (const YAML::Node& short_name : entry["shortNames"]) {
            resource.short_names.push_back(short_name.as<std::string>());
          }
        }
      } else {
        resource.subresources[name.substr(slash + 1)].insert(verbs.begin(),
                                                             verbs.end());
      }
    }
  } catch (const std::exception& error) {
    return absl::InvalidArgumentError(absl::StrCat(
        document.name, ": malformed resource entry: ", error.what()));
  }
  return absl::OkStatus();
}

std::string QuotedList(
    const google::protobuf::RepeatedPtrField<std::string>& values) {
  std::vector<std::string> quoted;
  for (const std::string& value : values) {
    quoted.push_back(absl::StrCat("\"", value, "\""));
  }
  return absl::StrCat("[", absl::StrJoin(quoted, ", "), "]");
}

}  // namespace

absl::StatusOr<v1::Catalog> CatalogFromDiscovery(
    const std::vector<DiscoveryDocument>& documents,
    const v1::Catalog& virtual_resources,
    const std::string& kubernetes_version) {
  MergedGroups groups;
  for (const DiscoveryDocument& document : documents) {
    const absl::Status status = MergeDocument(document, groups);
    if (!status.ok()) return status;
  }
  for (const v1::ApiGroup& group : virtual_resources.groups()) {
    for (const v1::ApiResource& virtual_resource : group.resources()) {
      auto& resources = groups[group.name()];
      const bool discovered = resources.count(virtual_resource.name()) > 0;
      MergedResource& resource = resources[virtual_resource.name()];
      if (!discovered) resource.namespaced = virtual_resource.namespaced();
      resource.verbs.insert(virtual_resource.verbs().begin(),
                            virtual_resource.verbs().end());
    }
  }

  v1::Catalog catalog;
  catalog.set_kubernetes_version(kubernetes_version);
  *catalog.mutable_verbs() = virtual_resources.verbs();
  for (const auto& [group_name, resources] : groups) {
    v1::ApiGroup* group = catalog.add_groups();
    group->set_name(group_name);
    for (const auto& [name, merged] : resources) {
      v1::ApiResource* resource = group->add_resources();
      resource->set_name(name);
      resource->set_namespaced(merged.namespaced);
      for (const std::string& verb : merged.verbs) resource->add_verbs(verb);
      resource->set_kind(merged.kind);
      resource->set_singular_name(merged.singular_name);
      for (const std::string& short_name : merged.short_names) {
        resource->add_short_names(short_name);
      }
      for (const auto& [sub_name, sub_verbs] : merged.subresources) {
        v1::ApiSubresource* subresource = resource->add_subresources();
        subresource->set_name(sub_name);
        for (const std::string& verb : sub_verbs) subresource->add_verbs(verb);
      }
    }
  }
  return catalog;
}

std::string FormatCatalog(const v1::Catalog& catalog) {
  std::string out = absl::StrCat(
      "# Kubernetes ", catalog.kubernetes_version(),
      "'s API groups and resources, for validating rules (schema:\n"
      "# proto/rbacc/v1/catalog.proto). Built-in, generally available APIs "
      "only; beta and alpha APIs\n"
      "# that are off by default, and add-ons such as metrics.k8s.io, are "
      "declared by a bundle as\n"
      "# custom_resources. groups/users/uids/userextras/signers are virtual "
      "resources that only\n"
      "# authorization checks use (impersonate, approve, sign, attest).\n"
      "#\n"
      "# Refresh from a cluster: see compiler/catalog/README.md.\n"
      "# proto-file: proto/rbacc/v1/catalog.proto\n"
      "# proto-message: rbacc.v1.Catalog\n"
      "\n"
      "kubernetes_version: \"",
      catalog.kubernetes_version(), "\"\nverbs: ", QuotedList(catalog.verbs()),
      "\n");
  for (const v1::ApiGroup& group : catalog.groups()) {
    absl::StrAppend(&out, "groups {\n  name: \"", group.name(), "\"\n");
    for (const v1::ApiResource& resource : group.resources()) {
      absl::StrAppend(
          &out, "  resources {\n    name: \"", resource.name(),
          "\"\n    namespaced: ", resource.namespaced() ? "true" : "false",
          "\n    verbs: ", QuotedList(resource.verbs()), "\n");
      if (!resource.kind().empty()) {
        absl::StrAppend(&out, "    kind: \"", resource.kind(),
                        "\"\n    singular_name: \"", resource.singular_name(),
                        "\"\n");
      }
      if (!resource.short_names().empty()) {
        absl::StrAppend(&out,
                        "    short_names: ", QuotedList(resource.short_names()),
                        "\n");
      }
      for (const v1::ApiSubresource& subresource : resource.subresources()) {
        absl::StrAppend(&out, "    subresources { name: \"", subresource.name(),
                        "\" verbs: ", QuotedList(subresource.verbs()), " }\n");
      }
      absl::StrAppend(&out, "  }\n");
    }
    absl::StrAppend(&out, "}\n");
  }
  return out;
}

}  // namespace rbacc
