// `rbacc why-forbidden`'s exact answers: each case under
// testdata/forbidden/ runs rbacc in-process (CommandLineTester) as `rbacc
// why-forbidden ARGS...` (`args`: one argument per line, the message among
// them) with the file `message`, when there is one, as standard input, in a
// scratch workspace holding policies/ and the page's example as page.yaml, and
// compares its stdout, stderr and exit code with `expected.txt`. The corpus
// covers every form the API server writes (namespaced, cluster scope, named
// resource, subresource, non-resource URL, the RBAC suffix), how clients show
// it (bare, JSON Status body, log lines) and input that is not a Forbidden
// message.
//
// expected.txt is written by the test itself, never by hand: after changing
// an answer, run
//   RBACC_UPDATE_GOLDENS=1 bazel run //tests:why_forbidden_test
// and review the diff.
//
// The smallest rule it suggests when nothing grants a request is checked by
// compiling it: added to the bundle, it must grant exactly that request.
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "compiler/cli/testing/command_line_tester.h"
#include "compiler/common/authorizer.h"
#include "compiler/common/rbac_objects.h"
#include "gtest/gtest.h"
#include "tests/testing/workspace.h"
#include "yaml-cpp/yaml.h"

namespace rbacc {
namespace {

namespace fs = std::filesystem;
using ::rbacc::testing::CheckGolden;
using ::rbacc::testing::CommandLineRun;
using ::rbacc::testing::CommandLineTester;
using ::rbacc::testing::MakeWorkspace;
using ::rbacc::testing::ReadFileOrDie;
using ::rbacc::testing::ReadRbacFile;
using ::rbacc::testing::RunfilePath;
using ::rbacc::testing::Subfolders;
using ::rbacc::testing::WriteFile;

constexpr char kCases[] = "tests/testdata/forbidden";

// `profile_text` (a profile file) with `edits` made as why-forbidden words
// them ("add \"ingress\" to features; set cluster_scope: ..."): an added
// element is appended, a set field replaces the field (and `namespace` for
// `namespaces`).
std::string ApplyProfileEdits(const std::string& profile_text,
                              absl::string_view edits) {
  std::string text = profile_text;
  for (absl::string_view edit : absl::StrSplit(edits, "; ")) {
    if (absl::ConsumePrefix(&edit, "set ")) {
      const std::string field(edit.substr(0, edit.find(':')));
      std::vector<std::string> kept;
      for (absl::string_view line : absl::StrSplit(text, '\n')) {
        const bool replaced =
            absl::StartsWith(line, field + ":") ||
            (field == "namespaces" && absl::StartsWith(line, "namespace:"));
        if (!replaced) kept.emplace_back(line);
      }
      absl::ConsumeSuffix(&edit, " in place of namespace");
      text = absl::StrCat(absl::StrJoin(kept, "\n"), "\n", edit, "\n");
      continue;
    }
    EXPECT_TRUE(absl::ConsumePrefix(&edit, "add ")) << edit;
    const size_t to = edit.rfind(" to ");
    absl::StrAppend(&text, "\n", edit.substr(to + 4), ": ", edit.substr(0, to),
                    "\n");
  }
  return text;
}

class WhyForbiddenGoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(WhyForbiddenGoldenTest, AnswersAsExpected) {
  const std::string case_dir =
      absl::StrCat(RunfilePath(kCases), "/", GetParam());
  const std::string workspace = MakeWorkspace("forbidden_" + GetParam());
  WriteFile(workspace + "/page.yaml",
            ReadFileOrDie(RunfilePath("tests/testdata/create-sky-sa.yaml")));
  std::vector<std::string> args = {"why-forbidden"};
  for (absl::string_view arg : absl::StrSplit(ReadFileOrDie(case_dir + "/args"),
                                              '\n', absl::SkipEmpty())) {
    args.emplace_back(arg);
  }
  const std::string message = case_dir + "/message";
  const CommandLineRun run = CommandLineTester(workspace).Run(
      args, fs::exists(message) ? ReadFileOrDie(message) : "");
  const std::string actual =
      absl::StrCat("stdout:\n", run.out, "stderr:\n", run.err,
                   "exit: ", run.exit_code, "\n");
  if (!CheckGolden(absl::StrCat(kCases, "/", GetParam(), "/expected.txt"),
                   actual, "//tests:why_forbidden_test")) {
    return;
  }
  // The JSON form is JSON (yaml-cpp reads it) with a verdict.
  if (absl::StartsWith(run.out, "{")) {
    YAML::Node json;
    EXPECT_NO_THROW(json = YAML::Load(run.out)) << run.out;
    EXPECT_TRUE(json.IsMap() && json["verdict"] && json["request"]);
  }
  // Every answer to a real message exits 0; input that is not one exits 2.
  EXPECT_TRUE(run.exit_code == 0 || run.exit_code == 2) << run.exit_code;
  EXPECT_EQ(run.exit_code == 0, run.err.empty()) << run.err;

