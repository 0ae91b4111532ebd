// Tests for the catalogue lookups, on the built-in Kubernetes catalogue.
#include "compiler/catalog/catalog.h"

#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace rbacc {
namespace {

ResourceCatalog Builtin() {
  absl::StatusOr<ResourceCatalog> catalog = ResourceCatalog::Builtin();
  EXPECT_TRUE(catalog.ok()) << catalog.status();
  return *catalog;
}

TEST(CatalogTest, BuiltinDescribesKubernetes133) {
  const ResourceCatalog catalog = Builtin();
  EXPECT_EQ(catalog.kubernetes_version(), "1.33");
  for (const std::string group :
       {"", "apps", "batch", "autoscaling", "policy", "networking.k8s.io",
        "node.k8s.io", "storage.k8s.io", "rbac.authorization.k8s.io",
        "coordination.k8s.io", "discovery.k8s.io", "events.k8s.io",
        "scheduling.k8s.io", "certificates.k8s.io",
        "admissionregistration.k8s.io", "apiextensions.k8s.io"}) {
    EXPECT_TRUE(catalog.HasGroup(group)) << group;
  }
  for (const std::string verb :
       {"get", "list", "watch", "create", "update", "patch", "delete",
        "deletecollection", "use", "bind", "escalate", "impersonate", "approve",
        "sign", "attest"}) {
    EXPECT_TRUE(catalog.IsKnownVerb(verb)) << verb;
  }
  EXPECT_FALSE(catalog.IsKnownVerb("daemonsets"));
  EXPECT_FALSE(catalog.IsKnownVerb("*"));
}

TEST(CatalogTest, PodSubresources) {
  const ResourceCatalog catalog = Builtin();
  const v1::ApiResource* pods = catalog.Find("", "pods");
  ASSERT_NE(pods, nullptr);
  EXPECT_TRUE(pods->namespaced());
  for (const std::string sub :
       {"status", "log", "exec", "attach", "portforward", "proxy", "binding",
        "eviction", "ephemeralcontainers", "resize"}) {
    EXPECT_NE(FindSubresource(*pods, sub), nullptr) << sub;
  }
  EXPECT_EQ(FindSubresource(*pods, "scale"), nullptr);
  EXPECT_TRUE(catalog.GroupHasSubresource("apps", "scale"));
  EXPECT_FALSE(catalog.GroupHasSubresource("apps", "exec"));
}

TEST(CatalogTest, ScopesFromDiscovery) {
  const ResourceCatalog catalog = Builtin();
  struct Case {
    std::string group;
    std::string resource;
    bool namespaced;
  };
  for (const Case& c :
       std::vector<Case>{{"", "nodes", false},
                         {"", "namespaces", false},
                         {"", "secrets", true},
                         {"storage.k8s.io", "storageclasses", false},
                         {"node.k8s.io", "runtimeclasses", false},
                         {"networking.k8s.io", "ingressclasses", false},
                         {"networking.k8s.io", "ingresses", true},
                         {"rbac.authorization.k8s.io", "clusterroles", false},
                         {"rbac.authorization.k8s.io", "roles", true},
                         {"apps", "daemonsets", true}}) {
    const v1::ApiResource* resource = catalog.Find(c.group, c.resource);
    ASSERT_NE(resource, nullptr) << c.group << "/" << c.resource;
    EXPECT_EQ(resource->namespaced(), c.namespaced)
        << c.group << "/" << c.resource;
  }
}

TEST(CatalogTest, GroupsWithFindsWhereAResourceLives) {
  const ResourceCatalog catalog = Builtin();
  EXPECT_EQ(catalog.GroupsWith("deployments"),
            std::vector<std::string>{"apps"});
  EXPECT_EQ(catalog.GroupsWith("events"),
            (std::vector<std::string>{"", "events.k8s.io"}));
  EXPECT_TRUE(catalog.GroupsWith("apps").empty());
  EXPECT_EQ(catalog.Find("", "deployments"), nullptr);
  EXPECT_TRUE(catalog.ResourceNames("no.such.group").empty());
}

// kubectl's spellings of a resource type (kubectl api-resources lists the
// same short names and kinds).
TEST(CatalogTest, ResolvesKubectlSpellings) {
  const ResourceCatalog catalog = Builtin();
  struct Case {
    std::string typed;
    std::optional<std::string> group;
    std::string want_group;
    std::string want_resource;
  };
  for (const Case& c : std::vector<Case>{
           {"pods", std::nullopt, "", "pods"},
           {"po", std::nullopt, "", "pods"},
           {"PODS", std::nullopt, "", "pods"},
           {"pod", std::nullopt, "", "pods"},
           {"Pod", std::nullopt, "", "pods"},
           {"svc", std::nullopt, "", "services"},
           {"deploy", std::nullopt, "apps", "deployments"},
           {"deployment", std::nullopt, "apps", "deployments"},
           {"Deployment", std::nullopt, "apps", "deployments"},
           {"deployments", std::string("apps"), "apps", "deployments"},
           {"ev", std::nullopt, "", "events"},
           {"ev", std::string("events.k8s.io"), "events.k8s.io", "events"},
           {"events", std::nullopt, "", "events"},
           {"crd", std::nullopt, "apiextensions.k8s.io",
            "customresourcedefinitions"},
           {"netpol", std::nullopt, "networking.k8s.io", "networkpolicies"},
           {"hpa", std::nullopt, "autoscaling", "horizontalpodautoscalers"},
           {"sa", std::nullopt, "", "serviceaccounts"},
           {"ns", std::nullopt, "", "namespaces"},
           {"cj", std::nullopt, "batch", "cronjobs"},
           {"clusterrole", std::nullopt, "rbac.authorization.k8s.io",
            "clusterroles"},
       }) {
    std::string group, resource;
    ASSERT_TRUE(
        catalog.ResolveResourceName(c.typed, c.group, &group, &resource))
        << c.typed;
    EXPECT_EQ(group, c.want_group) << c.typed;
    EXPECT_EQ(resource, c.want_resource) << c.typed;
  }
  std::string group, resource;
  EXPECT_FALSE(catalog.ResolveResourceName("frobnicators", std::nullopt, &group,
                                           &resource));
  EXPECT_FALSE(catalog.ResolveResourceName("deployments", std::string(""),
                                           &group, &resource));
  EXPECT_FALSE(
      catalog.ResolveResourceName("", std::nullopt, &group, &resource));
}

TEST(CatalogTest, CustomResourcesExtendIt) {
  ResourceCatalog catalog = Builtin();
  v1::CustomResource workloads;
  workloads.set_api_group("kueue.x-k8s.io");
  workloads.set_resource("workloads");
  workloads.set_namespaced(true);
  workloads.add_subresources("status");
  catalog.AddCustomResource(workloads);
  ASSERT_TRUE(catalog.HasGroup("kueue.x-k8s.io"));
  const v1::ApiResource* resource = catalog.Find("kueue.x-k8s.io", "workloads");
  ASSERT_NE(resource, nullptr);
  EXPECT_TRUE(resource->namespaced());
  EXPECT_NE(FindSubresource(*resource, "status"), nullptr);
  // A custom declaration never changes a built-in resource.
  v1::CustomResource nodes;
  nodes.set_resource("nodes");
  nodes.set_namespaced(true);
  catalog.AddCustomResource(nodes);
  EXPECT_FALSE(catalog.Find("", "nodes")->namespaced());
}

TEST(CatalogTest, FromTextRejectsGarbage) {
  EXPECT_FALSE(ResourceCatalog::FromText("groups { nme: \"x\" }").ok());
}

}  // namespace
}  // namespace rbacc
