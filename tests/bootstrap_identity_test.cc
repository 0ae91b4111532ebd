// SkyPilot's identity modes SERVICE_ACCOUNT, LOCAL_CREDENTIALS and NO_UPLOAD,
// in which its pods run as skypilot-service-account and the launcher
// bootstraps that account on every launch (sky/provision/kubernetes/config.py
// at 7f64c9f, bootstrap_instances):
//  - the skypilot bundle's bootstrap objects equal SkyPilot's template
//    (tests/testdata/skypilot-template, copied from kubernetes-ray.yml.j2),
//    and each committed profile's rbac.yaml holds them field by field as
//    SkyPilot's code sends them, so its bootstrap finds nothing to patch;
//  - evaluated with Kubernetes' authorizer, the launcher may make every
//    bootstrap read and every request its features need, and write none of
//    SkyPilot's objects; the pods' account may make its in-pod bootstrap
//    reads, and is bound only by SkyPilot's own objects;
//  - with --bootstrap=grant the launcher may create and patch them, with
//    escalate and bind as Kubernetes requires, and nothing is pre-created;
//  - without --subjects the compilation fails at the flag or profile field.
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "compiler/common/authorizer.h"
#include "compiler/common/rbac_objects.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "proto/rbacc/v1/policy.pb.h"
#include "tests/testing/workspace.h"
#include "yaml-cpp/yaml.h"

namespace rbacc {
namespace {

using ::rbacc::testing::AllowedRequests;
using ::rbacc::testing::MakeWorkspace;
using ::rbacc::testing::RbaccRun;
using ::rbacc::testing::ReadFileOrDie;
using ::rbacc::testing::ReadRbacFile;
using ::rbacc::testing::RequestUniverse;
using ::rbacc::testing::RunfilePath;
using ::rbacc::testing::RunRbacc;
using ::rbacc::testing::WriteFile;

constexpr char kTargetNamespace[] = "default";
constexpr char kPodsAccount[] = "skypilot-service-account";

// One RBAC object, every field SkyPilot writes or compares.
struct Object {
  std::string kind;
  std::string namespace_name;
  std::string name;
  std::map<std::string, std::string> labels;
  std::vector<PolicyRule> rules;
  std::vector<Subject> subjects;
  std::string role_ref_kind;
  std::string role_ref_name;