  // Each kubectl command the answer gives is exact: `rbacc can-i` answers yes
  // on the selection of the compile command before it, or, without one, on
  // the policy the case names (--rbac).
  std::string case_flags;
  for (const std::string& arg : args) {
    if (absl::StartsWith(arg, "--") && !absl::StartsWith(arg, "--format=")) {
      absl::StrAppend(&case_flags, " ", arg);
    }
  }
  const std::vector<std::string> lines = absl::StrSplit(run.out, '\n');
  int verified_commands = 0;
  for (size_t i = 0; i + 2 < lines.size(); ++i) {
    if (lines[i + 1] != "Check on the cluster:") continue;
    absl::string_view command = lines[i];
    if (!absl::ConsumePrefix(&command, "  bazel run //compiler -- ")) {
      command = case_flags;
    }
    absl::string_view check = lines[i + 2];
    ASSERT_TRUE(absl::ConsumePrefix(&check, "  kubectl ")) << check;
    std::vector<std::string> can_i = {"can-i"};
    // kubectl's --context names the cluster: rbacc's --contexts selects the
    // profile's context compiled for it.
    if (absl::ConsumePrefix(&check, "--context=")) {
      const size_t end = check.find(' ');
      can_i.push_back(absl::StrCat("--contexts=", check.substr(0, end)));
      check.remove_prefix(end + 1);
    }
    ASSERT_TRUE(absl::ConsumePrefix(&check, "auth can-i ")) << check;
    const std::vector<std::string> check_words =
        absl::StrSplit(check, ' ', absl::SkipEmpty());
    for (size_t w = 0; w < check_words.size(); ++w) {
      if (check_words[w] == "-n" && w + 1 < check_words.size()) {
        can_i.push_back("--namespace=" + check_words[++w]);
      } else {
        can_i.push_back(check_words[w]);
      }
    }
    for (absl::string_view flag :
         absl::StrSplit(command, ' ', absl::SkipEmpty())) {
      if (absl::ConsumePrefix(&flag, "--namespace=")) {
        can_i.push_back(absl::StrCat("--target_namespace=", flag));
      } else if (!absl::StartsWith(flag, "--out_dir=")) {
        can_i.emplace_back(flag);
      }
    }
    // A profile edit before the command is made for the check, then undone.
    std::string edited_file;
    std::string original_text;
    if (i >= 2 && lines[i - 1] == "Then regenerate its outputs:") {
      absl::string_view edit_line = lines[i - 2];
      ASSERT_TRUE(absl::ConsumePrefix(&edit_line, "  ")) << edit_line;
      const size_t colon = edit_line.find(": ");
      ASSERT_NE(colon, absl::string_view::npos) << edit_line;
      edited_file = absl::StrCat(workspace, "/", edit_line.substr(0, colon));
      original_text = ReadFileOrDie(edited_file);
      WriteFile(edited_file,
                ApplyProfileEdits(original_text, edit_line.substr(colon + 2)));
    }
    const CommandLineRun verified = CommandLineTester(workspace).Run(can_i);
    EXPECT_EQ(verified.out, "yes\n") << absl::StrJoin(can_i, " ") << "\n"
                                     << verified.err;
    if (!edited_file.empty()) WriteFile(edited_file, original_text);
    ++verified_commands;
  }
  // Only an answer that finds nothing gives no command to check (the JSON
  // answers hold the same commands as their text form).
  if (absl::StartsWith(run.out, "Forbidden: ") &&
      run.out.find("Answer: no feature") == std::string::npos) {
    EXPECT_GT(verified_commands, 0) << run.out;
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, WhyForbiddenGoldenTest,
                         ::testing::ValuesIn(Subfolders(RunfilePath(kCases))),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return absl::StrReplaceAll(info.param, {{"-", "_"}});
                         });

// A request nothing grants, and the compile flags that put its suggested
// feature's target namespace where the request is.
struct UngrantedCase {
  std::string name;
  std::string message;
  Request request;
  UserInfo user;
  std::vector<std::string> compile_flags;
  // True when the resource is a CRD's, which the answer declares.
  bool custom_resource = false;
};

void PrintTo(const UngrantedCase& ungranted, std::ostream* out) {
  *out << ungranted.name;
}

class SuggestedRuleTest : public ::testing::TestWithParam<UngrantedCase> {};

TEST_P(SuggestedRuleTest, GrantsExactlyTheRequest) {
  const UngrantedCase& ungranted = GetParam();
  const std::string workspace = MakeWorkspace("suggested_" + ungranted.name);
  const CommandLineRun answer = CommandLineTester(workspace).Run(
      {"why-forbidden", "--bundle=skypilot", ungranted.message});
  ASSERT_EQ(answer.exit_code, 0) << answer.err;
  const size_t start = answer.out.find("# proto-file:");
  ASSERT_NE(start, std::string::npos) << answer.out;
  const std::string feature = answer.out.substr(start);
  const size_t name_start = feature.find("\nname: \"") + 8;
  const std::string name =
      feature.substr(name_start, feature.find('"', name_start) - name_start);
  WriteFile(absl::StrCat(workspace, "/policies/skypilot/", name, ".textproto"),
            feature);
  // A CRD's resource comes with the custom resource to declare.
  std::string declaration;
  const size_t custom = answer.out.find("\ncustom_resources {");
  if (custom < start) {
    declaration = answer.out.substr(
        custom + 1, answer.out.find("\n}\n", custom) + 3 - custom - 1);
  }
  EXPECT_EQ(!declaration.empty(), ungranted.custom_resource) << answer.out;
  const std::string bundle_file =
      workspace + "/policies/skypilot/bundle.textproto";
  WriteFile(bundle_file,
            absl::StrCat(ReadFileOrDie(bundle_file), "features: \"", name,
                         "\"\n", declaration));

  std::vector<std::string> compile = {"--features=" + name, "--out_dir=out",
                                      "--lint=off"};
  compile.insert(compile.end(), ungranted.compile_flags.begin(),
                 ungranted.compile_flags.end());
  const CommandLineRun compiled = CommandLineTester(workspace).Run(compile);
  ASSERT_EQ(compiled.exit_code, 0) << compiled.err;
  const RbacObjects objects = ReadRbacFile(workspace + "/out/rbac.yaml");
  const Authorizer authorizer(objects);
  EXPECT_TRUE(authorizer.Allows(ungranted.user, ungranted.request));
  // Nothing more: another verb, another name, another namespace.
  Request other = ungranted.request;
  other.verb = other.verb == "get" ? "delete" : "get";
  EXPECT_FALSE(authorizer.Allows(ungranted.user, other));
  if (!ungranted.request.name.empty()) {
    other = ungranted.request;
    other.name = "another-name";
    EXPECT_FALSE(authorizer.Allows(ungranted.user, other));
  }
  if (!ungranted.request.namespace_name.empty()) {
    other = ungranted.request;
    other.namespace_name = "another-namespace";
    EXPECT_FALSE(authorizer.Allows(ungranted.user, other));
  }
  // And the answer to the same message is now a feature to compile in.
  const CommandLineRun again = CommandLineTester(workspace).Run(
      {"why-forbidden", "--bundle=skypilot", ungranted.message});
  EXPECT_NE(again.out.find(absl::StrCat(" ", name, " (")), std::string::npos)
      << again.out;
}

Request ResourceRequest(const std::string& verb, const std::string& group,
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

Request UrlRequest(const std::string& verb, const std::string& path) {
  Request request;
  request.verb = verb;
  request.is_resource_request = false;
  request.path = path;
  return request;
}

INSTANTIATE_TEST_SUITE_P(
    Requests, SuggestedRuleTest,
    ::testing::Values(
        UngrantedCase{"NamedInTargetNamespace",
                      "secrets \"sky-config\" is forbidden: User "
                      "\"system:serviceaccount:ml:sky-sa\" cannot get resource "
                      "\"secrets\" in API group \"\" in the namespace \"ml\"",
                      ResourceRequest("get", "", "secrets", "sky-config", "ml"),
                      ServiceAccountUser("ml", "sky-sa"),
                      {"--namespace=ml"}},
        UngrantedCase{
            "CustomResource",
            "rayclusters.ray.io \"train\" is forbidden: User "
            "\"system:serviceaccount:ml:sky-sa\" cannot get "
            "resource \"rayclusters\" in API group \"ray.io\" "
            "in the namespace \"ml\"",
            ResourceRequest("get", "ray.io", "rayclusters", "train", "ml"),
            ServiceAccountUser("ml", "sky-sa"),
            {"--namespace=ml"},
            true},
        UngrantedCase{
            "FixedNamespace",
            "leases.coordination.k8s.io is forbidden: User "
            "\"system:serviceaccount:default:sky-sa\" cannot list resource "
            "\"leases\" in API group \"coordination.k8s.io\" in the namespace "
            "\"skypilot-system\"",
            ResourceRequest("list", "coordination.k8s.io", "leases", "",
                            "skypilot-system"),
            ServiceAccountUser("default", "sky-sa"),
            {}},
        UngrantedCase{"ClusterScope",
                      "persistentvolumes is forbidden: User "
                      "\"system:serviceaccount:default:sky-sa\" cannot list "
                      "resource \"persistentvolumes\" in API group \"\" at the "
                      "cluster scope",
                      ResourceRequest("list", "", "persistentvolumes", "", ""),
                      ServiceAccountUser("default", "sky-sa"),
                      {}},
        UngrantedCase{
            "NonResourceUrl",
            "forbidden: User \"system:serviceaccount:default:sky-sa\" "
            "cannot get path \"/metrics\"",
            UrlRequest("get", "/metrics"),
            ServiceAccountUser("default", "sky-sa"),
            {}}),
    [](const ::testing::TestParamInfo<UngrantedCase>& info) {
      return info.param.name;
    });

}  // namespace
}  // namespace rbacc
