// Writes kubernetes.textproto from a cluster's API discovery documents:
//   catalog_from_discovery --kubernetes_version=1.34 \
//       --virtual_resources=compiler/catalog/virtual_resources.textproto \
//       discovery/*.json > compiler/catalog/kubernetes.textproto
// compiler/catalog/refresh.sh runs kubectl and this tool together.
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/statusor.h"
#include "compiler/catalog/discovery.h"
#include "google/protobuf/text_format.h"

ABSL_FLAG(std::string, kubernetes_version, "",
          "The cluster's Kubernetes version, e.g. 1.34.");
ABSL_FLAG(std::string, virtual_resources, "",
          "compiler/catalog/virtual_resources.textproto.");

namespace {

bool ReadFile(const std::string& path, std::string* content) {
  std::ifstream stream(path, std::ios::binary);
  if (!stream) return false;
  std::stringstream buffer;
  buffer << stream.rdbuf();
  *content = buffer.str();
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "catalog_from_discovery --kubernetes_version=V "
      "--virtual_resources=FILE DISCOVERY.json...");
  const std::vector<char*> arguments = absl::ParseCommandLine(argc, argv);
  if (absl::GetFlag(FLAGS_kubernetes_version).empty() || arguments.size() < 2) {
    std::cerr << "usage: catalog_from_discovery --kubernetes_version=V "
                 "--virtual_resources=FILE DISCOVERY.json...\n";
    return 2;
  }
  std::string virtual_text;
  rbacc::v1::Catalog virtual_resources;
  if (!ReadFile(absl::GetFlag(FLAGS_virtual_resources), &virtual_text) ||
      !google::protobuf::TextFormat::ParseFromString(virtual_text,
                                                     &virtual_resources)) {
    std::cerr << "--virtual_resources: cannot read a rbacc.v1.Catalog from \""
              << absl::GetFlag(FLAGS_virtual_resources) << "\"\n";
    return 2;
  }
  std::vector<rbacc::DiscoveryDocument> documents;
  for (size_t i = 1; i < arguments.size(); ++i) {
    rbacc::DiscoveryDocument document{arguments[i], ""};
    if (!ReadFile(document.name, &document.json)) {
      std::cerr << document.name << ": cannot be read\n";
      return 2;
    }
    documents.push_back(std::move(document));
  }
  absl::StatusOr<rbacc::v1::Catalog> catalog = rbacc::CatalogFromDiscovery(
      documents, virtual_resources, absl::GetFlag(FLAGS_kubernetes_version));
  if (!catalog.ok()) {
    std::cerr << catalog.status().message() << "\n";
    return 2;
  }
  std::cout << rbacc::FormatCatalog(*catalog);
  return 0;
}
