// Tests for kubectl-style request arguments and `--as` identities. The
// expected identities are those the API server's impersonation filter
// (k8s.io/apiserver/pkg/endpoints/filters/impersonation.go) builds.
#include "compiler/review/request_parser.h"

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "compiler/common/authorizer.h"
#include "compiler/common/rbac_objects.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace rbacc {
namespace {

using ::testing::ElementsAre;

// The request kubectl auth can-i would make for a typed resource.
TEST(ParseRequestTest, ReadsKubectlSpellings) {
  const RbacObjects none;
  struct Case {
    std::string typed;
    std::string group;
    std::string resource;
    std::string subresource;
  };
  for (const Case& c : std::vector<Case>{
           {"pods", "", "pods", ""},
           {"po", "", "pods", ""},
           {"PODS", "", "pods", ""},
           {"Pod/Log", "", "pods", "Log"},
           {"svc", "", "services", ""},
           {"deploy", "apps", "deployments", ""},
           {"Deployment", "apps", "deployments", ""},
           {"deployments.apps", "apps", "deployments", ""},
           {"deployments.v1.apps", "apps", "deployments", ""},
           {"deployments.v1.apps/scale", "apps", "deployments", "scale"},
           {"ingresses.networking.k8s.io", "networking.k8s.io", "ingresses",
            ""},
           {"events", "", "events", ""},
           {"ev.events.k8s.io", "events.k8s.io", "events", ""},
           {"*", "", "*", ""},
       }) {
    std::string warning;
    const absl::StatusOr<Request> request =
        ParseRequest("get", c.typed, "", "default", none, &warning);
    ASSERT_TRUE(request.ok()) << c.typed;
    EXPECT_EQ(request->api_group, c.group) << c.typed;
    EXPECT_EQ(request->resource, c.resource) << c.typed;
    EXPECT_EQ(request->subresource, c.subresource) << c.typed;
    EXPECT_EQ(warning, "") << c.typed;
  }
}

TEST(ParseRequestTest, UnknownTypesWarnAsKubectl) {
  RbacObjects objects;
  CompiledRule& rule = objects.roles.emplace_back().rules.emplace_back();
  rule.rule = {{"kueue.x-k8s.io"}, {"workloads"}, {"get"}, {}, {}};
  std::string warning;
  absl::StatusOr<Request> request =
      ParseRequest("get", "frobnicators", "", "ns", objects, &warning);
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(request->resource, "frobnicators");
  EXPECT_EQ(warning,
            "Warning: the server doesn't have a resource type 'frobnicators'");
  warning.clear();
  request = ParseRequest("get", "pods.apps", "", "ns", objects, &warning);
  EXPECT_EQ(warning,
            "Warning: the server doesn't have a resource type 'pods' in "
            "group 'apps'");
  // A custom resource the policy grants is known; users and groups never warn.
  for (const std::string typed :
       {"workloads", "workloads.kueue.x-k8s.io", "users", "groups"}) {
    warning.clear();
    request = ParseRequest("impersonate", typed, "", "", objects, &warning);
    ASSERT_TRUE(request.ok());
    EXPECT_EQ(warning, "") << typed;
  }
  request = ParseRequest("get", "workloads", "", "", objects, &warning);
  EXPECT_EQ(request->api_group, "kueue.x-k8s.io");
}

TEST(UserFromAsTest, UserGetsAuthenticated) {
  const UserInfo user = UserFromAs("alice", {});
  EXPECT_EQ(user.name, "alice");
  EXPECT_THAT(user.groups, ElementsAre("system:authenticated"));
  EXPECT_THAT(UserFromAs("alice", {"ml-team"}).groups,
              ElementsAre("ml-team", "system:authenticated"));
}

TEST(UserFromAsTest, AnonymousGetsUnauthenticated) {
  EXPECT_THAT(UserFromAs("system:anonymous", {}).groups,
              ElementsAre("system:unauthenticated"));
  EXPECT_THAT(UserFromAs("system:anonymous", {"system:unauthenticated"}).groups,
              ElementsAre("system:unauthenticated"));
  EXPECT_THAT(UserFromAs("system:anonymous", {"system:authenticated"}).groups,
              ElementsAre("system:authenticated", "system:unauthenticated"));
}

TEST(UserFromAsTest, ExplicitUnauthenticatedGetsNoAuthenticated) {
  EXPECT_THAT(UserFromAs("bob", {"system:unauthenticated"}).groups,
              ElementsAre("system:unauthenticated"));
  EXPECT_THAT(UserFromAs("bob", {"system:authenticated", "x"}).groups,
              ElementsAre("system:authenticated", "x"));
}

TEST(UserFromAsTest, ServiceAccountGroupsAreReplacedByGivenGroups) {
  const UserInfo plain = UserFromAs("system:serviceaccount:ml:runner", {});
  EXPECT_EQ(plain.name, "system:serviceaccount:ml:runner");
  EXPECT_THAT(plain.groups,
              ElementsAre("system:serviceaccounts", "system:serviceaccounts:ml",
                          "system:authenticated"));
  EXPECT_EQ(plain.groups, ServiceAccountUser("ml", "runner").groups);

  EXPECT_THAT(UserFromAs("system:serviceaccount:ml:runner", {"ops"}).groups,
              ElementsAre("ops", "system:authenticated"));
}

TEST(UserFromAsTest, MalformedServiceAccountNamesAreUsers) {
  EXPECT_THAT(UserFromAs("system:serviceaccount:ml", {}).groups,
              ElementsAre("system:authenticated"));
  EXPECT_THAT(UserFromAs("system:serviceaccount:ml:a:b", {}).groups,
              ElementsAre("system:authenticated"));
}

// What the identities are for: a binding to system:unauthenticated applies to
// the anonymous user and not to an authenticated one; one to
// system:serviceaccounts:ml stops applying once --as-group replaces it.
TEST(UserFromAsTest, IdentitiesEvaluateAsTheApiServerWould) {
  RbacObjects objects;
  RoleObject& role = objects.roles.emplace_back();
  role.metadata.name = "reader";
  CompiledRule& rule = role.rules.emplace_back();
  rule.rule = {{""}, {"pods"}, {"get"}, {}, {}};
  for (const std::string group :
       {"system:unauthenticated", "system:serviceaccounts:ml"}) {
    BindingObject& binding = objects.bindings.emplace_back();
    binding.metadata.name = group;
    binding.role_kind = "ClusterRole";
    binding.role_name = "reader";
    binding.subjects.push_back({"Group", group, ""});
  }
  Request request;
  request.verb = "get";
  request.resource = "pods";
  request.namespace_name = "default";
  const Authorizer authorizer(objects);
  EXPECT_TRUE(authorizer.Allows(UserFromAs("system:anonymous", {}), request));
  EXPECT_FALSE(authorizer.Allows(UserFromAs("alice", {}), request));
  EXPECT_TRUE(authorizer.Allows(UserFromAs("alice", {"system:unauthenticated"}),
                                request));
  EXPECT_TRUE(authorizer.Allows(
      UserFromAs("system:serviceaccount:ml:runner", {}), request));
  EXPECT_FALSE(authorizer.Allows(
      UserFromAs("system:serviceaccount:ml:runner", {"ops"}), request));
}

}  // namespace
}  // namespace rbacc
