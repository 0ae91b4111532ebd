// Injection-proof output (DESIGN.md §2): strings from the policies and flags
// that YAML could misread — line breaks, ": ", "#", "---", "{", quotes, leading
// "*", "&" or "!", tabs, NUL, non-ASCII — are either rejected with an error
// naming where they were given (where Kubernetes rejects them too) or come out
// so that reading the YAML back gives exactly the input, and never add
// structure.
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "compiler/cli/compile_command.h"
#include "compiler/common/rbac_objects.h"
#include "gtest/gtest.h"
#include "tests/testing/workspace.h"
#include "yaml-cpp/yaml.h"

namespace rbacc {
namespace {

using ::rbacc::testing::MakeWorkspace;
using ::rbacc::testing::ReadFileOrDie;
using ::rbacc::testing::ReadRbacFile;
using ::rbacc::testing::WriteFile;

// Every string YAML could misread.
std::vector<std::string> HostileStrings() {
  return {"line\nbreak",
          "key: value",
          "# comment",
          "---",
          "...",
          "{a: b}",
          "[x, y]",
          "\"double\"",
          "'single'",
          "*alias",
          "&anchor",
          "!tag",
          "!!str",
          "- item",
          "? key",
          "|",
          ">",
          "@at",
          "`tick`",
          "%directive",
          "tab\there",
          std::string("nul\0byte", 8),
          "carriage\rreturn",
          "na\xc3\xafve \xe6\x97\xa5\xe6\x9c\xac",
          "next\xc2\x85line",
          "line\xe2\x80\xa8separator",
          "yes",
          "null",
          "~",
          "1.0",
          "0x10",
          "",
          " leading space",
          "trailing space ",
          "a: b\n- c\n---\nkind: ClusterRole"};
}

// True when `value` holds an ASCII control character.
bool HasControlCharacter(const std::string& value) {
  for (const char c : value) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
  }
  return false;
}

// `value` as a text-format string literal.
std::string TextFormatString(const std::string& value) {
  return absl::StrCat("\"", absl::CEscape(value), "\"");
}

// Compiles `--features=base` with `flags` set by `configure` in `workspace`
// into out/; returns the exit code and leaves the messages in `err`.
int CompileBase(const std::string& workspace, std::string* err,
                void (*configure)(CompileOptions&,
                                  const std::string&) = nullptr,
                const std::string& value = "") {
  CompileOptions options;
  options.request.workspace_root = workspace;
  options.request.overrides.features = {{"base"}, {"--features"}};
  options.request.out_dir = "out";
  if (configure != nullptr) configure(options, value);
  std::ostringstream out;
  std::ostringstream messages;
  const int exit_code = RunCompile(options, out, messages);
  *err = messages.str();
  return exit_code;
}

// Replaces every `from` in the policy file `relative` with `to`.
void EditPolicy(const std::string& workspace, const std::string& relative,
                const std::string& from, const std::string& to) {
  const std::string path = absl::StrCat(workspace, "/policies/", relative);
  const std::string text = ReadFileOrDie(path);
  ASSERT_TRUE(absl::StrContains(text, from)) << relative << ": " << from;
  WriteFile(path, absl::StrReplaceAll(text, {{from, to}}));
}

// A rule's fields as one line.
std::string RuleText(const PolicyRule& rule) {
  return absl::StrCat("groups=", absl::StrJoin(rule.api_groups, ","),
                      " resources=", absl::StrJoin(rule.resources, ","),
                      " verbs=", absl::StrJoin(rule.verbs, ","),
                      " names=", absl::StrJoin(rule.resource_names, ","),
                      " urls=", absl::StrJoin(rule.non_resource_urls, ","));
}

// The roles and bindings of rbac.yaml without labels, as comparable text.
std::string RbacShape(const RbacObjects& objects) {
  std::string shape;
  for (const RoleObject& role : objects.roles) {
    absl::StrAppend(&shape, "role ", role.metadata.namespace_name, "/",
                    role.metadata.name, "\n");
    for (const CompiledRule& rule : role.rules) {
      absl::StrAppend(&shape, "  ", RuleText(rule.rule), "\n");
    }
  }
  for (const BindingObject& binding : objects.bindings) {
    absl::StrAppend(&shape, "binding ", binding.metadata.namespace_name, "/",
                    binding.metadata.name, " -> ", binding.role_name, "\n");
    for (const Subject& subject : binding.subjects) {
      absl::StrAppend(&shape, "  ", subject.kind, " ", subject.namespace_name,
                      " ", absl::CEscape(subject.name), "\n");
    }
  }
  return shape;
}

class InjectionTest : public ::testing::TestWithParam<int> {
 protected:
  const std::string& value() const { return value_; }
  std::string Escaped() const { return absl::CEscape(value_); }

  void SetUp() override {
    value_ = HostileStrings()[GetParam()];
    workspace_ = MakeWorkspace(absl::StrCat("injection_", GetParam()));
    std::string err;
    const std::string baseline = MakeWorkspace("injection_baseline");
    ASSERT_EQ(CompileBase(baseline, &err), kExitOk) << err;
    baseline_shape_ = RbacShape(ReadRbacFile(baseline + "/out/rbac.yaml"));
  }

