#include "compiler/catalog/catalog.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "compiler/catalog/builtin_catalog_text.h"
#include "google/protobuf/text_format.h"

namespace rbacc {

absl::StatusOr<ResourceCatalog> ResourceCatalog::Builtin() {
  absl::StatusOr<ResourceCatalog> catalog = FromText(kBuiltinCatalogText);
  if (!catalog.ok()) {
    return absl::InternalError(absl::StrCat(
        "the built-in catalogue is broken: ", catalog.status().message()));
  }
  return catalog;
}

absl::StatusOr<ResourceCatalog> ResourceCatalog::FromText(
    const std::string& text) {
  v1::Catalog proto;
  if (!google::protobuf::TextFormat::ParseFromString(text, &proto)) {
    return absl::InvalidArgumentError(
        "the catalogue is not a valid rbacc.v1.Catalog");
  }
  ResourceCatalog catalog;
  catalog.kubernetes_version_ = proto.kubernetes_version();
  catalog.verbs_.assign(proto.verbs().begin(), proto.verbs().end());
  for (const v1::ApiGroup& group : proto.groups()) {
    auto& resources = catalog.groups_[group.name()];
    for (const v1::ApiResource& resource : group.resources()) {
      resources[resource.name()] = resource;
    }
  }
  return catalog;
}

void ResourceCatalog::AddCustomResource(const v1::CustomResource& custom) {
  auto& resources = groups_[custom.api_group()];
  if (resources.count(custom.resource()) > 0) return;
  v1::ApiResource& resource = resources[custom.resource()];
  resource.set_name(custom.resource());
  resource.set_namespaced(custom.namespaced());
  for (const std::string& verb : verbs_) resource.add_verbs(verb);
  for (const std::string& name : custom.subresources()) {
    v1::ApiSubresource* subresource = resource.add_subresources();
    subresource->set_name(name);
    for (const std::string& verb : verbs_) subresource->add_verbs(verb);
  }
}

bool ResourceCatalog::IsKnownVerb(absl::string_view verb) const {
  return std::find(verbs_.begin(), verbs_.end(), verb) != verbs_.end();
}

bool ResourceCatalog::HasGroup(absl::string_view group) const {
  return groups_.find(group) != groups_.end();
}

std::vector<std::string> ResourceCatalog::GroupNames() const {
  std::vector<std::string> names;
  for (const auto& [name, resources] : groups_) names.push_back(name);
  return names;
}

const v1::ApiResource* ResourceCatalog::Find(absl::string_view group,
                                             absl::string_view resource) const {
  const auto found_group = groups_.find(group);
  if (found_group == groups_.end()) return nullptr;
  const auto found = found_group->second.find(resource);
  return found == found_group->second.end() ? nullptr : &found->second;
}

std::vector<std::string> ResourceCatalog::GroupsWith(
    absl::string_view resource) const {
  std::vector<std::string> names;
  for (const auto& [name, resources] : groups_) {
    if (resources.find(resource) != resources.end()) names.push_back(name);
  }
  return names;
}

bool ResourceCatalog::ResolveResourceName(
    absl::string_view name, const std::optional<std::string>& group,
    std::string* found_group, std::string* plural) const {
  const std::string lower = absl::AsciiStrToLower(name);
  if (lower.empty()) return false;
  // Pass 0 compares plurals, pass 1 singular names and kinds, pass 2 short
  // names: a plural is never shadowed by another resource's short name.
  const auto matches = [&](const v1::ApiResource& resource, int pass) {
    switch (pass) {
      case 0:
        return resource.name() == lower;
      case 1:
        return resource.singular_name() == lower ||
               absl::AsciiStrToLower(resource.kind()) == lower;
      default:
        return std::find(resource.short_names().begin(),
                         resource.short_names().end(),
                         lower) != resource.short_names().end();
    }
  };
  for (int pass = 0; pass < 3; ++pass) {
    // groups_ is sorted by name, so the core group ("") comes first.
    for (const auto& [group_name, resources] : groups_) {
      if (group.has_value() && group_name != *group) continue;
      for (const auto& [resource_name, resource] : resources) {
        if (!matches(resource, pass)) continue;
        *found_group = group_name;
        *plural = resource_name;
        return true;
      }
    }
  }
  return false;
}

std::vector<std::string> ResourceCatalog::ResourceNames(
    absl::string_view group) const {
  std::vector<std::string> names;
  const auto found = groups_.find(group);
  if (found == groups_.end()) return names;
  for (const auto& [name, resource] : found->second) names.push_back(name);
  return names;
}

bool ResourceCatalog::GroupHasSubresource(absl::string_view group,
                                          absl::string_view subresource) const {
  const auto found = groups_.find(group);
  if (found == groups_.end()) return false;
  for (const auto& [name, resource] : found->second) {
    if (FindSubresource(resource, subresource) != nullptr) return true;
  }
  return false;
}

const v1::ApiSubresource* FindSubresource(const v1::ApiResource& resource,
                                          absl::string_view name) {
  for (const v1::ApiSubresource& subresource : resource.subresources()) {
    if (subresource.name() == name) return &subresource;
  }
  return nullptr;
}

}  // namespace rbacc
