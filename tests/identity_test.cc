// Each identity the SkyPilot bundle supports binds exactly the intended
// subjects: evaluated on the committed profiles' rbac.yaml, the intended
// subject gets what sky-sa gets in the `full` or `minimal` profile (with the
// account moved to the subject's namespace), and nobody else gets anything.
// For the per-context profile, each context's folder binds exactly that
// context's identity (and no other context's), and config.yaml maps each
// context to it. The modes in which SkyPilot bootstraps its own account
// (SERVICE_ACCOUNT, LOCAL_CREDENTIALS, NO_UPLOAD) have two identities, the
// launcher and the pods' account: bootstrap_identity_test covers them.
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_replace.h"
#include "compiler/common/authorizer.h"
#include "gtest/gtest.h"
#include "tests/testing/workspace.h"
#include "yaml-cpp/yaml.h"

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
    ::testing::Values(IdentityCase{"full", "full",
                                   ServiceAccountUser("default", "sky-sa"),
                                   "default", "sky-sa", true},
                      IdentityCase{"existing-account", "minimal",
                                   ServiceAccountUser("ci", "ci-runner"), "ci",
                                   "ci-runner", false}),
    [](const ::testing::TestParamInfo<IdentityCase>& info) {
      return absl::StrReplaceAll(info.param.profile, {{"-", "_"}});
    });

// One context of the committed multi-cluster profile: its folder must bind
// exactly `intended`, and config.yaml must give the context `identity`.
struct ContextCase {
  std::string context;
  std::string folder;
  std::string identity;
  UserInfo intended;
  std::string account_namespace;
  std::string account_name;
  bool creates_account;
};

class PerContextIdentityTest : public ::testing::TestWithParam<ContextCase> {};

// Every identity of the profile, to check that no folder grants another
// context's identity anything.
std::vector<UserInfo> MultiClusterIdentities() {
  return {ServiceAccountUser("skypilot", "sky-prod"),
          ServiceAccountUser("default", "skypilot-service-account"),
          UserInfo{"bob", {"ml-researchers", "system:authenticated"}},
          ServiceAccountUser("default", "sky-sa"),
          UserInfo{"mallory", {"system:authenticated"}}};
}

TEST_P(PerContextIdentityTest, EachFolderBindsExactlyItsContextsIdentity) {
  const ContextCase& c = GetParam();
  const RbacObjects objects = Committed("multi-cluster/" + c.folder);
  const RbacObjects reference = Committed("full");
  const std::vector<Request> universe = RequestUniverse({&objects, &reference});
  const std::set<std::string> expected = AllowedRequests(
      MovedAccount(reference, c.account_namespace, c.account_name),
      ServiceAccountUser(c.account_namespace, c.account_name), universe);
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(AllowedRequests(objects, c.intended, universe), expected);
  for (const UserInfo& other : MultiClusterIdentities()) {
    if (other.name == c.intended.name) continue;
    EXPECT_TRUE(AllowedRequests(objects, other, universe).empty())
        << other.name << " gets permissions in " << c.folder;
  }
  EXPECT_EQ(!objects.service_accounts.empty(), c.creates_account);

  // config.yaml, beside the folders, gives the context this identity and
  // allows it.
  const YAML::Node config =
      YAML::LoadFile(RunfilePath("outputs/skypilot/multi-cluster/config.yaml"));
  EXPECT_EQ(
      config["kubernetes"]["remote_identity"][c.context].as<std::string>(""),
      c.identity);
  bool allowed = false;
  for (const YAML::Node& context : config["kubernetes"]["allowed_contexts"]) {
    allowed = allowed || context.as<std::string>() == c.context;
  }
  EXPECT_TRUE(allowed) << c.context << " is not in allowed_contexts";
}

INSTANTIATE_TEST_SUITE_P(
    MultiCluster, PerContextIdentityTest,
    ::testing::Values(ContextCase{"gke-prod", "gke-prod", "sky-prod",
                                  ServiceAccountUser("skypilot", "sky-prod"),
                                  "skypilot", "sky-prod", true}),
    [](const ::testing::TestParamInfo<ContextCase>& info) {
      return absl::StrReplaceAll(info.param.folder, {{"-", "_"}});
    });

// A context whose mode bootstraps SkyPilot's own account: its launcher gets
// every permission the features need, SkyPilot's account is bound too (by
// SkyPilot's objects), and the other contexts' identities get nothing there.
struct BootstrapContextCase {
  std::string context;
  std::string folder;
  std::string identity;
  UserInfo launcher;
};

class BootstrapContextTest
    : public ::testing::TestWithParam<BootstrapContextCase> {};

TEST_P(BootstrapContextTest, GrantsItsLauncherAndSkyPilotsAccount) {
  const BootstrapContextCase& c = GetParam();
  const RbacObjects objects = Committed("multi-cluster/" + c.folder);
  const RbacObjects reference = Committed("full");
  const std::vector<Request> universe = RequestUniverse({&objects, &reference});
  const std::set<std::string> needed = AllowedRequests(
      reference, ServiceAccountUser("default", "sky-sa"), universe);
  const std::set<std::string> granted =
      AllowedRequests(objects, c.launcher, universe);
  ASSERT_FALSE(needed.empty());
  for (const std::string& request : needed) {
    EXPECT_EQ(granted.count(request), 1u) << request;
  }
  const UserInfo pods =
      ServiceAccountUser("default", "skypilot-service-account");
  EXPECT_FALSE(AllowedRequests(objects, pods, universe).empty());
  for (const UserInfo& other : MultiClusterIdentities()) {
    if (other.name == c.launcher.name || other.name == pods.name) continue;
    EXPECT_TRUE(AllowedRequests(objects, other, universe).empty())
        << other.name << " gets permissions in " << c.folder;
  }
  const YAML::Node config =
      YAML::LoadFile(RunfilePath("outputs/skypilot/multi-cluster/config.yaml"));
  EXPECT_EQ(
      config["kubernetes"]["remote_identity"][c.context].as<std::string>(""),
      c.identity);
}

INSTANTIATE_TEST_SUITE_P(
    MultiCluster, BootstrapContextTest,
    ::testing::Values(
        BootstrapContextCase{
            "eks-dev", "eks-dev", "SERVICE_ACCOUNT",
            UserInfo{"dev", {"eks-developers", "system:authenticated"}}},
        BootstrapContextCase{
            "gke_ml-research_us-central1_train", "gke-train",
            "LOCAL_CREDENTIALS",
            UserInfo{"bob", {"ml-researchers", "system:authenticated"}}}),
    [](const ::testing::TestParamInfo<BootstrapContextCase>& info) {
      return absl::StrReplaceAll(info.param.folder, {{"-", "_"}});
    });

TEST(PerContextIdentityTest, ConfigListsEveryContextOnceInTheProfilesOrder) {
  const YAML::Node config =
      YAML::LoadFile(RunfilePath("outputs/skypilot/multi-cluster/config.yaml"));
  std::vector<std::string> allowed;
  for (const YAML::Node& context : config["kubernetes"]["allowed_contexts"]) {
    allowed.push_back(context.as<std::string>());
  }
  EXPECT_EQ(allowed,
            (std::vector<std::string>{"gke-prod", "eks-dev",
                                      "gke_ml-research_us-central1_train"}));
  EXPECT_EQ(config["kubernetes"]["remote_identity"].size(), allowed.size());
  // The features' keys stay; the identity is only the per-context mapping.
  EXPECT_EQ(config["kubernetes"]["ports"].as<std::string>(""), "ingress");
  EXPECT_TRUE(config["kubernetes"]["remote_identity"].IsMap());
}

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
