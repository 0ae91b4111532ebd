// can-i and explain on RBAC YAML that binds Kubernetes' built-in ClusterRoles
// (edit, view, cluster-admin) without defining them: the bootstrap policy's
// roles apply, as on a cluster, with a note saying so; a role found nowhere
// stays a warning. Every answer is compared with the authorizer's evaluation
// of the file's objects with the built-in roles added and aggregation
// resolved.
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "compiler/cli/can_i_command.h"
#include "compiler/cli/explain_command.h"
#include "compiler/common/aggregation.h"
#include "compiler/common/authorizer.h"
#include "compiler/review/builtin_roles.h"
#include "compiler/review/rbac_yaml_reader.h"
#include "compiler/review/request_parser.h"
#include "gtest/gtest.h"
#include "tests/testing/workspace.h"

namespace rbacc {
namespace {

using ::rbacc::testing::ReadFileOrDie;
using ::rbacc::testing::RunfilePath;

constexpr char kFile[] = "tests/testdata/builtin-role-bindings.yaml";

// The file's objects as a cluster holds them.
RbacObjects OnACluster() {
  absl::StatusOr<RbacObjects> objects =
      ReadRbacYaml(ReadFileOrDie(RunfilePath(kFile)), kFile);
  EXPECT_TRUE(objects.ok()) << objects.status();
  if (!objects.ok()) return {};
  AddBuiltinClusterRoles(&*objects);
  ResolveAggregation(&*objects);
  return *objects;
}

struct Question {
  std::string as;
  std::vector<std::string> groups;
  std::string verb;
  // As typed on the command line.
  std::string typed;
  // The canonical request.
  std::string group;
  std::string resource;
  std::string namespace_name;
  // What a cluster answers.
  bool expected;
};

TEST(BuiltinRoleBindingTest, CanIAgreesWithTheAuthorizer) {
  const RbacObjects objects = OnACluster();
  const Authorizer authorizer(objects);
  for (const Question& q : std::vector<Question>{
           {"alice",
            {},
            "create",
            "deployments.apps",
            "apps",
            "deployments",
            "team-a",
            true},
           {"alice", {}, "get", "secrets", "", "secrets", "team-a", true},
           {"alice", {}, "list", "pods", "", "pods", "team-a", true},
           {"alice",
            {},
            "create",
            "deployments.apps",
            "apps",
            "deployments",
            "team-b",
            false},
           {"alice",
            {},
            "create",
            "roles.rbac.authorization.k8s.io",
            "rbac.authorization.k8s.io",
            "roles",
            "team-a",
            false},
           {"bob", {}, "get", "pods", "", "pods", "team-a", true},
           {"bob", {}, "get", "secrets", "", "secrets", "team-a", false},
           {"bob", {}, "delete", "pods", "", "pods", "team-a", false},
           {"dave",
            {"platform-admins"},
            "delete",
            "nodes",
            "",
            "nodes",
            "",
            true},
           {"dave",
            {"platform-admins"},
            "create",
            "clusterroles",
            "rbac.authorization.k8s.io",
            "clusterroles",
            "",
            true},
           {"dave",
            {"platform-admins"},
            "get",
            "secrets",
            "",
            "secrets",
            "kube-system",
            true},
           {"carol", {}, "get", "pods", "", "pods", "team-a", false},
       }) {
    Request request;
    request.verb = q.verb;
    request.api_group = q.group;
    request.resource = q.resource;
    request.namespace_name = q.namespace_name;
    const bool allowed = authorizer.Allows(UserFromAs(q.as, q.groups), request);
    EXPECT_EQ(allowed, q.expected) << q.as << " " << q.verb << " " << q.typed;
    CanIOptions options;
    options.policy.yaml_path = RunfilePath(kFile);
    options.policy.label = kFile;
    options.request = {q.verb, q.typed};
    options.request_namespace = q.namespace_name;
    options.all_namespaces = q.namespace_name.empty();
    options.as = q.as;
    options.as_groups = q.groups;
    std::ostringstream out, err;
    const int exit = RunCanI(options, out, err);
    EXPECT_EQ(out.str(), allowed ? "yes\n" : "no\n")
        << q.as << " " << q.verb << " " << q.typed << "\n"
        << err.str();
    EXPECT_EQ(exit, allowed ? kExitYes : kExitNo) << err.str();
  }
}

TEST(BuiltinRoleBindingTest, NotesTheBuiltInRolesAndWarnsAboutTheMissingOne) {
  CanIOptions options;
  options.policy.yaml_path = RunfilePath(kFile);
  options.policy.label = kFile;
  options.request = {"create", "deployments.apps"};
  options.request_namespace = "team-a";
  options.as = "alice";
  std::ostringstream out, err;
  EXPECT_EQ(RunCanI(options, out, err), kExitYes) << err.str();
  for (const char* role : {"edit", "view", "cluster-admin"}) {
    EXPECT_TRUE(absl::StrContains(
        err.str(), absl::StrCat(role,
                                ": Kubernetes' built-in ClusterRole "
                                "(bootstrap policy 1.33)")))
        << role << "\n"
        << err.str();
  }
  EXPECT_TRUE(
      absl::StrContains(err.str(),
                        "RoleBinding team-a/carol-lead refers to ClusterRole "
                        "team-lead, which"))
      << err.str();
  EXPECT_TRUE(absl::StrContains(err.str(), "it grants nothing here"))
      << err.str();
}

TEST(BuiltinRoleBindingTest, ExplainNamesTheBuiltInRole) {
  ExplainOptions options;
  options.policy.yaml_path = RunfilePath(kFile);
  options.policy.label = kFile;
  options.request = {"delete", "nodes"};
  options.all_namespaces = true;
  options.as = "dave";
  options.as_groups = {"platform-admins"};
  std::ostringstream out, err;
  EXPECT_EQ(RunExplain(options, out, err), 0) << err.str();
  EXPECT_TRUE(absl::StrContains(out.str(), "ClusterRole cluster-admin"))
      << out.str();
  EXPECT_TRUE(absl::StrContains(out.str(),
                                "cluster-admin: Kubernetes' built-in "
                                "ClusterRole (bootstrap policy 1.33)"))
      << out.str();
}

}  // namespace
}  // namespace rbacc
