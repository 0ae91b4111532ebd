// Tests for --bootstrap parsing, the checks of a bootstrapping identity mode's
// selection, and the checks of a bundle's bootstrap objects.
#include "compiler/validate/bootstrap.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "compiler/common/issue.h"
#include "compiler/load/bundle_loader.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace rbacc {
namespace {

v1::IdentityMode BootstrappingMode() {
  v1::IdentityMode mode;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"pb(
        name: "SERVICE_ACCOUNT"
        service_account: "app-sa"
        bootstrap_objects { kind: "ServiceAccount" name: "app-sa" }
      )pb",
      &mode));
  return mode;
}

std::vector<std::string> Messages(const IssueList& issues) {
  std::vector<std::string> messages;
  for (const Issue& issue : issues.issues()) {
    messages.push_back(issue.location.file + ": " + issue.message);
  }
  return messages;
}

TEST(BootstrapModeTest, ParsesItsTwoSpellings) {
  v1::BootstrapMode mode = v1::BOOTSTRAP_MODE_UNSPECIFIED;
  EXPECT_TRUE(ParseBootstrapMode("grant", &mode));
  EXPECT_EQ(mode, v1::BOOTSTRAP_GRANT);
  EXPECT_EQ(BootstrapFlagValue(mode), "grant");
  EXPECT_TRUE(ParseBootstrapMode("precreate", &mode));
  EXPECT_EQ(mode, v1::BOOTSTRAP_PRECREATE);
  EXPECT_EQ(BootstrapFlagValue(mode), "precreate");
  EXPECT_FALSE(ParseBootstrapMode("Grant", &mode));
  EXPECT_EQ(mode, v1::BOOTSTRAP_PRECREATE);
}

TEST(BootstrapModeTest, DefaultsToPrecreateWithALauncher) {
  const v1::IdentityMode mode = BootstrappingMode();
  BootstrapSelectionInput input;
  input.mode = &mode;
  input.subject_count = 1;
  input.namespace_count = 1;
  IssueList issues;
  EXPECT_EQ(ResolveBootstrapMode(input, &issues), v1::BOOTSTRAP_PRECREATE);
  EXPECT_TRUE(issues.issues().empty());
  input.bootstrap = v1::BOOTSTRAP_GRANT;
  EXPECT_EQ(ResolveBootstrapMode(input, &issues), v1::BOOTSTRAP_GRANT);
  EXPECT_TRUE(issues.issues().empty());
}

TEST(BootstrapModeTest, EachMistakeIsAnErrorAtItsField) {
  const v1::IdentityMode mode = BootstrappingMode();
  BootstrapSelectionInput input;
  input.mode = &mode;
  input.identity_location = SourceLocation{"--remote_identity"};
  input.namespace_count = 2;
  input.namespaces_location = SourceLocation{"--namespace"};
  input.namespace_only = true;
  input.create_service_account_given = true;
  input.create_service_account_location =
      SourceLocation{"--create_service_account"};
  IssueList issues;
  ResolveBootstrapMode(input, &issues);
  const std::vector<std::string> messages = Messages(issues);
  ASSERT_EQ(messages.size(), 4u);
  EXPECT_TRUE(absl::StartsWith(messages[0], "--remote_identity: in "))
      << messages[0];
  EXPECT_TRUE(absl::StrContains(messages[0], "--subjects=User:NAME"));
  EXPECT_TRUE(absl::StartsWith(messages[1], "--namespace: "));
  EXPECT_TRUE(absl::StrContains(messages[2], "cluster_scope none"));
  EXPECT_TRUE(absl::StartsWith(messages[3], "--create_service_account: "));
}

TEST(BootstrapModeTest, BootstrapForOtherIdentitiesIsAnError) {
  BootstrapSelectionInput input;
  input.bootstrap = v1::BOOTSTRAP_GRANT;
  input.bootstrap_location = SourceLocation{"--bootstrap"};
  IssueList issues;
  EXPECT_EQ(ResolveBootstrapMode(input, &issues),
            v1::BOOTSTRAP_MODE_UNSPECIFIED);
  ASSERT_EQ(issues.issues().size(), 1u);
  EXPECT_EQ(issues.issues()[0].location.file, "--bootstrap");
}

TEST(CheckBootstrapObjectsTest, ReportsEachMistakenObject) {
  LoadedBundle bundle;
  bundle.source.display_path = "bundle.textproto";
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"pb(
        features: "ingress"
        fixed_namespaces { name: "system" }
        application {
          identity_modes {
            name: "SERVICE_ACCOUNT"
            service_account: "app-sa"
            launcher_object_names {
              role: "r"
              role_binding: "rb"
              cluster_role: "cr"
              cluster_role_binding: "crb"
            }
            bootstrap_objects { kind: "Pod" name: "p" }
            bootstrap_objects { kind: "Role" name: "r" namespace: "elsewhere" }
            bootstrap_objects {
              kind: "ClusterRole"
              name: "c"
              namespace: "system"
              rules { verbs: "get" resources: "nodes" api_groups: "" }
            }
            bootstrap_objects {
              kind: "ClusterRoleBinding"
              name: "b"
              subjects { kind: "ServiceAccount" name: "app-sa" }
              role_ref { kind: "Role" name: "r" }
            }
            bootstrap_objects { kind: "Role" name: "ok" feature: "ingres" }
            bootstrap_objects {
              kind: "Role"
              name: "fine"
              namespace: "system"
              feature: "ingress"
              rules { api_groups: "*" resources: "*" verbs: "*" reason: "r" }
            }
          }
        }
      )pb",
      &bundle.proto));
  IssueList issues;
  CheckBootstrapObjects(bundle, &issues);
  std::vector<std::string> messages = Messages(issues);
  ASSERT_EQ(messages.size(), 6u) << ::testing::PrintToString(messages);
  EXPECT_TRUE(absl::StrContains(messages[0], "unknown bootstrap object kind"));
  EXPECT_TRUE(absl::StrContains(messages[1], "is not in the bundle's"));
  EXPECT_TRUE(absl::StrContains(messages[2], "cluster-scoped"));
  EXPECT_TRUE(absl::StrContains(messages[3], "needs verbs, resources"));
  EXPECT_TRUE(absl::StrContains(messages[4], "binds a ClusterRole"));
  EXPECT_TRUE(absl::StrContains(messages[5], "feature \"ingres\""));
}

TEST(CheckBootstrapObjectsTest, ModeNeedsItsAccountAndLauncherNames) {
  LoadedBundle bundle;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"pb(
        application {
          identity_modes {
            name: "SERVICE_ACCOUNT"
            bootstrap_objects { kind: "ServiceAccount" name: "app-sa" }
          }
        }
      )pb",
      &bundle.proto));
  IssueList issues;
  CheckBootstrapObjects(bundle, &issues);
  ASSERT_EQ(issues.issues().size(), 1u);
  EXPECT_TRUE(
      absl::StrContains(issues.issues()[0].message, "launcher_object_names"));
}

}  // namespace
}  // namespace rbacc
