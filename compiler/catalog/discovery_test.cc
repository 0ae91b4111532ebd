// Tests for building the catalogue from discovery documents. The main one shows
// that kubernetes.textproto is exactly what the refresh tool writes: discovery
// documents are made from it (without what virtual_resources.textproto adds),
// and converting them back gives the committed text byte for byte.
#include "compiler/catalog/discovery.h"

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace rbacc {
namespace {

std::string ReadRunfile(const std::string& relative) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  std::ifstream stream(absl::StrCat(srcdir, "/", workspace, "/", relative));
  std::stringstream content;
  content << stream.rdbuf();
  return content.str();
}

v1::Catalog ParseCatalog(const std::string& text) {
  v1::Catalog catalog;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &catalog));
  return catalog;
}

std::string JsonList(const std::vector<std::string>& values) {
  std::vector<std::string> quoted;
  for (const std::string& value : values) {
    quoted.push_back(absl::StrCat("\"", value, "\""));
  }
  return absl::StrCat("[", absl::StrJoin(quoted, ", "), "]");
}

// What an API server would list for `catalog` less `virtual_resources`: one
// APIResourceList per group.
std::vector<DiscoveryDocument> DiscoveryOf(
    const v1::Catalog& catalog, const v1::Catalog& virtual_resources) {
  std::set<std::string> virtual_verbs;
  std::set<std::pair<std::string, std::string>> virtual_only;
  for (const v1::ApiGroup& group : virtual_resources.groups()) {
    for (const v1::ApiResource& resource : group.resources()) {
      virtual_verbs.insert(resource.verbs().begin(), resource.verbs().end());
      virtual_only.insert({group.name(), resource.name()});
    }
  }
  std::vector<DiscoveryDocument> documents;
  for (const v1::ApiGroup& group : catalog.groups()) {
    std::vector<std::string> entries;
    for (const v1::ApiResource& resource : group.resources()) {
      std::vector<std::string> verbs;
      for (const std::string& verb : resource.verbs()) {
        if (virtual_verbs.count(verb) == 0) verbs.push_back(verb);
      }
      if (verbs.empty() &&
          virtual_only.count({group.name(), resource.name()})) {
        continue;
      }
      std::string names;
      if (!resource.kind().empty()) {
        names = absl::StrCat(", \"kind\": \"", resource.kind(),
                             "\", \"singularName\": \"",
                             resource.singular_name(), "\"");
      }
      if (!resource.short_names().empty()) {
        absl::StrAppend(&names, ", \"shortNames\": ",
                        JsonList({resource.short_names().begin(),
                                  resource.short_names().end()}));
      }
      entries.push_back(absl::StrCat(
          "{\"name\": \"", resource.name(),
          "\", \"namespaced\": ", resource.namespaced() ? "true" : "false",
          ", \"verbs\": ", JsonList(verbs), names, "}"));
      for (const v1::ApiSubresource& sub : resource.subresources()) {
        entries.push_back(absl::StrCat(
            "{\"name\": \"", resource.name(), "/", sub.name(),
            "\", \"namespaced\": ", resource.namespaced() ? "true" : "false",
            ", \"verbs\": ", JsonList({sub.verbs().begin(), sub.verbs().end()}),
            "}"));
      }
    }
    const std::string group_version =
        group.name().empty() ? "v1" : absl::StrCat(group.name(), "/v1");
    documents.push_back(
        {group_version,
         absl::StrCat("{\"kind\": \"APIResourceList\", \"groupVersion\": \"",
                      group_version, "\", \"resources\": [",
                      absl::StrJoin(entries, ", "), "]}")});
  }
  return documents;
}

TEST(DiscoveryTest, CommittedCatalogueIsWhatTheRefreshToolWrites) {
  const std::string committed =
      ReadRunfile("compiler/catalog/kubernetes.textproto");
  const v1::Catalog virtual_resources =
      ParseCatalog(ReadRunfile("compiler/catalog/virtual_resources.textproto"));
  const std::vector<DiscoveryDocument> documents =
      DiscoveryOf(ParseCatalog(committed), virtual_resources);
  ASSERT_GT(documents.size(), 15u);
  absl::StatusOr<v1::Catalog> rebuilt =
      CatalogFromDiscovery(documents, virtual_resources, "1.33");
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status();
  EXPECT_EQ(FormatCatalog(*rebuilt), committed);
}

TEST(DiscoveryTest, VersionsOfAGroupAreUnited) {
  const std::vector<DiscoveryDocument> documents = {
      {"autoscaling_v1.json",
       R"({"groupVersion": "autoscaling/v1", "resources": [
            {"name": "horizontalpodautoscalers", "namespaced": true,
             "verbs": ["get", "list"]}]})"},
      {"autoscaling_v2.json",
       R"({"groupVersion": "autoscaling/v2", "resources": [
            {"name": "horizontalpodautoscalers", "namespaced": true,
             "verbs": ["create", "get"]},
            {"name": "horizontalpodautoscalers/status", "namespaced": true,
             "verbs": ["get", "patch"]}]})"}};
  absl::StatusOr<v1::Catalog> catalog =
      CatalogFromDiscovery(documents, v1::Catalog(), "1.33");
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  ASSERT_EQ(catalog->groups_size(), 1);
  EXPECT_EQ(catalog->groups(0).name(), "autoscaling");
  const v1::ApiResource& hpa = catalog->groups(0).resources(0);
  EXPECT_TRUE(hpa.namespaced());
  EXPECT_EQ(std::vector<std::string>(hpa.verbs().begin(), hpa.verbs().end()),
            (std::vector<std::string>{"create", "get", "list"}));
  ASSERT_EQ(hpa.subresources_size(), 1);
  EXPECT_EQ(hpa.subresources(0).name(), "status");
}

TEST(DiscoveryTest, RejectsDocumentsThatAreNotResourceLists) {
  EXPECT_EQ(CatalogFromDiscovery({{"a.json", "{not json"}}, v1::Catalog(), "1")
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  const absl::Status status =
      CatalogFromDiscovery({{"groups.json", R"({"kind": "APIGroupList"})"}},
                           v1::Catalog(), "1")
          .status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(
      std::string(status.message()).find("groups.json: not an APIResourceList"),
      std::string::npos);
}

}  // namespace
}  // namespace rbacc
