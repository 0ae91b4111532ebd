// Each identity the SkyPilot bundle supports binds exactly the intended
// subjects: evaluated on the committed profiles' rbac.yaml, the intended
// subject gets what sky-sa gets in the `full` or `minimal` profile (with the
// account moved to the subject's namespace), and nobody else gets anything.
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_replace.h"
#include "compiler/common/authorizer.h"
#include "gtest/gtest.h"
#include "tests/testing/workspace.h"

namespace rbacc {
namespace {

using ::rbacc::testing::AllowedRequests;
using ::rbacc::testing::ReadRbacFile;
using ::rbacc::testing::RequestUniverse;
using ::rbacc::testing::RunfilePath;

RbacObjects Committed(const std::string& profile) {
  return ReadRbacFile(
      RunfilePath("outputs/skypilot/" + profile + "/rbac.yaml"));
}

// `objects` with the account default/sky-sa moved to `namespace_name`/`name`:
// objects in namespace default move along, subjects naming it are renamed.
RbacObjects MovedAccount(RbacObjects objects, const std::string& namespace_name,
                         const std::string& name) {
  const auto move = [&](ObjectMeta& meta) {
    if (meta.namespace_name == "default") meta.namespace_name = namespace_name;
  };
  for (ObjectMeta& meta : objects.service_accounts) move(meta);
  for (RoleObject& role : objects.roles) move(role.metadata);
  for (BindingObject& binding : objects.bindings) {
    move(binding.metadata);
    for (Subject& subject : binding.subjects) {
      if (subject.kind == "ServiceAccount" && subject.name == "sky-sa" &&
          subject.namespace_name == "default") {
        subject = Subject{"ServiceAccount", name, namespace_name};
      }
    }
  }
  return objects;
}

struct IdentityCase {
  // The committed profile.
  std::string profile;
  // The reference profile granting the same features to default/sky-sa.
  std::string reference;
  // Who must get the reference's permissions.
  UserInfo intended;
  // Where the reference's account moves to get them: its namespace and name.
  std::string account_namespace;
  std::string account_name;
  // Whether rbac.yaml creates a ServiceAccount.
  bool creates_account;
};

class IdentityTest : public ::testing::TestWithParam<IdentityCase> {};

TEST_P(IdentityTest, BindsExactlyTheIntendedSubjects) {
  const IdentityCase& c = GetParam();
  const RbacObjects objects = Committed(c.profile);
  const RbacObjects reference = Committed(c.reference);
  const std::vector<Request> universe = RequestUniverse({&objects, &reference});
  const std::set<std::string> expected = AllowedRequests(
      MovedAccount(reference, c.account_namespace, c.account_name),
      ServiceAccountUser(c.account_namespace, c.account_name), universe);
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(AllowedRequests(objects, c.intended, universe), expected);

  for (const UserInfo& other :
       {ServiceAccountUser("default", "sky-sa"),
        ServiceAccountUser("default", "skypilot-service-account"),
        ServiceAccountUser("kube-system", "default"),
        UserInfo{"mallory", {"system:authenticated"}}}) {
    if (other.name == c.intended.name) continue;
    EXPECT_TRUE(AllowedRequests(objects, other, universe).empty())
        << other.name;
  }
  EXPECT_EQ(!objects.service_accounts.empty(), c.creates_account);
}

INSTANTIATE_TEST_SUITE_P(
    Profiles, IdentityTest,
    ::testing::Values(
        IdentityCase{"full", "full", ServiceAccountUser("default", "sky-sa"),
                     "default", "sky-sa", true},
        IdentityCase{"service-account", "full",
                     ServiceAccountUser("default", "skypilot-service-account"),
                     "default", "skypilot-service-account", true},
        IdentityCase{
            "local-credentials", "full",
            UserInfo{"alice", {"skypilot-users", "system:authenticated"}},
            "default", "sky-sa", false},
        IdentityCase{"no-upload", "minimal", UserInfo{"skypilot", {}},
                     "default", "sky-sa", false},
        IdentityCase{"existing-account", "minimal",
                     ServiceAccountUser("ci", "ci-runner"), "ci", "ci-runner",
                     false}),
    [](const ::testing::TestParamInfo<IdentityCase>& info) {
      return absl::StrReplaceAll(info.param.profile, {{"-", "_"}});
    });

TEST(IdentityTest, ServiceAccountModeUsesTheNamesSkyPilotLooksFor) {
  const RbacObjects objects = Committed("service-account");
  std::set<std::string> names;
  for (const RoleObject& role : objects.roles) names.insert(role.metadata.name);
  for (const BindingObject& binding : objects.bindings) {
    names.insert(binding.metadata.name);
  }
  for (const std::string name :
       {"skypilot-service-account-role",
        "skypilot-service-account-role-binding",
        "skypilot-service-account-cluster-role",
        "skypilot-service-account-cluster-role-binding",
        "skypilot-system-service-account-role"}) {
    EXPECT_EQ(names.count(name), 1u) << name;
  }
}

TEST(IdentityTest, EveryTeamNamespaceGetsTheNamespacedRoleOnlyThere) {
  const RbacObjects teams = Committed("teams");
  const RbacObjects full = Committed("full");
  const std::vector<Request> universe = RequestUniverse({&teams, &full});
  for (const std::string team : {"team-a", "team-b"}) {
    EXPECT_EQ(
        AllowedRequests(teams, ServiceAccountUser(team, "sky-sa"), universe),
        AllowedRequests(MovedAccount(full, team, "sky-sa"),
                        ServiceAccountUser(team, "sky-sa"), universe))
        << team;
  }
  EXPECT_EQ(teams.service_accounts.size(), 2u);
}

}  // namespace
}  // namespace rbacc
