// Tests for the offline RBAC authorizer. The expected answers come from
// Kubernetes' own semantics: the matching helpers of
// pkg/apis/rbac/v1/evaluation_helpers.go and the subject and binding rules of
// plugin/pkg/auth/authorizer/rbac, not from running rbacc.
#include "compiler/common/authorizer.h"

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "compiler/common/policy_rule.h"
#include "compiler/common/rbac_objects.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace rbacc {
namespace {

using ::testing::UnorderedElementsAre;

// A resource request; `namespace_name` "" makes it cluster-scoped.
Request ResourceRequest(std::string verb, std::string api_group,
                        std::string resource, std::string subresource = "",
                        std::string name = "",
                        std::string namespace_name = "") {
  Request request;
  request.verb = std::move(verb);
  request.api_group = std::move(api_group);
  request.resource = std::move(resource);
  request.subresource = std::move(subresource);
  request.name = std::move(name);
  request.namespace_name = std::move(namespace_name);
  return request;
}

// A non-resource request for `path`.
Request NonResourceRequest(std::string verb, std::string path) {
  Request request;
  request.verb = std::move(verb);
  request.is_resource_request = false;
  request.path = std::move(path);
  return request;
}

// A resource rule.
PolicyRule ResourceRule(std::vector<std::string> api_groups,
                        std::vector<std::string> resources,
                        std::vector<std::string> verbs,
                        std::vector<std::string> resource_names = {}) {
  PolicyRule rule;
  rule.api_groups = std::move(api_groups);
  rule.resources = std::move(resources);
  rule.verbs = std::move(verbs);
  rule.resource_names = std::move(resource_names);
  return rule;
}

// A non-resource rule.
PolicyRule UrlRule(std::vector<std::string> urls,
                   std::vector<std::string> verbs) {
  PolicyRule rule;
  rule.non_resource_urls = std::move(urls);
  rule.verbs = std::move(verbs);
  return rule;
}

// ---------------------------------------------------------------------------
// RuleAllows and the matching helpers behind it.
// ---------------------------------------------------------------------------

struct RuleCase {
  std::string test_name;
  PolicyRule rule;
  Request request;
  bool allowed;
};

// Names the case in failure messages.
void PrintTo(const RuleCase& c, std::ostream* os) { *os << c.test_name; }

class RuleAllowsTest : public ::testing::TestWithParam<RuleCase> {};

TEST_P(RuleAllowsTest, MatchesKubernetesEvaluationHelpers) {
  const RuleCase& c = GetParam();
  EXPECT_EQ(RuleAllows(c.rule, c.request), c.allowed);
}

const PolicyRule kGetPods = ResourceRule({""}, {"pods"}, {"get"});

INSTANTIATE_TEST_SUITE_P(
    Verbs, RuleAllowsTest,
    ::testing::Values(RuleCase{"ExactVerb", kGetPods,
                               ResourceRequest("get", "", "pods"), true},
                      RuleCase{"OtherVerb", kGetPods,
                               ResourceRequest("list", "", "pods"), false},
                      RuleCase{"VerbIsCaseSensitive", kGetPods,
                               ResourceRequest("GET", "", "pods"), false},
                      RuleCase{"StarVerb", ResourceRule({""}, {"pods"}, {"*"}),
                               ResourceRequest("deletecollection", "", "pods"),
                               true},
                      RuleCase{"OneOfSeveralVerbs",
                               ResourceRule({""}, {"pods"}, {"get", "watch"}),
                               ResourceRequest("watch", "", "pods"), true}),
    [](const auto& info) { return info.param.test_name; });

INSTANTIATE_TEST_SUITE_P(
    ApiGroups, RuleAllowsTest,
    ::testing::Values(
        RuleCase{"CoreGroup", kGetPods, ResourceRequest("get", "", "pods"),
                 true},
        RuleCase{"CoreRuleDoesNotMatchNamedGroup", kGetPods,
                 ResourceRequest("get", "apps", "pods"), false},
        RuleCase{"NamedRuleDoesNotMatchCoreGroup",
                 ResourceRule({"apps"}, {"deployments"}, {"get"}),
                 ResourceRequest("get", "", "deployments"), false},
        RuleCase{"NamedGroup", ResourceRule({"apps"}, {"deployments"}, {"get"}),
                 ResourceRequest("get", "apps", "deployments"), true},
        RuleCase{"StarGroup", ResourceRule({"*"}, {"deployments"}, {"get"}),
                 ResourceRequest("get", "apps", "deployments"), true},
        RuleCase{"StarGroupMatchesCore", ResourceRule({"*"}, {"pods"}, {"get"}),
                 ResourceRequest("get", "", "pods"), true},
        RuleCase{"OneOfSeveralGroups",
                 ResourceRule({"apps", "batch"}, {"jobs"}, {"get"}),
                 ResourceRequest("get", "batch", "jobs"), true}),
    [](const auto& info) { return info.param.test_name; });

INSTANTIATE_TEST_SUITE_P(
    Resources, RuleAllowsTest,
    ::testing::Values(
        RuleCase{"ExactResource", kGetPods, ResourceRequest("get", "", "pods"),
                 true},
        RuleCase{"OtherResource", kGetPods,
                 ResourceRequest("get", "", "services"), false},
        RuleCase{"StarMatchesResource", ResourceRule({""}, {"*"}, {"get"}),
                 ResourceRequest("get", "", "secrets"), true},
        RuleCase{"StarMatchesSubresource", ResourceRule({""}, {"*"}, {"get"}),
                 ResourceRequest("get", "", "pods", "log"), true},
        RuleCase{"ResourceDoesNotMatchItsSubresource", kGetPods,
                 ResourceRequest("get", "", "pods", "exec"), false},
        RuleCase{"ExactSubresource",
                 ResourceRule({""}, {"pods/exec"}, {"create"}),
                 ResourceRequest("create", "", "pods", "exec"), true},
        RuleCase{"SubresourceRuleDoesNotMatchResource",
                 ResourceRule({""}, {"pods/exec"}, {"get"}),
                 ResourceRequest("get", "", "pods"), false},
        RuleCase{"SubresourceRuleDoesNotMatchOtherSubresource",
                 ResourceRule({""}, {"pods/exec"}, {"get"}),
                 ResourceRequest("get", "", "pods", "log"), false},
        RuleCase{"SubresourceRuleDoesNotMatchOtherResource",
                 ResourceRule({""}, {"pods/exec"}, {"create"}),
                 ResourceRequest("create", "", "nodes", "exec"), false},
        RuleCase{"StarSlashSubresourceMatchesAnyResource",
                 ResourceRule({""}, {"*/exec"}, {"create"}),
                 ResourceRequest("create", "", "pods", "exec"), true},
        RuleCase{"StarSlashSubresourceMatchesAnotherResource",
                 ResourceRule({""}, {"*/status"}, {"get"}),
                 ResourceRequest("get", "", "services", "status"), true},
        RuleCase{"StarSlashSubresourceNeedsASubresource",
                 ResourceRule({""}, {"*/exec"}, {"get"}),
                 ResourceRequest("get", "", "pods"), false},
        // "*/" has the length of "*/" + an empty subresource, but a request
        // without a subresource never matches a "*/..." rule.
        RuleCase{"StarSlashAloneDoesNotMatchResource",
                 ResourceRule({""}, {"*/"}, {"get"}),
                 ResourceRequest("get", "", "pods"), false},
        RuleCase{"StarSlashSubresourceDoesNotMatchOtherSubresource",
                 ResourceRule({""}, {"*/exec"}, {"get"}),
                 ResourceRequest("get", "", "pods", "log"), false},
        RuleCase{"StarSlashSubresourceDoesNotMatchLongerSubresource",
                 ResourceRule({""}, {"*/exec"}, {"get"}),
                 ResourceRequest("get", "", "pods", "xexec"), false},
        RuleCase{"StarSlashSubresourceDoesNotMatchShorterSubresource",
                 ResourceRule({""}, {"*/exec"}, {"get"}),
                 ResourceRequest("get", "", "pods", "xec"), false},
        // Kubernetes has no "<resource>/*" wildcard: it is compared literally.
        RuleCase{"ResourceSlashStarIsNotAWildcard",
                 ResourceRule({""}, {"pods/*"}, {"get"}),
                 ResourceRequest("get", "", "pods", "exec"), false},
        RuleCase{"ResourceSlashStarDoesNotMatchResource",
                 ResourceRule({""}, {"pods/*"}, {"get"}),
                 ResourceRequest("get", "", "pods"), false},
        RuleCase{"ResourceSlashStarMatchesLiteralStarSubresource",
                 ResourceRule({""}, {"pods/*"}, {"get"}),
                 ResourceRequest("get", "", "pods", "*"), true},
        RuleCase{"OneOfSeveralResources",
                 ResourceRule({""}, {"configmaps", "pods/log"}, {"get"}),
                 ResourceRequest("get", "", "pods", "log"), true}),
    [](const auto& info) { return info.param.test_name; });

INSTANTIATE_TEST_SUITE_P(
    ResourceNames, RuleAllowsTest,
    ::testing::Values(
        RuleCase{"NoNamesMatchesAnyName", kGetPods,
                 ResourceRequest("get", "", "pods", "", "web-0"), true},
        RuleCase{"NoNamesMatchesRequestWithoutName",
                 ResourceRule({""}, {"pods"}, {"list"}),
                 ResourceRequest("list", "", "pods"), true},
        RuleCase{"NamedObject",
                 ResourceRule({""}, {"configmaps"}, {"get"}, {"a", "b"}),
                 ResourceRequest("get", "", "configmaps", "", "b"), true},
        RuleCase{"OtherObject",
                 ResourceRule({""}, {"configmaps"}, {"get"}, {"a", "b"}),
                 ResourceRequest("get", "", "configmaps", "", "c"), false},
        RuleCase{"ListNeverMatchesNames",
                 ResourceRule({""}, {"configmaps"}, {"list"}, {"a"}),
                 ResourceRequest("list", "", "configmaps"), false},
        RuleCase{"CreateNeverMatchesNames",
                 ResourceRule({""}, {"configmaps"}, {"create"}, {"a"}),
                 ResourceRequest("create", "", "configmaps"), false}),
    [](const auto& info) { return info.param.test_name; });

INSTANTIATE_TEST_SUITE_P(
    NonResourceUrls, RuleAllowsTest,
    ::testing::Values(
        RuleCase{"StarMatchesAnyPath", UrlRule({"*"}, {"get"}),
                 NonResourceRequest("get", "/metrics"), true},
        RuleCase{"ExactPath", UrlRule({"/healthz"}, {"get"}),
                 NonResourceRequest("get", "/healthz"), true},
        RuleCase{"ExactPathIsNotAPrefix", UrlRule({"/healthz"}, {"get"}),
                 NonResourceRequest("get", "/healthz/ping"), false},
        RuleCase{"OtherPath", UrlRule({"/healthz"}, {"get"}),
                 NonResourceRequest("get", "/livez"), false},
        RuleCase{"TrailingStarMatchesChild", UrlRule({"/logs/*"}, {"get"}),
                 NonResourceRequest("get", "/logs/x"), true},
        RuleCase{"TrailingStarMatchesDeepChild", UrlRule({"/logs/*"}, {"get"}),
                 NonResourceRequest("get", "/logs/a/b"), true},
        RuleCase{"TrailingStarMatchesEmptyRest", UrlRule({"/logs/*"}, {"get"}),
                 NonResourceRequest("get", "/logs/"), true},
        RuleCase{"TrailingStarNeedsWholePrefix", UrlRule({"/logs/*"}, {"get"}),
                 NonResourceRequest("get", "/logs"), false},
        RuleCase{"TrailingStarIsPlainPrefix", UrlRule({"/hea*"}, {"get"}),
                 NonResourceRequest("get", "/healthz"), true},
        // Kubernetes strips every trailing "*" (strings.TrimRight(ruleURL,
        // "*")).
        RuleCase{"SeveralTrailingStarsArePrefix",
                 UrlRule({"/logs/**"}, {"get"}),
                 NonResourceRequest("get", "/logs/x"), true},
        RuleCase{"UrlVerbMismatch", UrlRule({"/healthz"}, {"get"}),
                 NonResourceRequest("post", "/healthz"), false},
        RuleCase{"UrlStarVerb", UrlRule({"/healthz"}, {"*"}),
                 NonResourceRequest("post", "/healthz"), true},
        RuleCase{"UrlRuleDoesNotAllowResourceRequest", UrlRule({"*"}, {"*"}),
                 ResourceRequest("get", "", "pods"), false},
        RuleCase{"ResourceRuleDoesNotAllowUrl",
                 ResourceRule({"*"}, {"*"}, {"*"}),
                 NonResourceRequest("get", "/healthz"), false}),
    [](const auto& info) { return info.param.test_name; });

TEST(ResourceMatchesTest, ComparesCombinedResourceAndSubresource) {
  const PolicyRule rule = ResourceRule({""}, {"pods/exec", "*/status"}, {"*"});
  EXPECT_TRUE(ResourceMatches(rule, "pods/exec", "exec"));
  EXPECT_TRUE(ResourceMatches(rule, "deployments/status", "status"));
  EXPECT_FALSE(ResourceMatches(rule, "pods", ""));
  EXPECT_FALSE(ResourceMatches(rule, "pods/log", "log"));
}

TEST(ResourceNameMatchesTest, EmptyNamesMatchEverything) {
  EXPECT_TRUE(ResourceNameMatches(kGetPods, "anything"));
  EXPECT_TRUE(ResourceNameMatches(kGetPods, ""));
  const PolicyRule named = ResourceRule({""}, {"pods"}, {"get"}, {"web-0"});
  EXPECT_TRUE(ResourceNameMatches(named, "web-0"));
  EXPECT_FALSE(ResourceNameMatches(named, "web-1"));
  EXPECT_FALSE(ResourceNameMatches(named, ""));
}

// ---------------------------------------------------------------------------
// Identities and subjects.
// ---------------------------------------------------------------------------

TEST(ServiceAccountUserTest, HasKubernetesNameAndGroups) {
  const UserInfo user = ServiceAccountUser("team-a", "sky-sa");
  EXPECT_EQ(user.name, "system:serviceaccount:team-a:sky-sa");
  EXPECT_THAT(user.groups, UnorderedElementsAre("system:serviceaccounts",
                                                "system:serviceaccounts:team-a",
                                                "system:authenticated"));
}

struct SubjectCase {
  std::string test_name;
  Subject subject;
  UserInfo user;
  std::string binding_namespace;
  bool applies;
};

// Names the case in failure messages.
void PrintTo(const SubjectCase& c, std::ostream* os) { *os << c.test_name; }

class SubjectAppliesToTest : public ::testing::TestWithParam<SubjectCase> {};

TEST_P(SubjectAppliesToTest, MatchesAppliesToUser) {
  const SubjectCase& c = GetParam();
  EXPECT_EQ(SubjectAppliesTo(c.subject, c.user, c.binding_namespace),
            c.applies);
}

const UserInfo kAlice = {"alice", {"devs", "system:authenticated"}};
const UserInfo kTeamASa = ServiceAccountUser("team-a", "sky-sa");

INSTANTIATE_TEST_SUITE_P(
    Subjects, SubjectAppliesToTest,
    ::testing::Values(
        SubjectCase{"UserByName", {"User", "alice", ""}, kAlice, "", true},
        SubjectCase{"OtherUser", {"User", "bob", ""}, kAlice, "", false},
        SubjectCase{"UserNamingServiceAccount",
                    {"User", "system:serviceaccount:team-a:sky-sa", ""},
                    kTeamASa,
                    "",
                    true},
        SubjectCase{"GroupOfUser", {"Group", "devs", ""}, kAlice, "", true},
        SubjectCase{"GroupNotOfUser", {"Group", "ops", ""}, kAlice, "", false},
        SubjectCase{
            "GroupIsNotUserName", {"Group", "alice", ""}, kAlice, "", false},
        SubjectCase{"ServiceAccountWithNamespace",
                    {"ServiceAccount", "sky-sa", "team-a"},
                    kTeamASa,
                    "",
                    true},
        SubjectCase{"ServiceAccountDefaultsToBindingNamespace",
                    {"ServiceAccount", "sky-sa", ""},
                    kTeamASa,
                    "team-a",
                    true},
        SubjectCase{"ServiceAccountOfOtherBindingNamespace",
                    {"ServiceAccount", "sky-sa", ""},
                    kTeamASa,
                    "team-b",
                    false},
        SubjectCase{"ServiceAccountWithoutAnyNamespace",
                    {"ServiceAccount", "sky-sa", ""},
                    kTeamASa,
                    "",
                    false},
        SubjectCase{"ServiceAccountOtherNamespaceWins",
                    {"ServiceAccount", "sky-sa", "team-b"},
                    kTeamASa,
                    "team-a",
                    false},
        SubjectCase{"ServiceAccountOtherName",
                    {"ServiceAccount", "other", "team-a"},
                    kTeamASa,
                    "team-a",
                    false},
        SubjectCase{"ServiceAccountIsNotAUser",
                    {"ServiceAccount", "alice", "team-a"},
                    kAlice,
                    "team-a",
                    false},
        SubjectCase{"UnknownKind", {"Robot", "alice", ""}, kAlice, "", false}),
    [](const auto& info) { return info.param.test_name; });

// ---------------------------------------------------------------------------
// Authorizer: which bindings apply where.
// ---------------------------------------------------------------------------

RoleObject ClusterRole(std::string name, std::vector<PolicyRule> rules) {
  RoleObject role;
  role.metadata.name = std::move(name);
  for (PolicyRule& rule : rules) role.rules.push_back({std::move(rule), {}});
  return role;
}

RoleObject Role(std::string namespace_name, std::string name,
                std::vector<PolicyRule> rules) {
  RoleObject role = ClusterRole(std::move(name), std::move(rules));
  role.metadata.namespace_name = std::move(namespace_name);
  return role;
}

BindingObject ClusterRoleBinding(std::string role_kind, std::string role_name,
                                 std::vector<Subject> subjects) {
  BindingObject binding;
  binding.metadata.name = "binding";
  binding.role_kind = std::move(role_kind);
  binding.role_name = std::move(role_name);
  binding.subjects = std::move(subjects);
  return binding;
}

BindingObject RoleBinding(std::string namespace_name, std::string role_kind,
                          std::string role_name,
                          std::vector<Subject> subjects) {
  BindingObject binding = ClusterRoleBinding(
      std::move(role_kind), std::move(role_name), std::move(subjects));
  binding.metadata.namespace_name = std::move(namespace_name);
  return binding;
}

const Subject kAliceSubject = {"User", "alice", ""};
// Every resource of every group, every verb: only the binding decides.
const PolicyRule kEverything = ResourceRule({"*"}, {"*"}, {"*"});

struct AuthorizerCase {
  std::string test_name;
  RbacObjects objects;
  UserInfo user;
  Request request;
  bool allowed;
};

// Names the case in failure messages.
void PrintTo(const AuthorizerCase& c, std::ostream* os) { *os << c.test_name; }

class AuthorizerTest : public ::testing::TestWithParam<AuthorizerCase> {};

TEST_P(AuthorizerTest, AllowsAsTheApiServerWould) {
  const AuthorizerCase& c = GetParam();
  const Authorizer authorizer(c.objects);
  const CompiledRule* granting_rule = nullptr;
  EXPECT_EQ(authorizer.Allows(c.user, c.request, &granting_rule), c.allowed);
  EXPECT_EQ(authorizer.Allows(c.user, c.request), c.allowed);
  if (c.allowed) {
    ASSERT_NE(granting_rule, nullptr);
    EXPECT_TRUE(RuleAllows(granting_rule->rule, c.request));
  }
}

const Request kGetPodInTeamA =
    ResourceRequest("get", "", "pods", "", "web-0", "team-a");
const Request kGetPodInTeamB =
    ResourceRequest("get", "", "pods", "", "web-0", "team-b");
const Request kGetNode = ResourceRequest("get", "", "nodes", "", "node-1");

INSTANTIATE_TEST_SUITE_P(
    BindingScope, AuthorizerTest,
    ::testing::Values(
        AuthorizerCase{
            "ClusterRoleBindingAppliesInANamespace",
            {{},
             {},
             {ClusterRole("all", {kEverything})},
             {ClusterRoleBinding("ClusterRole", "all", {kAliceSubject})}},
            kAlice,
            kGetPodInTeamA,
            true},
        AuthorizerCase{
            "ClusterRoleBindingAppliesInEveryNamespace",
            {{},
             {},
             {ClusterRole("all", {kEverything})},
             {ClusterRoleBinding("ClusterRole", "all", {kAliceSubject})}},
            kAlice,
            kGetPodInTeamB,
            true},
        AuthorizerCase{
            "ClusterRoleBindingAppliesToClusterScope",
            {{},
             {},
             {ClusterRole("all", {kEverything})},
             {ClusterRoleBinding("ClusterRole", "all", {kAliceSubject})}},
            kAlice,
            kGetNode,
            true},
        AuthorizerCase{
            "ClusterRoleBindingAppliesToNonResourceUrls",
            {{},
             {},
             {ClusterRole("health", {UrlRule({"/healthz"}, {"get"})})},
             {ClusterRoleBinding("ClusterRole", "health", {kAliceSubject})}},
            kAlice,
            NonResourceRequest("get", "/healthz"),
            true},
        AuthorizerCase{"ClusterRoleBindingToRoleGrantsNothingInItsNamespace",
                       {{},
                        {},
                        {Role("team-a", "all", {kEverything})},
                        {ClusterRoleBinding("Role", "all", {kAliceSubject})}},
                       kAlice,
                       kGetPodInTeamA,
                       false},
        AuthorizerCase{"ClusterRoleBindingToRoleGrantsNothingClusterWide",
                       {{},
                        {},
                        {Role("team-a", "all", {kEverything}),
                         ClusterRole("all", {kEverything})},
                        {ClusterRoleBinding("Role", "all", {kAliceSubject})}},
                       kAlice,
                       kGetNode,
                       false},
        AuthorizerCase{
            "RoleBindingAppliesInItsNamespace",
            {{},
             {},
             {Role("team-a", "all", {kEverything})},
             {RoleBinding("team-a", "Role", "all", {kAliceSubject})}},
            kAlice,
            kGetPodInTeamA,
            true},
        AuthorizerCase{
            "RoleBindingDoesNotApplyInOtherNamespace",
            {{},
             {},
             {Role("team-a", "all", {kEverything})},
             {RoleBinding("team-a", "Role", "all", {kAliceSubject})}},
            kAlice,
            kGetPodInTeamB,
            false},
        AuthorizerCase{
            "RoleBindingDoesNotApplyToClusterScope",
            {{},
             {},
             {Role("team-a", "all", {kEverything})},
             {RoleBinding("team-a", "Role", "all", {kAliceSubject})}},
            kAlice,
            kGetNode,
            false},
        AuthorizerCase{
            "RoleBindingDoesNotApplyToNonResourceUrls",
            {{},
             {},
             {ClusterRole("urls", {UrlRule({"*"}, {"*"})})},
             {RoleBinding("team-a", "ClusterRole", "urls", {kAliceSubject})}},
            kAlice,
            NonResourceRequest("get", "/healthz"),
            false},
        AuthorizerCase{
            "RoleBindingRefersToRoleOfItsOwnNamespace",
            {{},
             {},
             {Role("team-b", "all", {kEverything})},
             {RoleBinding("team-a", "Role", "all", {kAliceSubject})}},
            kAlice,
            kGetPodInTeamA,
            false},
        AuthorizerCase{
            "RoleBindingToRoleIgnoresSameNamedClusterRole",
            {{},
             {},
             {ClusterRole("all", {kEverything})},
             {RoleBinding("team-a", "Role", "all", {kAliceSubject})}},
            kAlice,
            kGetPodInTeamA,
            false},
        AuthorizerCase{
            "RoleBindingToClusterRoleGrantsInItsNamespace",
            {{},
             {},
             {ClusterRole("all", {kEverything})},
             {RoleBinding("team-a", "ClusterRole", "all", {kAliceSubject})}},
            kAlice,
            kGetPodInTeamA,
            true},
        AuthorizerCase{
            "RoleBindingToClusterRoleGrantsNothingElsewhere",
            {{},
             {},
             {ClusterRole("all", {kEverything})},
             {RoleBinding("team-a", "ClusterRole", "all", {kAliceSubject})}},
            kAlice,
            kGetPodInTeamB,
            false},
        AuthorizerCase{
            "RoleBindingToClusterRoleGrantsNothingClusterScoped",
            {{},
             {},
             {ClusterRole("all", {kEverything})},
             {RoleBinding("team-a", "ClusterRole", "all", {kAliceSubject})}},
            kAlice,
            kGetNode,
            false},
        AuthorizerCase{
            "RoleBindingToClusterRoleIgnoresSameNamedRole",
            {{},
             {},
             {Role("team-a", "all", {kEverything})},
             {RoleBinding("team-a", "ClusterRole", "all", {kAliceSubject})}},
            kAlice,
            kGetPodInTeamA,
            false},
        AuthorizerCase{
            "BindingToMissingClusterRoleGrantsNothing",
            {{},
             {},
             {ClusterRole("other", {kEverything})},
             {ClusterRoleBinding("ClusterRole", "missing", {kAliceSubject})}},
            kAlice,
            kGetPodInTeamA,
            false},
        AuthorizerCase{
            "BindingToMissingRoleGrantsNothing",
            {{},
             {},
             {Role("team-a", "other", {kEverything})},
             {RoleBinding("team-a", "Role", "missing", {kAliceSubject})}},
            kAlice,
            kGetPodInTeamA,
            false},
        AuthorizerCase{
            "RoleWithoutMatchingRuleGrantsNothing",
            {{},
             {},
             {ClusterRole("reader", {ResourceRule({""}, {"pods"}, {"list"})})},
             {ClusterRoleBinding("ClusterRole", "reader", {kAliceSubject})}},
            kAlice,
            kGetPodInTeamA,
            false},
        AuthorizerCase{"NoBindingsGrantNothing",
                       {{}, {}, {ClusterRole("all", {kEverything})}, {}},
                       kAlice,
                       kGetPodInTeamA,
                       false}),
    [](const auto& info) { return info.param.test_name; });

INSTANTIATE_TEST_SUITE_P(
    BindingSubjects, AuthorizerTest,
    ::testing::Values(
        AuthorizerCase{"ServiceAccountWithoutNamespaceMeansBindingNamespace",
                       {{},
                        {},
                        {Role("team-a", "all", {kEverything})},
                        {RoleBinding("team-a", "Role", "all",
                                     {{"ServiceAccount", "sky-sa", ""}})}},
                       ServiceAccountUser("team-a", "sky-sa"),
                       kGetPodInTeamA,
                       true},
        AuthorizerCase{
            "ServiceAccountWithoutNamespaceIsNotOtherNamespacesAccount",
            {{},
             {},
             {Role("team-a", "all", {kEverything})},
             {RoleBinding("team-a", "Role", "all",
                          {{"ServiceAccount", "sky-sa", ""}})}},
            ServiceAccountUser("team-b", "sky-sa"),
            kGetPodInTeamA,
            false},
        AuthorizerCase{
            "ServiceAccountOfOtherNamespaceDoesNotApply",
            {{},
             {},
             {Role("team-a", "all", {kEverything})},
             {RoleBinding("team-a", "Role", "all",
                          {{"ServiceAccount", "sky-sa", "team-b"}})}},
            ServiceAccountUser("team-a", "sky-sa"),
            kGetPodInTeamA,
            false},
        AuthorizerCase{
            "ServiceAccountOfOtherNamespaceGetsAccessHere",
            {{},
             {},
             {Role("team-a", "all", {kEverything})},
             {RoleBinding("team-a", "Role", "all",
                          {{"ServiceAccount", "sky-sa", "team-b"}})}},
            ServiceAccountUser("team-b", "sky-sa"),
            kGetPodInTeamA,
            true},
        AuthorizerCase{
            "ClusterRoleBindingServiceAccountNeedsNamespace",
            {{},
             {},
             {ClusterRole("all", {kEverything})},
             {ClusterRoleBinding("ClusterRole", "all",
                                 {{"ServiceAccount", "sky-sa", ""}})}},
            ServiceAccountUser("team-a", "sky-sa"),
            kGetPodInTeamA,
            false},
        AuthorizerCase{
            "ClusterRoleBindingServiceAccountWithNamespace",
            {{},
             {},
             {ClusterRole("all", {kEverything})},
             {ClusterRoleBinding("ClusterRole", "all",
                                 {{"ServiceAccount", "sky-sa", "team-a"}})}},
            ServiceAccountUser("team-a", "sky-sa"),
            kGetNode,
            true},
        AuthorizerCase{"UserSubject",
                       {{},
                        {},
                        {ClusterRole("all", {kEverything})},
                        {ClusterRoleBinding("ClusterRole", "all",
                                            {{"User", "alice", ""}})}},
                       kAlice,
                       kGetNode,
                       true},
        AuthorizerCase{
            "OtherUserSubject",
            {{},
             {},
             {ClusterRole("all", {kEverything})},
             {ClusterRoleBinding("ClusterRole", "all", {{"User", "bob", ""}})}},
            kAlice,
            kGetNode,
            false},
        AuthorizerCase{
            "AllServiceAccountsGroup",
            {{},
             {},
             {ClusterRole("all", {kEverything})},
             {ClusterRoleBinding("ClusterRole", "all",
                                 {{"Group", "system:serviceaccounts", ""}})}},
            ServiceAccountUser("team-b", "builder"),
            kGetNode,
            true},
        AuthorizerCase{
            "AllServiceAccountsGroupExcludesUsers",
            {{},
             {},
             {ClusterRole("all", {kEverything})},
             {ClusterRoleBinding("ClusterRole", "all",
                                 {{"Group", "system:serviceaccounts", ""}})}},
            kAlice,
            kGetNode,
            false},
        AuthorizerCase{
            "NamespaceServiceAccountsGroup",
            {{},
             {},
             {ClusterRole("all", {kEverything})},
             {RoleBinding("team-a", "ClusterRole", "all",
                          {{"Group", "system:serviceaccounts:team-a", ""}})}},
            ServiceAccountUser("team-a", "builder"),
            kGetPodInTeamA,
            true},
        AuthorizerCase{
            "NamespaceServiceAccountsGroupExcludesOtherNamespace",
            {{},
             {},
             {ClusterRole("all", {kEverything})},
             {RoleBinding("team-a", "ClusterRole", "all",
                          {{"Group", "system:serviceaccounts:team-a", ""}})}},
            ServiceAccountUser("team-b", "builder"),
            kGetPodInTeamA,
            false},
        AuthorizerCase{
            "AuthenticatedGroup",
            {{},
             {},
             {ClusterRole("all", {kEverything})},
             {ClusterRoleBinding("ClusterRole", "all",
                                 {{"Group", "system:authenticated", ""}})}},
            kAlice,
            kGetNode,
            true},
        AuthorizerCase{
            "AnyOfSeveralSubjects",
            {{},
             {},
             {ClusterRole("all", {kEverything})},
             {ClusterRoleBinding("ClusterRole", "all",
                                 {{"Group", "ops", ""},
                                  {"ServiceAccount", "sky-sa", "team-a"},
                                  {"User", "alice", ""}})}},
            kAlice,
            kGetNode,
            true}),
    [](const auto& info) { return info.param.test_name; });

TEST(AuthorizerGrantingRuleTest, PointsAtTheGrantingRule) {
  RbacObjects objects;
  objects.roles.push_back(
      Role("team-a", "editor",
           {ResourceRule({""}, {"configmaps"}, {"get"}),
            ResourceRule({""}, {"pods", "pods/exec"}, {"get", "create"})}));
  objects.roles.push_back(
      ClusterRole("nodes", {ResourceRule({""}, {"pods"}, {"list"}),
                            ResourceRule({""}, {"nodes"}, {"get"})}));
  objects.bindings.push_back(
      RoleBinding("team-a", "Role", "editor", {kAliceSubject}));
  objects.bindings.push_back(
      ClusterRoleBinding("ClusterRole", "nodes", {kAliceSubject}));
  const Authorizer authorizer(objects);

  const CompiledRule* granting_rule = nullptr;
  ASSERT_TRUE(authorizer.Allows(
      kAlice, ResourceRequest("create", "", "pods", "exec", "web-0", "team-a"),
      &granting_rule));
  EXPECT_EQ(granting_rule, &objects.roles[0].rules[1]);

  granting_rule = nullptr;
  ASSERT_TRUE(authorizer.Allows(kAlice, kGetNode, &granting_rule));
  EXPECT_EQ(granting_rule, &objects.roles[1].rules[1]);

  granting_rule = nullptr;
  ASSERT_TRUE(authorizer.Allows(
      kAlice, ResourceRequest("list", "", "pods", "", "", "team-b"),
      &granting_rule));
  EXPECT_EQ(granting_rule, &objects.roles[1].rules[0]);

  EXPECT_FALSE(authorizer.Allows(
      kAlice, ResourceRequest("create", "", "pods", "exec", "web-0", "team-b"),
      &granting_rule));
}

TEST(AuthorizerGrantingRuleTest, SkipsBindingsThatDoNotApply) {
  RbacObjects objects;
  objects.roles.push_back(ClusterRole("all", {kEverything}));
  objects.roles.push_back(
      ClusterRole("reader", {ResourceRule({""}, {"pods"}, {"get"})}));
  // Applies to alice but in another namespace, then to someone else, then to
  // alice.
  objects.bindings.push_back(
      RoleBinding("team-b", "ClusterRole", "all", {kAliceSubject}));
  objects.bindings.push_back(
      ClusterRoleBinding("ClusterRole", "all", {{"User", "bob", ""}}));
  objects.bindings.push_back(
      ClusterRoleBinding("ClusterRole", "reader", {kAliceSubject}));
  const Authorizer authorizer(objects);

  const CompiledRule* granting_rule = nullptr;
  ASSERT_TRUE(authorizer.Allows(kAlice, kGetPodInTeamA, &granting_rule));
  EXPECT_EQ(granting_rule, &objects.roles[1].rules[0]);
  EXPECT_FALSE(authorizer.Allows(
      kAlice, ResourceRequest("delete", "", "pods", "", "web-0", "team-a")));
}

}  // namespace
}  // namespace rbacc
