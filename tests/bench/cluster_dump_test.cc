// The generated cluster dump of the benchmark reads as kubectl's output does
// and holds what its rows claim: that many objects, one binding of the
// compared account, which the authorizer evaluates as written.
#include "tests/bench/cluster_dump.h"

#include "absl/status/statusor.h"
#include "compiler/common/authorizer.h"
#include "compiler/common/rbac_objects.h"
#include "compiler/review/rbac_yaml_reader.h"
#include "gtest/gtest.h"

namespace rbacc::bench {
namespace {

TEST(ClusterDumpTest, HoldsThatManyObjectsAndTheComparedBinding) {
  const absl::StatusOr<RbacObjects> objects =
      ReadRbacYaml(ClusterDumpYaml(1000), "dump.yaml");
  ASSERT_TRUE(objects.ok()) << objects.status();
  EXPECT_EQ(objects->roles.size() + objects->bindings.size(), 1000u);
  int sky_bindings = 0;
  for (const BindingObject& binding : objects->bindings) {
    for (const Subject& subject : binding.subjects) {
      sky_bindings += subject.name == "sky-sa";
    }
  }
  EXPECT_EQ(sky_bindings, 1);
  // Every binding finds its role, as in a real cluster.
  for (const BindingObject& binding : objects->bindings) {
    EXPECT_NE(FindBoundRole(*objects, binding), nullptr)
        << binding.metadata.name;
  }
  const Authorizer authorizer(*objects);
  const UserInfo sky = ServiceAccountUser("default", "sky-sa");
  Request request;
  request.verb = "list";
  request.resource = "pods";
  request.namespace_name = "default";
  EXPECT_TRUE(authorizer.Allows(sky, request));
  request.verb = "delete";
  EXPECT_FALSE(authorizer.Allows(sky, request));
}

TEST(ClusterDumpTest, ParsesItsCaseNames) {
  EXPECT_EQ(ParseDumpCase("dump-10k"), 10000);
  EXPECT_EQ(ParseDumpCase("dump-1k"), 1000);
  EXPECT_EQ(ParseDumpCase("fleet-1k"), std::nullopt);
}

}  // namespace
}  // namespace rbacc::bench
