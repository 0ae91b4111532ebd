// `rbacc can-i` answers as the authorizer does: for every committed profile
// of every bundle (found on disk), for every request of the Kubernetes
// catalogue (each verb of each resource and subresource, unnamed and named)
// in the target namespaces, each fixed namespace of the bundle, a namespace
// no policy names and cluster-wide (--all-namespaces), asked by the compiled
// service account, by every bound subject (--as, --as-group) and by subjects
// nothing binds. The questions go through the same AnswerCanI the command
// line uses, arguments spelled as a user types them, so its parsing, default
// namespace and output are what is checked; each policy is compiled once.
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "compiler/cli/can_i_command.h"
#include "compiler/cli/explain_command.h"
#include "compiler/common/authorizer.h"
#include "compiler/common/issue.h"
#include "compiler/load/bundle_loader.h"
#include "compiler/review/grants.h"
#include "gtest/gtest.h"
#include "tests/testing/workspace.h"

namespace rbacc {
namespace {

using ::rbacc::testing::CatalogRequestsIn;
using ::rbacc::testing::CommittedProfile;
using ::rbacc::testing::CommittedProfiles;
using ::rbacc::testing::MakeWorkspace;
using ::rbacc::testing::UserForSubject;

// Who asks, as can-i's flags say it, and the identity the API server would
// see for it.
struct Asker {
  std::string label;
  std::string as;
  std::vector<std::string> as_groups;
  UserInfo expected;
};

// The subjects to ask for: each one the objects bind, and two that nothing
// binds (a user, and an account named like a bound one in another
// namespace).
std::vector<Asker> Askers(const RbacObjects& objects) {
  std::set<Subject> bound;
  for (const BindingObject& binding : objects.bindings) {
    bound.insert(binding.subjects.begin(), binding.subjects.end());
  }
  std::vector<Asker> askers;
  for (const Subject& subject : bound) {
    Asker asker{
        SubjectText(subject), subject.name, {}, UserForSubject(subject)};
    if (subject.kind == "ServiceAccount") {
      asker.as = absl::StrCat("system:serviceaccount:", subject.namespace_name,
                              ":", subject.name);
    } else if (subject.kind == "Group") {
      asker.as = asker.expected.name;
      asker.as_groups = {subject.name};
    }
    askers.push_back(asker);
  }
  askers.push_back({"unbound user",
                    "probe-outsider",
                    {},
                    {"probe-outsider", {"system:authenticated"}}});
  askers.push_back({"unbound account",
                    "system:serviceaccount:probe-namespace:sky-sa",
                    {},
                    ServiceAccountUser("probe-namespace", "sky-sa")});
  return askers;
}

// The bundle's fixed namespaces, read from its bundle.textproto.
std::vector<std::string> FixedNamespaces(const std::string& workspace,
                                         const std::string& bundle) {
  IssueList issues;
  absl::StatusOr<LoadedBundle> loaded =
      LoadBundle(BundleDirectory(workspace, bundle), bundle, &issues);
  EXPECT_TRUE(loaded.ok()) << loaded.status();
  std::vector<std::string> names;
  if (!loaded.ok()) return names;
  for (const v1::FixedNamespace& fixed : loaded->proto.fixed_namespaces()) {
    names.push_back(fixed.name());
  }
  return names;
}

// RESOURCE[.GROUP][/SUB] as kubectl takes it.
std::string Spelled(const Request& request) {
  return absl::StrCat(request.resource, request.api_group.empty() ? "" : ".",
                      request.api_group, request.subresource.empty() ? "" : "/",
                      request.subresource);
}

// Tallies of one asker's answers.
struct Tally {
  int asked = 0;
  int yes = 0;
  int wrong = 0;
};

// Asks every request of `requests` through AnswerCanI for `subject` and
// checks each answer against the authorizer for `expected`.
Tally AskEverything(const CanISubject& subject, const UserInfo& expected,
                    const std::vector<Request>& requests,
                    const std::string& primary_namespace,
                    bool several_namespaces) {
  const Authorizer authorizer(subject.input.objects);
  Tally tally;
  for (const Request& request : requests) {
    CanIOptions options;
    options.request = {request.verb, Spelled(request)};
    if (!request.name.empty()) options.request.push_back(request.name);
    if (request.namespace_name.empty()) {
      options.all_namespaces = true;
    } else if (request.namespace_name != primary_namespace ||
               several_namespaces) {
      options.request_namespace = request.namespace_name;
    }  // else: the default, the selection's only target namespace.
    std::ostringstream out, err;
    const int exit = AnswerCanI(subject, options, out, err);
    const bool allowed = authorizer.Allows(expected, request);
    ++tally.asked;
    tally.yes += allowed;
    // stderr says who asked where, and nothing else.
    const std::string said = absl::StrCat(
        "rbacc can-i: as ", expected.name, " (groups ",
        absl::StrJoin(expected.groups, ", "), ") ",
        request.namespace_name.empty()
            ? "cluster-wide"
            : absl::StrCat("in namespace ", request.namespace_name),
        "\n");
    if (exit != (allowed ? kExitYes : kExitNo) ||
        out.str() != (allowed ? "yes\n" : "no\n") || err.str() != said) {
      if (++tally.wrong <= 10) {
        ADD_FAILURE() << "can-i " << options.request[0] << " "
                      << options.request[1]
                      << (request.name.empty() ? "" : " " + request.name)
                      << " in \"" << request.namespace_name << "\": exit "
                      << exit << ", printed \"" << out.str() << "\" and \""
                      << err.str() << "\"; the authorizer says "
                      << (allowed ? "yes" : "no");
      }
    }
  }
  return tally;
}

// A Role granting `resources` of `group` in namespace default to
// default/sky-sa.
CanISubject RoleGranting(const std::string& group,
                         const std::vector<std::string>& resources) {
  CanISubject subject;
  RoleObject role;
  role.metadata = {"reader", "default", {}};
  CompiledRule rule;
  rule.rule.api_groups = {group};
  rule.rule.resources = resources;
  rule.rule.verbs = {"get"};
  role.rules = {rule};
  BindingObject binding;
  binding.metadata = {"reader", "default", {}};
  binding.role_kind = "Role";
  binding.role_name = "reader";
  binding.subjects = {{"ServiceAccount", "sky-sa", "default"}};
  subject.input.objects.roles = {role};
  subject.input.objects.bindings = {binding};
  subject.user = ServiceAccountUser("default", "sky-sa");
  return subject;
}

// What can-i prints on stdout for VERB RESOURCE in namespace default, and
// kubectl's warning from stderr if it gives one.
std::string Answer(const CanISubject& subject, const std::string& resource) {
  CanIOptions options;
  options.request = {"get", resource};
  options.request_namespace = "default";
  std::ostringstream out, err;
  AnswerCanI(subject, options, out, err);
  const std::string warning = err.str().substr(0, err.str().find('\n') + 1);
  return absl::StartsWith(warning, "Warning: ") ? out.str() + warning
                                                : out.str();
}

// Unqualified resources resolve as kubectl's discovery does, whatever group
// the policy grants them in: the core group first, then the built-in group
// that has them; only resources Kubernetes does not know take the policy's.
TEST(CanIResolutionTest, ResolvesUnqualifiedResourcesAsKubectlDoes) {
  const CanISubject events = RoleGranting("events.k8s.io", {"events"});
  EXPECT_EQ(Answer(events, "events"), "no\n");  // Core events.
  EXPECT_EQ(Answer(events, "events.events.k8s.io"), "yes\n");
  const CanISubject core = RoleGranting("", {"events", "deployments"});
  EXPECT_EQ(Answer(core, "events"), "yes\n");
  EXPECT_EQ(Answer(core, "deployments"), "no\n");  // apps/deployments.
  EXPECT_EQ(Answer(core, "deployments."), "yes\n");
  const CanISubject custom = RoleGranting("kueue.x-k8s.io", {"workloads"});
  EXPECT_EQ(Answer(custom, "workloads"), "yes\n");
  EXPECT_EQ(Answer(custom, "Workloads.kueue.x-k8s.io"), "yes\n");
  EXPECT_EQ(Answer(custom, "workloads.example.com"),
            "no\nWarning: the server doesn't have a resource type 'workloads' "
            "in group 'example.com'\n");
}

// kubectl's spellings of a type: short names, singular and kind names, any
// case, RESOURCE.GROUP and RESOURCE.VERSION.GROUP, subresources; each answer
// is the authorizer's for the canonical request.
TEST(CanIResolutionTest, ReadsKubectlSpellings) {
  CanISubject subject = RoleGranting("", {"pods", "pods/log", "services"});
  CompiledRule apps;
  apps.rule.api_groups = {"apps"};
  apps.rule.resources = {"deployments", "deployments/scale"};
  apps.rule.verbs = {"get"};
  subject.input.objects.roles[0].rules.push_back(apps);
  const Authorizer authorizer(subject.input.objects);
  struct Case {
    std::string typed;
    std::string group;
    std::string resource;
    std::string subresource;
  };
  for (const Case& c : std::vector<Case>{
           {"po", "", "pods", ""},
           {"pod", "", "pods", ""},
           {"Pod", "", "pods", ""},
           {"PODS", "", "pods", ""},
           {"po/log", "", "pods", "log"},
           {"svc", "", "services", ""},
           {"deploy", "apps", "deployments", ""},
           {"deployment", "apps", "deployments", ""},
           {"Deployment", "apps", "deployments", ""},
           {"deployments.apps", "apps", "deployments", ""},
           {"deployments.v1.apps", "apps", "deployments", ""},
           {"deploy.v1.apps/scale", "apps", "deployments", "scale"},
           {"rs", "apps", "replicasets", ""},
           {"cm", "", "configmaps", ""},
       }) {
    Request request;
    request.verb = "get";
    request.api_group = c.group;
    request.resource = c.resource;
    request.subresource = c.subresource;
    request.namespace_name = "default";
    const bool allowed = authorizer.Allows(subject.user, request);
    EXPECT_EQ(Answer(subject, c.typed), allowed ? "yes\n" : "no\n") << c.typed;
  }
  EXPECT_EQ(Answer(subject, "po"), "yes\n");
  EXPECT_EQ(Answer(subject, "deployments.v1.apps"), "yes\n");
  EXPECT_EQ(Answer(subject, "rs"), "no\n");
  EXPECT_EQ(Answer(subject, "frobnicators"),
            "no\nWarning: the server doesn't have a resource type "
            "'frobnicators'\n");
}

// With several target namespaces and no --namespace, one answer each, asked
// by each namespace's own account; --namespace picks one.
TEST(CanINamespacesTest, AnswersPerTargetNamespace) {
  const std::string workspace = MakeWorkspace("can_i_teams");
  CanIOptions options;
  options.workspace_root = workspace;
  options.policy.bundle = "skypilot";
  options.policy.profile = "teams";
  options.request = {"get", "pods"};
  CanISubject subject;
  std::ostringstream load_err;
  ASSERT_TRUE(LoadCanISubject(options, load_err, &subject)) << load_err.str();
  const Selection& selection = subject.input.compiled->selection;
  ASSERT_GE(selection.namespaces.size(), 2u);
  const Authorizer authorizer(subject.input.objects);
  std::string expected_out;
  bool all = true;
  for (const std::string& namespace_name : selection.namespaces) {
    Request request;
    request.verb = "get";
    request.resource = "pods";
    request.namespace_name = namespace_name;
    const bool allowed = authorizer.Allows(
        ServiceAccountUser(namespace_name, selection.service_account), request);
    all = all && allowed;
    absl::StrAppend(&expected_out, namespace_name, ": ", allowed ? "yes" : "no",
                    "\n");
  }
  std::ostringstream out, err;
  EXPECT_EQ(AnswerCanI(subject, options, out, err), all ? kExitYes : kExitNo);
  EXPECT_EQ(out.str(), expected_out);
  for (const std::string& namespace_name : selection.namespaces) {
    EXPECT_NE(
        err.str().find(absl::StrCat("as system:serviceaccount:", namespace_name,
                                    ":", selection.service_account)),
        std::string::npos)
        << err.str();
  }
  options.request_namespace = selection.namespaces[1];
  std::ostringstream one_out, one_err;
  AnswerCanI(subject, options, one_out, one_err);
  EXPECT_TRUE(one_out.str() == "yes\n" || one_out.str() == "no\n")
      << one_out.str();
  EXPECT_NE(one_err.str().find(
                absl::StrCat("in namespace ", selection.namespaces[1])),
            std::string::npos);
}

// Exit codes as kubectl's: 0 yes or the --list table, 1 no, and 1 with
// "error:" on stderr (nothing on stdout) for arguments kubectl rejects.
TEST(CanIUsageTest, ExitsAsKubectlDoes) {
  const CanISubject subject = RoleGranting("", {"pods"});
  const auto run = [&](CanIOptions options, std::string* out_text,
                       std::string* err_text) {
    options.request_namespace = "default";
    std::ostringstream out, err;
    const int exit = AnswerCanI(subject, options, out, err);
    *out_text = out.str();
    *err_text = err.str();
    return exit;
  };
  std::string out, err;
  CanIOptions options;
  options.request = {"get", "pods"};
  EXPECT_EQ(run(options, &out, &err), 0);
  EXPECT_EQ(out, "yes\n");
  options.request = {"delete", "pods"};
  EXPECT_EQ(run(options, &out, &err), 1);
  EXPECT_EQ(out, "no\n");
  // stderr only says who asked where.
  EXPECT_EQ(err,
            "rbacc can-i: as system:serviceaccount:default:sky-sa (groups "
            "system:serviceaccounts, system:serviceaccounts:default, "
            "system:authenticated) in namespace default\n");
  for (const std::vector<std::string>& request :
       std::vector<std::vector<std::string>>{{"get"},
                                             {"get", "pods", "web", "extra"},
                                             {"get", "/healthz", "x"}}) {
    options.request = request;
    EXPECT_EQ(run(options, &out, &err), kExitCanIError) << request.size();
    EXPECT_EQ(out, "");
    EXPECT_NE(err.find("rbacc can-i: error: "), std::string::npos) << err;
  }
  CanIOptions list;
  list.list = true;
  EXPECT_EQ(run(list, &out, &err), 0);
  EXPECT_EQ(out.rfind("Resources ", 0), 0u) << out;
  list.request = {"get", "pods"};
  EXPECT_EQ(run(list, &out, &err), kExitCanIError);
  EXPECT_NE(err.find("--list takes no arguments"), std::string::npos) << err;
  list.request.clear();
  list.all_namespaces = true;
  EXPECT_EQ(run(list, &out, &err), kExitCanIError);
  EXPECT_NE(err.find("--all-namespaces"), std::string::npos) << err;
  EXPECT_EQ(kExitCanIError, 1);
}

class CanITest : public ::testing::TestWithParam<CommittedProfile> {};

TEST_P(CanITest, AgreesWithTheAuthorizerOverTheCatalogue) {
  const CommittedProfile& profile = GetParam();
  const std::string workspace = MakeWorkspace(absl::StrCat(
      "can_i_", profile.bundle, "_", profile.profile, "_", profile.context));
  CanIOptions load;
  load.workspace_root = workspace;
  load.policy.bundle = profile.bundle;
  load.policy.profile = profile.profile;
  if (!profile.context.empty()) {
    load.policy.overrides.contexts = Located<std::vector<std::string>>{
        {profile.context}, {"--contexts"}, {}};
  }

  // The compiled service account, asked for without --as.
  std::ostringstream load_err;
  CanISubject compiled;
  const bool has_default_identity = LoadCanISubject(load, load_err, &compiled);
  ASSERT_TRUE(compiled.input.compiled.has_value()) << load_err.str();
  const Selection& selection = compiled.input.compiled->selection;

  std::set<std::string> namespaces = {"", "probe-namespace"};
  namespaces.insert(selection.namespaces.begin(), selection.namespaces.end());
  for (const std::string& fixed : FixedNamespaces(workspace, profile.bundle)) {
    namespaces.insert(fixed);
  }
  const std::vector<Request> requests = CatalogRequestsIn(namespaces);
  ASSERT_GE(requests.size(), 1000 * namespaces.size());

  std::vector<Asker> askers = Askers(compiled.input.objects);
  if (selection.service_account.empty()) {
    // An identity mode without an account: there is nobody to default to.
    EXPECT_FALSE(has_default_identity);
    EXPECT_NE(load_err.str().find("--as="), std::string::npos)
        << load_err.str();
  } else {
    askers.push_back({"compiled service account (no --as)",
                      "",
                      {},
                      ServiceAccountUser(selection.primary_namespace(),
                                         selection.service_account)});
  }
  for (const Asker& asker : askers) {
    SCOPED_TRACE(asker.label);
    CanIOptions options = load;
    options.as = asker.as;
    options.as_groups = asker.as_groups;
    CanISubject subject;
    std::ostringstream err;
    ASSERT_TRUE(LoadCanISubject(options, err, &subject)) << err.str();
    const Tally tally = AskEverything(subject, asker.expected, requests,
                                      selection.primary_namespace(),
                                      selection.namespaces.size() > 1);
    EXPECT_EQ(tally.wrong, 0) << "of " << tally.asked << " requests";
    if (absl::StartsWith(asker.label, "unbound")) {
      EXPECT_EQ(tally.yes, 0);
    } else {
      EXPECT_GT(tally.yes, 0);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Profiles, CanITest, ::testing::ValuesIn(CommittedProfiles()),
    [](const ::testing::TestParamInfo<CommittedProfile>& info) {
      std::string name = absl::StrCat(
          info.param.bundle, "_", info.param.profile,
          info.param.context.empty() ? "" : "_", info.param.context);
      for (char& c : name) {
        if (!absl::ascii_isalnum(c)) c = '_';
      }
      return name;
    });

// explain, like can-i, answers once per target namespace, as that namespace's
// account, and says whom and where it asked; each answer is the authorizer's.
TEST(ExplainNamespacesTest, AnswersPerTargetNamespace) {
  const std::string workspace = MakeWorkspace("explain_teams");
  CanIOptions load;
  load.workspace_root = workspace;
  load.policy.bundle = "skypilot";
  load.policy.profile = "teams";
  CanISubject subject;
  std::ostringstream load_err;
  ASSERT_TRUE(LoadCanISubject(load, load_err, &subject)) << load_err.str();
  const Selection& selection = subject.input.compiled->selection;
  ASSERT_GE(selection.namespaces.size(), 2u);
  const Authorizer authorizer(subject.input.objects);
  for (const std::vector<std::string>& asked :
       std::vector<std::vector<std::string>>{{"get", "pods"},
                                             {"create", "secrets"}}) {
    ExplainOptions options;
    options.workspace_root = workspace;
    options.policy = load.policy;
    options.request = asked;
    std::ostringstream out, err;
    RunExplain(options, out, err);
    size_t from = 0;
    for (const std::string& namespace_name : selection.namespaces) {
      Request request;
      request.verb = asked[0];
      request.resource = asked[1];
      request.namespace_name = namespace_name;
      const bool allowed = authorizer.Allows(
          ServiceAccountUser(namespace_name, selection.service_account),
          request);
      const std::string answer =
          absl::StrCat("as system:serviceaccount:", namespace_name, ":",
                       selection.service_account,
                       " (groups system:serviceaccounts, "
                       "system:serviceaccounts:",
                       namespace_name, ", system:authenticated) in namespace ",
                       namespace_name, ":\n", allowed ? "yes: " : "no: ");
      const size_t at = out.str().find(answer, from);
      EXPECT_NE(at, std::string::npos)
          << asked[0] << " " << asked[1] << " in " << namespace_name << "\n"
          << out.str() << err.str();
      if (at != std::string::npos) from = at + answer.size();
    }
  }
}

}  // namespace
}  // namespace rbacc
