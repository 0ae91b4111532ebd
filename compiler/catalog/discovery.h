// Builds the catalogue from a cluster's API discovery documents, so that
// kubernetes.textproto can be refreshed for a new Kubernetes version instead of
// edited by hand (see compiler/catalog/README.md).
#ifndef RBACC_COMPILER_CATALOG_DISCOVERY_H_
#define RBACC_COMPILER_CATALOG_DISCOVERY_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "proto/rbacc/v1/catalog.pb.h"

namespace rbacc {

// One discovery document: an APIResourceList as `kubectl get --raw /api/v1` or
// `kubectl get --raw /apis/<group>/<version>` prints it (JSON).
struct DiscoveryDocument {
  // Where it came from, for error messages.
  std::string name;
  std::string json;
};

// Merges the documents into a catalogue for `kubernetes_version`: every
// resource of every group (over all versions: verbs united, scope from the
// resource), "pods/exec"-style entries as subresources, then
// `virtual_resources` (resources and verbs discovery does not list) united in.
// The verb list is `virtual_resources.verbs()`. Groups and resources are sorted
// by name, verbs alphabetically. Returns InvalidArgumentError naming the
// document for JSON that is not an APIResourceList.
absl::StatusOr<v1::Catalog> CatalogFromDiscovery(
    const std::vector<DiscoveryDocument>& documents,
    const v1::Catalog& virtual_resources,
    const std::string& kubernetes_version);

// Returns `catalog` as the text of kubernetes.textproto: the explanatory
// header, then the catalogue with lists on one line.
std::string FormatCatalog(const v1::Catalog& catalog);

}  // namespace rbacc

#endif  // RBACC_COMPILER_CATALOG_DISCOVERY_H_