  std::string Key() const {
    return absl::StrCat(kind, " ", namespace_name, "/", name);
  }
  friend bool operator==(const Object& a, const Object& b) {
    return a.Key() == b.Key() && a.labels == b.labels && a.rules == b.rules &&
           a.subjects == b.subjects && a.role_ref_kind == b.role_ref_kind &&
           a.role_ref_name == b.role_ref_name;
  }
};

std::ostream& operator<<(std::ostream& out, const Object& object) {
  out << object.Key() << " labels " << object.labels.size() << " rules "
      << object.rules.size() << " subjects [";
  for (const Subject& subject : object.subjects) {
    out << subject.kind << ":" << subject.namespace_name << "/" << subject.name
        << " ";
  }
  return out << "] roleRef " << object.role_ref_kind << "/"
             << object.role_ref_name;
}

bool IsClusterScoped(const std::string& kind) {
  return kind == "Namespace" || kind == "ClusterRole" ||
         kind == "ClusterRoleBinding";
}

std::vector<std::string> Strings(const YAML::Node& node) {
  std::vector<std::string> values;
  for (const YAML::Node& value : node)
    values.push_back(value.as<std::string>());
  return values;
}

// An object read from YAML as written (no namespace filled in).
Object FromYaml(const YAML::Node& node) {
  Object object;
  object.kind = node["kind"].as<std::string>();
  object.name = node["metadata"]["name"].as<std::string>();
  object.namespace_name = node["metadata"]["namespace"].as<std::string>("");
  for (const auto& label : node["metadata"]["labels"]) {
    object.labels[label.first.as<std::string>()] =
        label.second.as<std::string>();
  }
  for (const YAML::Node& rule : node["rules"]) {
    PolicyRule policy_rule;
    policy_rule.api_groups = Strings(rule["apiGroups"]);
    policy_rule.resources = Strings(rule["resources"]);
    policy_rule.verbs = Strings(rule["verbs"]);
    policy_rule.resource_names = Strings(rule["resourceNames"]);
    policy_rule.non_resource_urls = Strings(rule["nonResourceURLs"]);
    object.rules.push_back(policy_rule);
  }
  for (const YAML::Node& subject : node["subjects"]) {
    object.subjects.push_back({subject["kind"].as<std::string>(),
                               subject["name"].as<std::string>(),
                               subject["namespace"].as<std::string>("")});
  }
  if (node["roleRef"]) {
    object.role_ref_kind = node["roleRef"]["kind"].as<std::string>();
    object.role_ref_name = node["roleRef"]["name"].as<std::string>();
  }
  return object;
}

// SkyPilot's template objects as its code sends them for `target_namespace`:
// the namespace filled in where the template has none (config.py:300, 340,
// 384), each ServiceAccount subject's namespace (393-395, 471-473), and the
// skypilot-system RoleBinding's name suffixed with it (523-524). With
// `ingress` false, the two ingress-nginx objects are left out (config.py:67).
std::map<std::string, Object> TemplateAsSent(bool ingress) {
  const YAML::Node root = YAML::LoadFile(
      RunfilePath("tests/testdata/skypilot-template/bootstrap-objects.yaml"));
  std::map<std::string, Object> objects;
  for (const auto& field : root) {
    const std::string key = field.first.as<std::string>();
    if (!ingress && absl::StrContains(key, "ingress")) continue;
    Object object = FromYaml(field.second);
    if (object.namespace_name.empty() && !IsClusterScoped(object.kind)) {
      object.namespace_name = kTargetNamespace;
    }
    for (Subject& subject : object.subjects) {
      if (subject.namespace_name.empty()) {
        subject.namespace_name = kTargetNamespace;
      }
    }
    if (key == "autoscaler_skypilot_system_role_binding") {
      object.name = absl::StrCat(object.name, "-", kTargetNamespace);
    }
    objects[object.Key()] = object;
  }
  return objects;
}

v1::Bundle SkyPilotBundle() {
  v1::Bundle bundle;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(
      ReadFileOrDie(RunfilePath("policies/skypilot/bundle.textproto")),
      &bundle));
  return bundle;
}

// The bundle's bootstrap objects of `mode` for the target namespace, but the
// Namespace (which SkyPilot's code writes, not its template).
std::map<std::string, Object> BundleObjects(const v1::Bundle& bundle,
                                            const std::string& mode) {
  std::map<std::string, Object> objects;
  for (const v1::IdentityMode& identity :
       bundle.application().identity_modes()) {
    if (identity.name() != mode) continue;
    for (const v1::BootstrapObject& declared : identity.bootstrap_objects()) {
      if (declared.kind() == "Namespace") continue;
      Object object;
      object.kind = declared.kind();
      object.name = absl::StrReplaceAll(declared.name(),
                                        {{"{namespace}", kTargetNamespace}});
      object.namespace_name = IsClusterScoped(object.kind) ? ""
                              : declared.namespace_().empty()
                                  ? kTargetNamespace
                                  : declared.namespace_();
      object.labels.insert(declared.labels().begin(), declared.labels().end());
      for (const v1::Rule& rule : declared.rules()) {
        PolicyRule policy_rule;
        policy_rule.api_groups.assign(rule.api_groups().begin(),
                                      rule.api_groups().end());
        policy_rule.resources.assign(rule.resources().begin(),
                                     rule.resources().end());
        policy_rule.verbs.assign(rule.verbs().begin(), rule.verbs().end());
        object.rules.push_back(policy_rule);
      }
      for (const v1::BootstrapSubject& subject : declared.subjects()) {
        object.subjects.push_back({subject.kind(), subject.name(),
                                   subject.namespace_().empty()
                                       ? kTargetNamespace
                                       : subject.namespace_()});
      }
      object.role_ref_kind = declared.role_ref().kind();
      object.role_ref_name = declared.role_ref().name();
      objects[object.Key()] = object;
    }
  }
  return objects;
}

// Every object of a committed rbac.yaml, by key.
std::map<std::string, Object> RbacYamlObjects(const std::string& path) {
  std::map<std::string, Object> objects;
  for (const YAML::Node& document : YAML::LoadAllFromFile(path)) {
    if (!document.IsMap()) continue;
    const Object object = FromYaml(document);
    objects[object.Key()] = object;
  }
  return objects;
}

struct ModeCase {
  std::string profile;
  std::string mode;
  // The profile's launcher, as a request's identity.
  UserInfo launcher;
  // The custom-account profile with the same features.
  std::string reference;
  bool ingress;
};

class BootstrapModeTest : public ::testing::TestWithParam<ModeCase> {
 protected:
  std::string RbacPath() const {
    return RunfilePath("outputs/skypilot/" + GetParam().profile + "/rbac.yaml");
  }
};

TEST_P(BootstrapModeTest, BundleObjectsEqualSkyPilotsTemplate) {
  const std::map<std::string, Object> expected = TemplateAsSent(true);
  const std::map<std::string, Object> declared =
      BundleObjects(SkyPilotBundle(), GetParam().mode);
  ASSERT_EQ(declared.size(), expected.size());
  for (const auto& [key, object] : expected) {
    ASSERT_EQ(declared.count(key), 1u) << key;
    EXPECT_EQ(declared.at(key), object);
  }
}

TEST_P(BootstrapModeTest, RbacYamlPreCreatesTheTemplatesObjectsExactly) {
  const std::map<std::string, Object> written = RbacYamlObjects(RbacPath());
  for (const auto& [key, object] : TemplateAsSent(GetParam().ingress)) {
    ASSERT_EQ(written.count(key), 1u) << key << " is not in rbac.yaml";
    EXPECT_EQ(written.at(key), object);
  }
  const std::string ingress_role =
      "Role ingress-nginx/skypilot-service-account-ingress-role";
  EXPECT_EQ(written.count(ingress_role), GetParam().ingress ? 1u : 0u);
  const std::string system = "Namespace /skypilot-system";
  ASSERT_EQ(written.count(system), 1u);
  EXPECT_EQ(written.at(system).labels,
            (std::map<std::string, std::string>{{"parent", "skypilot"}}));
}

// A request for one object, as the bootstrap makes it.
Request ObjectRequest(const std::string& verb, const std::string& group,
                      const std::string& resource, const std::string& name,
                      const std::string& namespace_name) {
  Request request;
  request.verb = verb;
  request.api_group = group;
  request.resource = resource;
  request.name = name;
  request.namespace_name = namespace_name;
  return request;
}

// The reads of bootstrap_instances when every object exists: a list with a
// field selector on the name (authorized against resourceNames) for each
// object (config.py:315, 355, 414, 449, 490; ingress 71-80) and the get of
// the skypilot-system Namespace (utils.py:4070).
std::vector<Request> BootstrapReads(bool ingress) {
  const std::string rbac = kRbacApiGroup;
  std::vector<Request> reads = {
      ObjectRequest("list", "", "serviceaccounts", kPodsAccount,
                    kTargetNamespace),
      ObjectRequest("list", rbac, "roles", "skypilot-service-account-role",
                    kTargetNamespace),
      ObjectRequest("list", rbac, "rolebindings",
                    "skypilot-service-account-role-binding", kTargetNamespace),
      ObjectRequest("list", rbac, "clusterroles",
                    "skypilot-service-account-cluster-role", ""),
      ObjectRequest("list", rbac, "clusterrolebindings",
                    "skypilot-service-account-cluster-role-binding", ""),
      ObjectRequest("get", "", "namespaces", "skypilot-system", ""),
      ObjectRequest("list", rbac, "roles",
                    "skypilot-system-service-account-role", "skypilot-system"),
      ObjectRequest("list", rbac, "rolebindings",
                    "skypilot-system-service-account-role-binding-default",
                    "skypilot-system"),
  };
  if (ingress) {
    reads.push_back(ObjectRequest("list", rbac, "roles",
                                  "skypilot-service-account-ingress-role",
                                  "ingress-nginx"));
    reads.push_back(ObjectRequest(
        "list", rbac, "rolebindings",
        "skypilot-service-account-ingress-role-binding", "ingress-nginx"));
  }
  return reads;
}

std::string Describe(const Request& request) {
  return absl::StrCat(
      request.verb, " ", request.api_group, "/", request.resource, " ",
      request.name, " in ",
      request.namespace_name.empty() ? "the cluster" : request.namespace_name);
}

TEST_P(BootstrapModeTest, LauncherMakesEveryBootstrapReadAndWritesNothing) {
  const RbacObjects objects = ReadRbacFile(RbacPath());
  const Authorizer authorizer(objects);
  for (const Request& read : BootstrapReads(GetParam().ingress)) {
    EXPECT_TRUE(authorizer.Allows(GetParam().launcher, read)) << Describe(read);
    for (const char* write : {"create", "patch"}) {
      Request request = read;
      request.verb = write;
      if (request.verb == "create") request.name.clear();
      EXPECT_FALSE(authorizer.Allows(GetParam().launcher, request))
          << Describe(request);
    }
  }
}

TEST_P(BootstrapModeTest, LauncherGetsTheFeaturesAndOnlyTheBootstrapReadsMore) {
  const RbacObjects objects = ReadRbacFile(RbacPath());
  const RbacObjects reference = ReadRbacFile(
      RunfilePath("outputs/skypilot/" + GetParam().reference + "/rbac.yaml"));
  const std::vector<Request> universe = RequestUniverse({&objects, &reference});
  const std::set<std::string> needed = AllowedRequests(
      reference, ServiceAccountUser(kTargetNamespace, "sky-sa"), universe);
  ASSERT_FALSE(needed.empty());
  const std::set<std::string> granted =
      AllowedRequests(objects, GetParam().launcher, universe);
  for (const std::string& request : needed) {
    EXPECT_EQ(granted.count(request), 1u) << request;
  }
  for (const std::string& request : granted) {
    if (needed.count(request) > 0) continue;
    EXPECT_TRUE(absl::StartsWith(request, "list ") ||
                absl::StartsWith(request, "get "))
        << "beyond the features: " << request;
    EXPECT_TRUE(absl::StrContains(request, "name=")) << request;
  }
}

TEST_P(BootstrapModeTest, PodsAccountIsBoundOnlyBySkyPilotsObjects) {
  const RbacObjects objects = ReadRbacFile(RbacPath());
  const UserInfo pods = ServiceAccountUser(kTargetNamespace, kPodsAccount);
  const Authorizer authorizer(objects);
  for (const Request& read : BootstrapReads(GetParam().ingress)) {
    EXPECT_TRUE(authorizer.Allows(pods, read)) << Describe(read);
  }
  const std::map<std::string, Object> expected =
      TemplateAsSent(GetParam().ingress);
  for (const BindingObject& binding : objects.bindings) {
    if (!BindingAppliesTo(binding, pods)) continue;
    const std::string key = absl::StrCat(
        binding.is_cluster_binding() ? "ClusterRoleBinding " : "RoleBinding ",
        binding.metadata.namespace_name, "/", binding.metadata.name);
    EXPECT_EQ(expected.count(key), 1u) << key << " binds the pods' account";
  }
  const std::vector<Request> universe = RequestUniverse({&objects});
  EXPECT_TRUE(AllowedRequests(objects,
                              UserInfo{"mallory", {"system:authenticated"}},
                              universe)
                  .empty());
}

INSTANTIATE_TEST_SUITE_P(
    Profiles, BootstrapModeTest,
    ::testing::Values(
        ModeCase{"service-account", "SERVICE_ACCOUNT",
                 UserInfo{"sky-launcher", {"system:authenticated"}}, "full",
                 true},
        ModeCase{"local-credentials", "LOCAL_CREDENTIALS",
                 UserInfo{"alice", {"skypilot-users", "system:authenticated"}},
                 "full", true},
        ModeCase{"no-upload", "NO_UPLOAD",
                 UserInfo{"skypilot", {"system:authenticated"}}, "minimal",
                 false}),
    [](const ::testing::TestParamInfo<ModeCase>& info) {
      return absl::StrReplaceAll(info.param.profile, {{"-", "_"}});
    });

TEST(BootstrapGrantTest, LauncherMayCreateAndPatchWithEscalateAndBind) {
  const std::string workspace = MakeWorkspace("bootstrap-grant");
  const RbaccRun run =
      RunRbacc(workspace, {"--bundle=skypilot", "--profile=service-account",
                           "--bootstrap=grant", "--out_dir=grant"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const RbacObjects objects = ReadRbacFile(workspace + "/grant/rbac.yaml");
  for (const ObjectMeta& account : objects.service_accounts) {
    EXPECT_NE(account.name, kPodsAccount) << "pre-created with grant";
  }
  for (const RoleObject& role : objects.roles) {
    EXPECT_FALSE(absl::StartsWith(role.metadata.name, "skypilot-service"))
        << role.metadata.name << " pre-created with grant";
  }
  const UserInfo launcher{"sky-launcher", {"system:authenticated"}};
  const Authorizer authorizer(objects);
  for (const Request& read : BootstrapReads(true)) {
    EXPECT_TRUE(authorizer.Allows(launcher, read)) << Describe(read);
    if (read.resource == "namespaces") continue;
    Request create = read;
    create.verb = "create";
    create.name.clear();
    EXPECT_TRUE(authorizer.Allows(launcher, create)) << Describe(create);
    if (read.resource == "serviceaccounts") continue;
    Request patch = read;
    patch.verb = "patch";
    EXPECT_TRUE(authorizer.Allows(launcher, patch)) << Describe(patch);
    // Creating or patching a role that grants what the launcher does not
    // hold needs escalate; binding a role it does not hold needs bind.
    Request special = read;
    if (read.resource == "roles" || read.resource == "clusterroles") {
      special.verb = "escalate";
    } else {
      special.verb = "bind";
      special.resource =
          read.resource == "rolebindings" ? "roles" : "clusterroles";
      special.name = absl::StrReplaceAll(
          read.name,
          {{"-role-binding-default", "-role"}, {"-role-binding", "-role"}});
    }
    EXPECT_TRUE(authorizer.Allows(launcher, special)) << Describe(special);
  }
}

TEST(BootstrapSubjectsTest, ModeWithoutLauncherFailsAtTheFlag) {
  const std::string workspace = MakeWorkspace("bootstrap-no-subjects");
  const RbaccRun run = RunRbacc(
      workspace, {"--bundle=skypilot", "--features=base",
                  "--remote_identity=SERVICE_ACCOUNT", "--out_dir=out"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(run.err, "--remote_identity: error:"))
      << run.err;
  EXPECT_TRUE(absl::StrContains(run.err, "--subjects=User:NAME")) << run.err;
  EXPECT_FALSE(std::filesystem::exists(workspace + "/out"));
}

TEST(BootstrapSubjectsTest, ModeWithoutLauncherFailsAtTheProfileField) {
  const std::string workspace = MakeWorkspace("bootstrap-profile");
  WriteFile(workspace + "/policies/skypilot/profiles/no-launcher.textproto",
            "name: \"no-launcher\"\nfeatures: \"base\"\n"
            "remote_identity: \"LOCAL_CREDENTIALS\"\n");
  const RbaccRun run =
      RunRbacc(workspace, {"--bundle=skypilot", "--profile=no-launcher"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(
      run.err, "policies/skypilot/profiles/no-launcher.textproto:3:"))
      << run.err;
  EXPECT_TRUE(absl::StrContains(run.err, "subjects: \"User:NAME\"")) << run.err;
}

TEST(BootstrapSubjectsTest, BootstrapFlagNeedsABootstrappingMode) {
  const std::string workspace = MakeWorkspace("bootstrap-custom");
  const RbaccRun run =
      RunRbacc(workspace, {"--bundle=skypilot", "--profile=full",
                           "--bootstrap=grant", "--out_dir=-"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(run.err, "--bootstrap: error:")) << run.err;
}

TEST(BootstrapLintTest, StatesTheCostAndTheNarrowerChoice) {
  const std::string workspace = MakeWorkspace("bootstrap-lint");
  const RbaccRun run = RunRbacc(
      workspace, {"lint", "--bundle=skypilot", "--features=base",
                  "--remote_identity=NO_UPLOAD", "--subjects=User:alice"});
  const std::string printed = run.out + run.err;
  EXPECT_TRUE(absl::StrContains(printed, "warning: [identity-mode-cost]"))
      << printed;
  // The template's namespaced Roles and its ClusterRole's rules, quoted.
  EXPECT_TRUE(absl::StrContains(printed,
                                "Role skypilot-service-account-role in "
                                "namespace default: * on */*"))
      << printed;
  EXPECT_TRUE(absl::StrContains(
      printed,
      "rbac.authorization.k8s.io/clusterroles,clusterrolebindings "
      "[get,list,watch,create,update,patch,delete]"))
      << printed;
  EXPECT_TRUE(absl::StrContains(printed, "remote_identity: sky-sa")) << printed;
}

}  // namespace
}  // namespace rbacc