  std::string value_;
  std::string workspace_;
  std::string baseline_shape_;
};

TEST_P(InjectionTest, ReasonStaysInItsComment) {
  EditPolicy(
      workspace_, "skypilot/base.textproto", "reason: \"",
      absl::StrCat("reason: ", TextFormatString(value()), "\nreason: \""));
  // A repeated singular field is an error; use the edit as the only reason.
  EditPolicy(
      workspace_, "skypilot/base.textproto",
      absl::StrCat("reason: ", TextFormatString(value()), "\nreason: \""),
      absl::StrCat("reason: ", TextFormatString(value()), " # \""));
  std::string err;
  const int exit_code = CompileBase(workspace_, &err);
  if (exit_code != kExitOk) {
    // Reasons become comments: they must be one line of text, and not empty.
    EXPECT_TRUE(value().empty() || HasControlCharacter(value())) << err;
    EXPECT_TRUE(absl::StrContains(err, "policies/skypilot/base.textproto:"))
        << err;
    return;
  }
  EXPECT_EQ(RbacShape(ReadRbacFile(workspace_ + "/out/rbac.yaml")),
            baseline_shape_);
  for (const char* file :
       {"values.yaml", "config.yaml", "kustomization.yaml"}) {
    EXPECT_NO_THROW(YAML::LoadAllFromFile(workspace_ + "/out/" + file)) << file;
  }
}

TEST_P(InjectionTest, ConfigAndHelmValuesReadBackExactly) {
  // Before the feature's summary, which it has once (it has many rules).
  EditPolicy(workspace_, "skypilot/base.textproto", "\nsummary: ",
             absl::StrCat("\napp_config { key: \"kubernetes.probe\" "
                          "string_value: ",
                          TextFormatString(value()),
                          " }\nhelm_values { key: \"apiService.config\" "
                          "string_value: ",
                          TextFormatString(value()), " }\nsummary: "));
  std::string err;
  ASSERT_EQ(CompileBase(workspace_, &err), kExitOk) << err;
  const YAML::Node config = YAML::LoadFile(workspace_ + "/out/config.yaml");
  EXPECT_EQ(absl::CEscape(config["kubernetes"]["probe"].as<std::string>()),
            Escaped());
  const YAML::Node values = YAML::LoadFile(workspace_ + "/out/values.yaml");
  EXPECT_EQ(absl::CEscape(values["apiService"]["config"].as<std::string>()),
            Escaped());
  EXPECT_EQ(RbacShape(ReadRbacFile(workspace_ + "/out/rbac.yaml")),
            baseline_shape_);
}

TEST_P(InjectionTest, LabelIsRejectedAtItsPlace) {
  EditPolicy(workspace_, "skypilot/bundle.textproto", "value: \"skypilot\"",
             absl::StrCat("value: ", TextFormatString(value())));
  std::string err;
  const int exit_code = CompileBase(workspace_, &err);
  if (exit_code == kExitOk) {
    // Only label values Kubernetes accepts get through, and they read back.
    const RbacObjects objects = ReadRbacFile(workspace_ + "/out/rbac.yaml");
    ASSERT_FALSE(objects.roles.empty());
    EXPECT_EQ(absl::CEscape(objects.roles[0].metadata.labels.at("parent")),
              Escaped());
    return;
  }
  EXPECT_EQ(exit_code, kExitError);
  EXPECT_TRUE(absl::StrContains(err, "policies/skypilot/bundle.textproto:"))
      << err;
  EXPECT_TRUE(absl::StrContains(err, "is not a valid Kubernetes label")) << err;
}

// Namespaces and service accounts are DNS-1123 names: anything else is
// rejected at its flag, and what is accepted reads back exactly.
TEST_P(InjectionTest, NamesFromFlagsAreRejectedOrReadBack) {
  std::string err;
  const int namespace_exit = CompileBase(
      workspace_, &err,
      [](CompileOptions& options, const std::string& value) {
        options.request.overrides.namespaces =
            Located<std::vector<std::string>>{
                std::vector<std::string>{value}, {"--namespace"}, {}};
      },
      value());
  if (namespace_exit == kExitOk) {
    EXPECT_EQ(ReadRbacFile(workspace_ + "/out/rbac.yaml")
                  .service_accounts.at(0)
                  .namespace_name,
              value());
  } else {
    EXPECT_TRUE(absl::StrContains(err, "--namespace: error:")) << err;
  }

  const int account_exit = CompileBase(
      workspace_, &err,
      [](CompileOptions& options, const std::string& value) {
        options.request.overrides.service_account = {value,
                                                     {"--service_account"}};
      },
      value());
  if (account_exit == kExitOk) {
    EXPECT_EQ(
        ReadRbacFile(workspace_ + "/out/rbac.yaml").service_accounts.at(0).name,
        value());
  } else {
    EXPECT_TRUE(absl::StrContains(err, "--service_account: error:")) << err;
  }

  // Kubernetes takes any user name: it is rejected with a clear error or reads
  // back exactly.
  const int user_exit = CompileBase(
      workspace_, &err,
      [](CompileOptions& options, const std::string& value) {
        options.request.overrides.subjects = {{"User:" + value},
                                              {"--subjects"}};
      },
      value());
  if (user_exit != kExitOk) {
    EXPECT_TRUE(absl::StrContains(err, "--subjects: error:")) << err;
    return;
  }
  const RbacObjects objects = ReadRbacFile(workspace_ + "/out/rbac.yaml");
  ASSERT_FALSE(objects.bindings.empty());
  bool found = false;
  for (const Subject& subject : objects.bindings[0].subjects) {
    found = found || (subject.kind == "User" && subject.name == value());
  }
  EXPECT_TRUE(found) << RbacShape(objects);
}

INSTANTIATE_TEST_SUITE_P(
    HostileStrings, InjectionTest,
    ::testing::Range(0, static_cast<int>(HostileStrings().size())));

}  // namespace
}  // namespace rbacc
