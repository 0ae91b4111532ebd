// can-i, explain and diff on a cluster dump as kubectl prints it (a List with
// server fields, an aggregated ClusterRole, a binding to a built-in role the
// dump lacks, which Kubernetes' bootstrap policy supplies), asked with
// kubectl's spellings. Every answer is compared with the authorizer's
// evaluation of the canonical request over the dump's objects with the
// aggregation resolved.
#include <cstdlib>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "compiler/cli/can_i_command.h"
#include "compiler/cli/compile_command.h"
#include "compiler/cli/coverage_command.h"
#include "compiler/cli/diff_command.h"
#include "compiler/cli/explain_command.h"
#include "compiler/cli/graph_command.h"
#include "compiler/common/aggregation.h"
#include "compiler/common/authorizer.h"
#include "compiler/review/grants.h"
#include "compiler/review/policy_input.h"
#include "compiler/review/rbac_yaml_reader.h"
#include "gtest/gtest.h"
#include "tests/testing/workspace.h"

namespace rbacc {
namespace {

using ::rbacc::testing::MakeWorkspace;
using ::rbacc::testing::ReadFileOrDie;
using ::rbacc::testing::RunfilePath;
using ::rbacc::testing::WriteFile;

constexpr char kDump[] = "tests/testdata/cluster-dump.yaml";
constexpr char kAgent[] = "system:serviceaccount:monitoring:agent";

// The dump's objects as Kubernetes holds them: aggregation resolved.
RbacObjects ResolvedDump() {
  absl::StatusOr<RbacObjects> objects =
      ReadRbacYaml(ReadFileOrDie(RunfilePath(kDump)), kDump);
  EXPECT_TRUE(objects.ok()) << objects.status();
  if (!objects.ok()) return {};
  ResolveAggregation(&*objects);
  return *objects;
}

CanIOptions Ask(std::vector<std::string> request) {
  CanIOptions options;
  options.policy.yaml_path = RunfilePath(kDump);
  options.policy.label = kDump;
  options.request = std::move(request);
  options.request_namespace = "default";
  options.as = kAgent;
  return options;
}

TEST(ClusterDumpTest, CanIAgreesWithTheAuthorizerOnAggregatedRoles) {
  const RbacObjects objects = ResolvedDump();
  const Authorizer authorizer(objects);
  const UserInfo agent = ServiceAccountUser("monitoring", "agent");
  struct Case {
    std::string verb;
    std::string typed;
    std::string group;
    std::string resource;
    std::string subresource;
  };
  int yes = 0;
  for (const Case& c : std::vector<Case>{
           {"get", "po", "", "pods", ""},
           {"list", "PODS", "", "pods", ""},
           {"get", "pod/log", "", "pods", "log"},
           {"delete", "pods", "", "pods", ""},
           {"get", "secrets", "", "secrets", ""},
           {"list", "deploy", "apps", "deployments", ""},
           {"get", "deployments.v1.apps/scale", "apps", "deployments", "scale"},
           {"update", "Deployment", "apps", "deployments", ""},
           {"delete", "sc", "storage.k8s.io", "storageclasses", ""},
       }) {
    Request request;
    request.verb = c.verb;
    request.api_group = c.group;
    request.resource = c.resource;
    request.subresource = c.subresource;
    request.namespace_name = "default";
    const bool allowed = authorizer.Allows(agent, request);
    yes += allowed;
    std::ostringstream out, err;
    const int exit = RunCanI(Ask({c.verb, c.typed}), out, err);
    EXPECT_EQ(out.str(), allowed ? "yes\n" : "no\n")
        << c.verb << " " << c.typed;
    EXPECT_EQ(exit, allowed ? kExitYes : kExitNo) << err.str();
  }
  // The aggregated rules grant (the stored `get pods` alone would not grant
  // list or deployments), and the unselected role does not.
  EXPECT_EQ(yes, 5);
}

TEST(ClusterDumpTest, BindingToABuiltInRoleTheDumpLacksUsesIt) {
  CanIOptions options = Ask({"create", "deployments.apps"});
  options.as = "alice";
  options.as_groups = {"team-a-devs"};
  options.request_namespace = "team-a";
  std::ostringstream out, err;
  EXPECT_EQ(RunCanI(options, out, err), kExitYes) << err.str();
  EXPECT_EQ(out.str(), "yes\n");
  EXPECT_TRUE(absl::StrContains(
      err.str(),
      "RoleBinding team-a/team-edit refers to ClusterRole edit, which"))
      << err.str();
  EXPECT_TRUE(absl::StrContains(err.str(),
                                "edit: Kubernetes' built-in ClusterRole "
                                "(bootstrap policy 1.33)"))
      << err.str();
}

TEST(ClusterDumpTest, ExplainShowsAggregationAndAllNamespaces) {
  ExplainOptions options;
  options.policy.yaml_path = RunfilePath(kDump);
  options.policy.label = kDump;
  options.request = {"list", "deploy"};
  options.as = kAgent;
  options.all_namespaces = true;
  std::ostringstream out, err;
  EXPECT_EQ(RunExplain(options, out, err), 0) << err.str();
  EXPECT_TRUE(absl::StartsWith(out.str(), absl::StrCat("as ", kAgent)))
      << out.str();
  EXPECT_TRUE(absl::StrContains(out.str(), "cluster-wide:")) << out.str();
  EXPECT_TRUE(absl::StrContains(out.str(),
                                "via aggregation from ClusterRole "
                                "monitoring-apps"))
      << out.str();
}

TEST(ClusterDumpTest, RestrictingToSubjectsKeepsTheirGrantsOnly) {
  PolicySpec spec;
  spec.yaml_path = RunfilePath(kDump);
  absl::StatusOr<PolicyInput> input = ReadPolicyYaml(spec, ".");
  ASSERT_TRUE(input.ok()) << input.status();
  EXPECT_TRUE(input->cluster_dump);
  const Subject agent{"ServiceAccount", "agent", "monitoring"};
  std::vector<Grant> agent_grants;
  for (const Grant& grant : ExpandGrants(input->objects)) {
    if (grant.subject == agent) agent_grants.push_back(grant);
  }
  ASSERT_FALSE(agent_grants.empty());
  RbacObjects restricted = input->objects;
  EXPECT_GT(RestrictToSubjects({agent}, &restricted), 0u);
  const std::vector<Grant> kept = ExpandGrants(restricted);
  ASSERT_EQ(kept.size(), agent_grants.size());
  for (size_t i = 0; i < kept.size(); ++i) {
    EXPECT_EQ(kept[i].subject, agent);
    EXPECT_EQ(kept[i].permission, agent_grants[i].permission);
  }
  EXPECT_LT(restricted.roles.size(), input->objects.roles.size());
}

TEST(ClusterDumpTest, RestrictingToTheUserKeepsEveryAnswer) {
  const RbacObjects objects = ResolvedDump();
  RbacObjects restricted = objects;
  const UserInfo agent = ServiceAccountUser("monitoring", "agent");
  EXPECT_GT(RestrictToUser(agent, &restricted), 0u);
  const Authorizer all(objects), kept(restricted);
  for (const char* verb : {"get", "list", "delete"}) {
    for (const auto& [group, resource] :
         std::vector<std::pair<std::string, std::string>>{
             {"", "pods"},
             {"apps", "deployments"},
             {"storage.k8s.io", "storageclasses"},
             {"", "secrets"}}) {
      Request request;
      request.verb = verb;
      request.api_group = group;
      request.resource = resource;
      request.namespace_name = "default";
      EXPECT_EQ(kept.Allows(agent, request), all.Allows(agent, request))
          << verb << " " << resource;
    }
  }
}

TEST(ClusterDumpTest, DiffComparesADumpForTheOtherSidesSubjects) {
  const std::string committed =
      absl::StrCat(std::getenv("TEST_TMPDIR"), "/agent.yaml");
  WriteFile(committed, R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: agent-reader
rules:
- apiGroups: [""]
  resources: [pods]
  verbs: [get, list]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: agent-reader
subjects:
- kind: ServiceAccount
  name: agent
  namespace: monitoring
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: agent-reader
)");
  DiffOptions options;
  options.before = committed;
  options.after = RunfilePath(kDump);
  std::ostringstream out, err;
  EXPECT_EQ(RunDiff(options, out, err), 0) << err.str();
  EXPECT_TRUE(absl::StrContains(
      err.str(), "is a cluster dump: compared for the 1 subject"))
      << err.str();
  // What the cluster grants the agent beyond what is committed, and nothing
  // of the other subjects' (alice's team-a-devs group, its edit role).
  EXPECT_TRUE(absl::StrContains(out.str(), "ServiceAccount monitoring/agent"))
      << out.str();
  EXPECT_TRUE(absl::StrContains(out.str(), "+ list apps/deployments"))
      << out.str();
  EXPECT_FALSE(absl::StrContains(out.str(), "team-a-devs")) << out.str();
  EXPECT_FALSE(absl::StrContains(out.str(), "ClusterRole edit")) << out.str();
}

TEST(ClusterDumpTest, AListOfOtherKindsWarnsThatItGrantsNothing) {
  const std::string list =
      absl::StrCat(std::getenv("TEST_TMPDIR"), "/workloads.yaml");
  WriteFile(list, R"(apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: settings, namespace: monitoring}
  data: {level: debug}
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: agent, namespace: monitoring}
)");
  const std::string warning =
      "workloads.yaml: warning: the file holds no Role, ClusterRole, "
      "RoleBinding or ClusterRoleBinding (objects of other kinds are "
      "skipped): it grants nothing";
  DiffOptions diff;
  diff.before = RunfilePath(kDump);
  diff.after = list;
  std::ostringstream diff_out, diff_err;
  EXPECT_EQ(RunDiff(diff, diff_out, diff_err), 0) << diff_err.str();
  EXPECT_TRUE(absl::StrContains(diff_err.str(), warning)) << diff_err.str();
  CanIOptions can_i = Ask({"get", "pods"});
  can_i.policy.yaml_path = list;
  can_i.policy.label = list;
  CanISubject subject;
  std::ostringstream load_err;
  ASSERT_TRUE(LoadCanISubject(can_i, load_err, &subject)) << load_err.str();
  EXPECT_TRUE(absl::StrContains(load_err.str(), warning)) << load_err.str();
  // The dump itself holds RBAC objects: no such warning.
  CanISubject dump;
  std::ostringstream dump_err;
  ASSERT_TRUE(LoadCanISubject(Ask({"get", "pods"}), dump_err, &dump));
  EXPECT_FALSE(absl::StrContains(dump_err.str(), "holds no Role"))
      << dump_err.str();
}

// The id Mermaid gives the node labelled `label` in `graph` ("" if none).
std::string NodeId(const std::string& graph, const std::string& label) {
  const std::string node = absl::StrCat("[\"", label, "\"]\n");
  const size_t at = graph.find(node);
  if (at == std::string::npos) return "";
  const size_t start = graph.rfind(' ', at) + 1;
  return graph.substr(start, at - start);
}

TEST(ClusterDumpTest, GraphShowsWhatAnAggregatedRoleAggregates) {
  GraphOptions options;
  options.policy.yaml_path = RunfilePath(kDump);
  options.policy.label = kDump;
  std::ostringstream out, err;
  ASSERT_EQ(RunGraph(options, out, err), 0) << err.str();
  const std::string graph = out.str();
  const std::string monitoring = NodeId(graph, "ClusterRole monitoring");
  const std::string apps = NodeId(graph, "ClusterRole monitoring-apps");
  const std::string pods = NodeId(graph, "ClusterRole monitoring-pods");
  const std::string deployments = NodeId(graph, "apps/deployments");
  ASSERT_FALSE(monitoring.empty() || apps.empty() || pods.empty() ||
               deployments.empty())
      << graph;
  for (const std::string& source : {apps, pods}) {
    EXPECT_TRUE(absl::StrContains(
        graph,
        absl::StrCat("  ", monitoring, " -->|\"aggregates\"| ", source, "\n")))
        << graph;
  }
  // The aggregated rules are drawn once, from the role they come from.
  EXPECT_TRUE(absl::StrContains(
      graph, absl::StrCat("  ", apps, " -->|\"get, list\"| ", deployments)))
      << graph;
  EXPECT_FALSE(
      absl::StrContains(graph, absl::StrCat("  ", monitoring, " -->|\"get")))
      << graph;
}

// Coverage of the recorded SkyPilot calls against the dump, which holds
// bindings but no ServiceAccount objects (kubectl prints none for
// clusterroles,clusterrolebindings,roles,rolebindings).
struct DumpCoverage {
  int exit_code;
  std::string out;
  std::string err;
};

DumpCoverage CoverDump(const std::string& dump,
                       std::optional<std::string> subjects) {
  CoverageOptions options;
  options.workspace_root = MakeWorkspace("dump_coverage");
  options.target = dump;
  options.calls_bundle = "skypilot";
  if (subjects.has_value()) {
    options.overrides.subjects = {{*subjects}, {"--subjects"}};
  }
  std::ostringstream out, err;
  const int exit_code = RunCoverage(options, out, err);
  return {exit_code, out.str(), err.str()};
}

TEST(ClusterDumpTest, CoverageEvaluatesTheOneAccountTheDumpBinds) {
  const DumpCoverage run = CoverDump(RunfilePath(kDump), std::nullopt);
  EXPECT_EQ(run.exit_code, kExitStale) << run.err;
  EXPECT_TRUE(absl::StrContains(
      run.out, "evaluated, as ServiceAccount:monitoring/agent (launcher"))
      << run.out;
  // The aggregated role lets the agent list Deployments in its namespace, as
  // the authorizer says; the pods' exec is granted to nobody.
  const UserInfo agent = ServiceAccountUser("monitoring", "agent");
  const RbacObjects objects = ResolvedDump();
  const Authorizer authorizer(objects);
  Request list_deployments;
  list_deployments.verb = "list";
  list_deployments.api_group = "apps";
  list_deployments.resource = "deployments";
  list_deployments.namespace_name = "monitoring";
  ASSERT_TRUE(authorizer.Allows(agent, list_deployments));
  EXPECT_FALSE(
      absl::StrContains(run.out, "list apps/deployments in monitoring denied"))
      << run.out;
  Request exec;
  exec.verb = "create";
  exec.resource = "pods";
  exec.subresource = "exec";
  exec.namespace_name = "monitoring";
  ASSERT_FALSE(authorizer.Allows(agent, exec));
  EXPECT_TRUE(
      absl::StrContains(run.out, "create pods/exec in monitoring denied"))
      << run.out;
  // Naming the account gives the same report.
  EXPECT_EQ(
      CoverDump(RunfilePath(kDump), "ServiceAccount:monitoring/agent").out,
      run.out);
}

TEST(ClusterDumpTest, CoverageOfADumpBindingSeveralAccountsNeedsSubjects) {
  const std::string dump =
      absl::StrCat(std::getenv("TEST_TMPDIR"), "/two-accounts.yaml");
  WriteFile(dump, ReadFileOrDie(RunfilePath(kDump)) +
                      R"(- apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRoleBinding
  metadata:
    name: bot-view
  roleRef:
    apiGroup: rbac.authorization.k8s.io
    kind: ClusterRole
    name: view
  subjects:
  - kind: ServiceAccount
    name: bot
    namespace: ci
)");
  const DumpCoverage ambiguous = CoverDump(dump, std::nullopt);
  EXPECT_EQ(ambiguous.exit_code, kExitError);
  EXPECT_EQ(ambiguous.out, "");
  EXPECT_TRUE(absl::StrContains(
      ambiguous.err,
      "binds 2 service accounts (ci/bot, monitoring/agent): which makes the "
      "calls is ambiguous; name the application's identity with "
      "--subjects=ServiceAccount:NAMESPACE/NAME"))
      << ambiguous.err;
  const DumpCoverage bot = CoverDump(dump, "ServiceAccount:ci/bot");
  EXPECT_EQ(bot.exit_code, kExitStale) << bot.err;
  EXPECT_TRUE(absl::StrContains(bot.out, "as ServiceAccount:ci/bot (launcher"))
      << bot.out;
}

}  // namespace
}  // namespace rbacc
