// The skypilot-docs bundle (SkyPilot's documentation page kept as written)
// grants exactly what the page grants, checked by evaluating requests with
// Kubernetes' authorizer semantics (never by comparing YAML text): the `full`
// profile against the page's create-sky-sa.yaml, `minimal` against its minimum
// permissions, and other namespaces and accounts against the page with those
// names put in. The skypilot-legacy bundle's `full` profile is checked the same
// way against the older page's create-sky-sa.yaml (a reconstruction: see its
// header comment).
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "compiler/cli/compile_command.h"
#include "compiler/common/authorizer.h"
#include "compiler/review/rbac_yaml_reader.h"
#include "gtest/gtest.h"
#include "tests/testing/workspace.h"

namespace rbacc {
namespace {

using ::rbacc::testing::AllowedRequests;
using ::rbacc::testing::MakeWorkspace;
using ::rbacc::testing::ReadFileOrDie;
using ::rbacc::testing::ReadRbacFile;
using ::rbacc::testing::RequestUniverse;
using ::rbacc::testing::RunfilePath;

// Requests allowed on one side only, one per line, for the failure message.
std::string Difference(const std::set<std::string>& a,
                       const std::set<std::string>& b) {
  std::vector<std::string> lines;
  for (const std::string& request : a) {
    if (b.count(request) == 0) lines.push_back(request);
  }
  return absl::StrJoin(lines, "\n  ");
}

void ExpectSamePermissions(const RbacObjects& page, const RbacObjects& compiled,
                           const UserInfo& user) {
  const std::vector<Request> universe = RequestUniverse({&page, &compiled});
  const std::set<std::string> page_allowed =
      AllowedRequests(page, user, universe);
  const std::set<std::string> compiled_allowed =
      AllowedRequests(compiled, user, universe);
  EXPECT_FALSE(page_allowed.empty());
  EXPECT_TRUE(page_allowed == compiled_allowed)
      << "only the page allows:\n  "
      << Difference(page_allowed, compiled_allowed)
      << "\nonly rbacc allows:\n  "
      << Difference(compiled_allowed, page_allowed);
}

// Compiles with `flags` applied to CompileOptions and reads back the rbac.yaml
// written.
RbacObjects Compile(const std::string& name, const CompileOptions& base) {
  CompileOptions options = base;
  options.request.workspace_root = MakeWorkspace(name);
  options.request.out_dir = "out";
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(RunCompile(options, out, err), kExitOk) << err.str();
  return ReadRbacFile(options.request.workspace_root + "/out/rbac.yaml");
}

RbacObjects PageExample(
    const std::string& file,
    const std::vector<std::pair<std::string, std::string>>& renames) {
  std::string text = ReadFileOrDie(RunfilePath("tests/testdata/" + file));
  text = absl::StrReplaceAll(text, renames);
  absl::StatusOr<RbacObjects> objects = ReadRbacYaml(text, file);
  EXPECT_TRUE(objects.ok()) << objects.status();
  return objects.ok() ? *objects : RbacObjects{};
}

TEST(PageEquivalenceTest, FullProfileGrantsWhatCreateSkySaYamlGrants) {
  CompileOptions options;
  options.request.bundle = "skypilot-docs";
  options.request.profile = "full";
  ExpectSamePermissions(PageExample("create-sky-sa.yaml", {}),
                        Compile("full_profile", options),
                        ServiceAccountUser("default", "sky-sa"));
}

TEST(PageEquivalenceTest, LegacyFullProfileGrantsWhatTheOlderPageGrants) {
  CompileOptions options;
  options.request.bundle = "skypilot-legacy";
  options.request.profile = "full";
  ExpectSamePermissions(PageExample("legacy-create-sky-sa.yaml", {}),
                        Compile("legacy_full_profile", options),
                        ServiceAccountUser("default", "sky-sa"));
}

TEST(PageEquivalenceTest, MinimalProfileGrantsThePagesMinimumPermissions) {
  RbacObjects page = PageExample("minimum-permissions.yaml", {});
  // The page lists the minimum roles without bindings; bind them as
  // create-sky-sa.yaml does.
  const Subject account{"ServiceAccount", "sky-sa", "default"};
  page.bindings.push_back(
      {{"sky-sa-rb", "default", {}}, "Role", "sky-sa-role", {account}});
  page.bindings.push_back({{"sky-sa-cluster-role-binding", "", {}},
                           "ClusterRole",
                           "sky-sa-cluster-role",
                           {account}});
  CompileOptions options;
  options.request.bundle = "skypilot-docs";
  options.request.profile = "minimal";
  ExpectSamePermissions(page, Compile("minimal_profile", options),
                        ServiceAccountUser("default", "sky-sa"));
}

TEST(PageEquivalenceTest, OtherNamespaceAndAccountGetThePagesPermissionsThere) {
  CompileOptions options;
  options.request.bundle = "skypilot-docs";
  options.request.profile = "full";
  options.request.overrides.namespaces = {{"team-a"}, {"--namespace"}};
  options.request.overrides.service_account = {{"robot"},
                                               {"--service_account"}};
  const RbacObjects compiled = Compile("team_a", options);
  // The page, with its namespace and account changed as its comments tell users
  // to.
  const RbacObjects page = PageExample(
      "create-sky-sa.yaml", {{"namespace: default", "namespace: team-a"},
                             {"name: sky-sa  #", "name: robot  #"}});
  ExpectSamePermissions(page, compiled, ServiceAccountUser("team-a", "robot"));
  // And the default account in the default namespace gets nothing from it.
  const std::vector<Request> universe = RequestUniverse({&compiled});
  EXPECT_TRUE(AllowedRequests(compiled, ServiceAccountUser("default", "sky-sa"),
                              universe)
                  .empty());
}

TEST(PageEquivalenceTest, ExtraSubjectsGetTheSamePermissionsAsTheAccount) {
  CompileOptions options;
  options.request.bundle = "skypilot-docs";
  options.request.profile = "full";
  options.request.overrides.subjects = Located<std::vector<std::string>>{
      std::vector<std::string>{"User:alice", "Group:ml-team"},
      {"--subjects"},
      {}};
  const RbacObjects compiled = Compile("subjects", options);
  const std::vector<Request> universe = RequestUniverse({&compiled});
  const std::set<std::string> account = AllowedRequests(
      compiled, ServiceAccountUser("default", "sky-sa"), universe);
  EXPECT_FALSE(account.empty());
  EXPECT_EQ(AllowedRequests(compiled, UserInfo{"alice", {}}, universe),
            account);
  EXPECT_EQ(AllowedRequests(compiled, UserInfo{"bob", {"ml-team"}}, universe),
            account);
  EXPECT_TRUE(
      AllowedRequests(compiled, UserInfo{"bob", {"other"}}, universe).empty());
}

}  // namespace
}  // namespace rbacc
