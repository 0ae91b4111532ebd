// The skypilot bundle grants what SkyPilot's code needs: for every committed
// profile of the bundle (each context of a per-context profile), every call of
// policies/skypilot/calls.textproto that SkyPilot does not tolerate being
// denied (FORBIDDEN_FAILS) and that belongs to a selected feature is allowed
// by the committed rbac.yaml, evaluated with Kubernetes' authorizer semantics:
// the launcher's calls for every subject the profile binds, the pods' calls
// for the service account it binds, in every target namespace. And the page's
// version, skypilot-docs:full, denies some of them.
//
// Not evaluated here: the bootstrap's calls (those recorded for named identity
// modes only), which the objects SkyPilot's template writes serve; the pods'
// calls in modes that bind no service account (LOCAL_CREDENTIALS, NO_UPLOAD:
// the pods run as skypilot-service-account with the template's roles); and,
// for a namespace-only profile (cluster_scope none), the calls outside the
// target namespace, which such a compilation leaves out by design.
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "compiler/common/authorizer.h"
#include "compiler/common/issue.h"
#include "compiler/load/bundle_loader.h"
#include "gtest/gtest.h"
#include "tests/testing/calls_file.h"
#include "tests/testing/workspace.h"

namespace rbacc {
namespace {

using ::rbacc::testing::BoundUsers;
using ::rbacc::testing::CallRequest;
using ::rbacc::testing::ReadCallRecord;
using ::rbacc::testing::ReadRbacFile;
using ::rbacc::testing::RunfilePath;

LoadedBundle LoadOrDie(const std::string& name) {
  IssueList issues;
  absl::StatusOr<LoadedBundle> bundle =
      LoadBundle(RunfilePath("policies/" + name), "policies/" + name, &issues);
  EXPECT_TRUE(bundle.ok()) << bundle.status();
  EXPECT_FALSE(issues.has_errors());
  return bundle.ok() ? *bundle : LoadedBundle{};
}

v1::CallRecord SkyPilotCalls() {
  const LoadedBundle bundle = LoadOrDie("skypilot");
  EXPECT_FALSE(bundle.proto.calls_file().empty());
  absl::StatusOr<v1::CallRecord> calls = ReadCallRecord(
      RunfilePath("policies/skypilot/" + bundle.proto.calls_file()));
  EXPECT_TRUE(calls.ok()) << calls.status();
  return calls.ok() ? *calls : v1::CallRecord{};
}

// `features` with every feature they require, transitively.
std::set<std::string> WithRequired(const LoadedBundle& bundle,
                                   std::vector<std::string> features) {
  std::set<std::string> selected;
  while (!features.empty()) {
    const std::string feature = features.back();
    features.pop_back();
    if (!selected.insert(feature).second) continue;
    const auto found = bundle.features.find(feature);
    if (found == bundle.features.end()) continue;
    for (const std::string& required : found->second.proto.requires()) {
      features.push_back(required);
    }
  }
  return selected;
}

bool MadeFor(const v1::ApiCall& call, const std::set<std::string>& features) {
  for (const std::string& feature : call.features()) {
    if (features.count(feature) > 0) return true;
  }
  return false;
}

// The namespaces of the Roles in `objects` that are not the bundle's fixed
// namespaces: the compilation's target namespaces.
std::set<std::string> TargetNamespaces(const RbacObjects& objects,
                                       const LoadedBundle& bundle) {
  std::set<std::string> fixed;
  for (const v1::FixedNamespace& namespace_proto :
       bundle.proto.fixed_namespaces()) {
    fixed.insert(namespace_proto.name());
  }
  std::set<std::string> targets;
  for (const RoleObject& role : objects.roles) {
    const std::string& name = role.metadata.namespace_name;
    if (!name.empty() && fixed.count(name) == 0) targets.insert(name);
  }
  return targets;
}

// One compiled output folder of a profile: its rbac.yaml and what the profile
// selects.
struct Compilation {
  std::string folder;
  std::set<std::string> features;
  bool namespace_only = false;
};

std::vector<Compilation> SkyPilotCompilations(const LoadedBundle& bundle) {
  std::vector<Compilation> compilations;
  for (const auto& [name, profile] : bundle.profiles) {
    const std::vector<std::string> chosen(profile.proto.features().begin(),
                                          profile.proto.features().end());
    Compilation compilation{
        "outputs/skypilot/" + name, WithRequired(bundle, chosen),
        profile.proto.cluster_scope() == v1::CLUSTER_SCOPE_NONE};
    if (profile.proto.contexts().empty()) {
      compilations.push_back(compilation);
    }
    for (const v1::ContextIdentity& context : profile.proto.contexts()) {
      Compilation per_context = compilation;
      per_context.folder = absl::StrCat(
          compilation.folder, "/",
          context.folder().empty() ? context.name() : context.folder());
      compilations.push_back(per_context);
    }
  }
  return compilations;
}

// The calls of `record` for `features` that `objects` denies to `user`, as
// "id (site)" lines; `pod` selects the pods' calls, else the launcher's.
std::vector<std::string> DeniedCalls(const v1::CallRecord& record,
                                     const std::set<std::string>& features,
                                     const RbacObjects& objects,
                                     const std::set<std::string>& targets,
                                     const UserInfo& user, bool pod,
                                     bool target_namespace_only) {
  const Authorizer authorizer(objects);
  std::vector<std::string> denied;
  for (const v1::ApiCall& call : record.calls()) {
    if (call.on_forbidden() != v1::FORBIDDEN_FAILS) continue;
    if (!call.identity_modes().empty() || !MadeFor(call, features)) continue;
    if ((call.identity() == v1::CALL_IDENTITY_POD) != pod) continue;
    const bool in_target = call.scope() == v1::CALL_SCOPE_TARGET_NAMESPACE;
    if (target_namespace_only && !in_target) continue;
    for (const std::string& target : targets) {
      if (!authorizer.Allows(user, CallRequest(call, target))) {
        denied.push_back(
            absl::StrCat(call.id(), " (", call.site(), ") in ", target));
      }
    }
  }
  return denied;
}

bool IsServiceAccount(const UserInfo& user) {
  return absl::StartsWith(user.name, "system:serviceaccount:");
}

// True for the account SkyPilot bootstraps for its pods in the identity modes
// SERVICE_ACCOUNT, LOCAL_CREDENTIALS and NO_UPLOAD: it holds SkyPilot's
// template roles and makes only the pods' calls; the launcher (the profile's
// subjects) makes the others.
bool IsBootstrappedPodAccount(const UserInfo& user) {
  return IsServiceAccount(user) &&
         absl::EndsWith(user.name, ":skypilot-service-account");
}

// The target namespaces `user` works in: a service account of a target
// namespace works in its own (each target namespace binds its own account);
// anyone else, in every target namespace.
std::set<std::string> AccountTargets(const UserInfo& user,
                                     const std::set<std::string>& targets) {
  if (!IsServiceAccount(user)) return targets;
  const std::vector<std::string> parts = absl::StrSplit(user.name, ':');
  if (parts.size() == 4 && targets.count(parts[2]) > 0) return {parts[2]};
  return targets;
}

TEST(SkyPilotCallsTest, EveryProfileAllowsEveryCallItsFeaturesCannotDoWithout) {
  const LoadedBundle bundle = LoadOrDie("skypilot");
  const v1::CallRecord record = SkyPilotCalls();
  ASSERT_GT(record.calls_size(), 0);
  int evaluated_folders = 0;
  for (const Compilation& compilation : SkyPilotCompilations(bundle)) {
    SCOPED_TRACE(compilation.folder);
    const RbacObjects objects =
        ReadRbacFile(RunfilePath(compilation.folder + "/rbac.yaml"));
    const std::set<std::string> targets = TargetNamespaces(objects, bundle);
    ASSERT_FALSE(targets.empty());
    const std::vector<UserInfo> users = BoundUsers({&objects});
    ASSERT_FALSE(users.empty());
    for (const UserInfo& user : users) {
      for (const bool pod : {false, true}) {
        if (pod && !IsServiceAccount(user)) continue;
        if (!pod && IsBootstrappedPodAccount(user)) continue;
        EXPECT_EQ(DeniedCalls(record, compilation.features, objects,
                              AccountTargets(user, targets), user, pod,
                              compilation.namespace_only),
                  std::vector<std::string>{})
            << user.name << (pod ? " as the pods" : " as the launcher");
      }
    }
    ++evaluated_folders;
  }
  EXPECT_GT(evaluated_folders, 5);
}

TEST(SkyPilotCallsTest, EveryRuleServesRecordedCallsOfItsFeature) {
  const LoadedBundle bundle = LoadOrDie("skypilot");
  const v1::CallRecord record = SkyPilotCalls();
  std::set<std::string> ids;
  for (const v1::ApiCall& call : record.calls()) {
    EXPECT_TRUE(ids.insert(call.id()).second) << call.id();
  }
  for (const auto& [name, feature] : bundle.features) {
    std::vector<const v1::Rule*> rules;
    for (const v1::Rule& rule : feature.proto.namespace_rules()) {
      rules.push_back(&rule);
    }
    for (const v1::Rule& rule : feature.proto.cluster_rules()) {
      rules.push_back(&rule);
    }
    for (const v1::FixedNamespaceGrant& grant :
         feature.proto.fixed_namespace_rules()) {
      for (const v1::Rule& rule : grant.rules()) rules.push_back(&rule);
    }
    for (const v1::Rule* rule : rules) {
      EXPECT_FALSE(rule->serves().empty()) << name << ": " << rule->reason();
      for (const std::string& id : rule->serves()) {
        EXPECT_EQ(ids.count(id), 1u) << name << " cites " << id;
      }
    }
  }
}

TEST(SkyPilotCallsTest, ThePagesFullProfileDeniesCallsSkyPilotCannotDoWithout) {
  const LoadedBundle page = LoadOrDie("skypilot-docs");
  const v1::CallRecord record = SkyPilotCalls();
  const RbacObjects objects =
      ReadRbacFile(RunfilePath("outputs/skypilot-docs/full/rbac.yaml"));
  const Authorizer authorizer(objects);
  const UserInfo account = ServiceAccountUser("default", "sky-sa");
  std::set<std::string> all_features;
  for (const std::string& feature : page.proto.features()) {
    all_features.insert(feature);
  }
  std::vector<std::string> fails;
  std::vector<std::string> degrades;
  for (const v1::ApiCall& call : record.calls()) {
    if (!call.identity_modes().empty()) continue;
    if (authorizer.Allows(account, CallRequest(call, "default"))) continue;
    const std::string line =
        absl::StrCat(call.id(), " (", call.site(), ", ",
                     absl::StrJoin(call.features(), ","), ")");
    (call.on_forbidden() == v1::FORBIDDEN_FAILS ? fails : degrades)
        .push_back(line);
  }
  std::cout << "skypilot-docs:full denies " << fails.size()
            << " calls that fail and " << degrades.size()
            << " that degrade:\nfails:\n  " << absl::StrJoin(fails, "\n  ")
            << "\ndegrades:\n  " << absl::StrJoin(degrades, "\n  ") << "\n";
  EXPECT_FALSE(fails.empty());
  // Among them, calls of the page's own features.
  std::vector<std::string> page_feature_fails;
  for (const v1::ApiCall& call : record.calls()) {
    if (call.on_forbidden() != v1::FORBIDDEN_FAILS) continue;
    if (!call.identity_modes().empty() || !MadeFor(call, all_features)) {
      continue;
    }
    if (!authorizer.Allows(account, CallRequest(call, "default"))) {
      page_feature_fails.push_back(call.id());
    }
  }
  EXPECT_FALSE(page_feature_fails.empty());
}

}  // namespace
}  // namespace rbacc
