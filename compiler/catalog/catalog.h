// Kubernetes' API groups, resources, subresources, scopes and verbs, for
// checking rules: the built-in catalogue of one pinned Kubernetes version
// (kubernetes.textproto) plus a bundle's custom resources.
//
//   absl::StatusOr<ResourceCatalog> catalog = ResourceCatalog::Builtin();
//   const v1::ApiResource* pods = catalog->Find("", "pods");  // namespaced,
//   with "exec", ...
#ifndef RBACC_COMPILER_CATALOG_CATALOG_H_
#define RBACC_COMPILER_CATALOG_CATALOG_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "proto/rbacc/v1/catalog.pb.h"
#include "proto/rbacc/v1/policy.pb.h"

namespace rbacc {

// Lookups over a catalogue. Copyable; lookups are by exact, case-sensitive
// name.
class ResourceCatalog {
 public:
  // Returns the catalogue compiled into rbacc. Returns InternalError when the
  // embedded text does not parse (a build defect).
  static absl::StatusOr<ResourceCatalog> Builtin();

  // Parses a catalogue from protobuf text format. Returns InvalidArgumentError
  // with the parser's message when it does not parse.
  static absl::StatusOr<ResourceCatalog> FromText(const std::string& text);

  // Adds a bundle's custom resource (its group too, when new). A resource
  // already known keeps the catalogue's description.
  void AddCustomResource(const v1::CustomResource& custom);

  // The Kubernetes version the catalogue describes, e.g. "1.33".
  const std::string& kubernetes_version() const { return kubernetes_version_; }

  // The verbs RBAC knows, in the catalogue's order.
  const std::vector<std::string>& verbs() const { return verbs_; }

  // True when `verb` is one of verbs().
  bool IsKnownVerb(absl::string_view verb) const;

  // True when the catalogue has API group `group` ("" is the core group).
  bool HasGroup(absl::string_view group) const;

  // Every group name, sorted.
  std::vector<std::string> GroupNames() const;

  // The resource `resource` (without subresource) of `group`, or nullptr.
  const v1::ApiResource* Find(absl::string_view group,
                              absl::string_view resource) const;

  // The groups that have a resource named `resource`, sorted.
  std::vector<std::string> GroupsWith(absl::string_view resource) const;

  // The group and plural name of the resource that `name` names, as kubectl's
  // RESTMapper and short-name expander resolve a typed resource: `name` is
  // compared case-insensitively with each resource's plural, then its
  // singular name and kind, then its short names ("po", "deploy"). When
  // `group` is set only that group is searched, else the core group first and
  // then the others by name. Returns false when no resource matches.
  bool ResolveResourceName(absl::string_view name,
                           const std::optional<std::string>& group,
                           std::string* found_group, std::string* plural) const;

  // The resource names of `group`, sorted (none for an unknown group).
  std::vector<std::string> ResourceNames(absl::string_view group) const;

  // True when some resource of `group` has subresource `subresource`.
  bool GroupHasSubresource(absl::string_view group,
                           absl::string_view subresource) const;

 private:
  ResourceCatalog() = default;

  std::string kubernetes_version_;
  std::vector<std::string> verbs_;
  // group -> resource -> description.
  std::map<std::string, std::map<std::string, v1::ApiResource, std::less<>>,
           std::less<>>
      groups_;
};

// Returns the subresource named `name` of `resource`, or nullptr.
const v1::ApiSubresource* FindSubresource(const v1::ApiResource& resource,
                                          absl::string_view name);

}  // namespace rbacc

#endif  // RBACC_COMPILER_CATALOG_CATALOG_H_
