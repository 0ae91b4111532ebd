// Hostile input: each case is an input a hostile or careless user can give
// rbacc (a file that is not a file, a resource bomb, a nesting bomb), run
// through the real rbacc binary on a scratch copy of policies/ in a child
// process whose CPU time (RLIMIT_CPU) and address space (RLIMIT_AS; not under
// AddressSanitizer, which reserves terabytes of address space) the test caps
// with setrlimit. Each case must exit 2 (can-i: kubectl's error code, 1) with
// a message naming the input and what is wrong, within the ceilings, leaving
// the outputs untouched.
//
// The data of the cases is under testdata/hostile/; FIFOs, folders and
// symbolic link loops are made by the test.
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/workspace.h"

namespace rbacc {
namespace {

namespace fs = std::filesystem;
using ::rbacc::testing::MakeWorkspace;
using ::rbacc::testing::ReadFileOrDie;
using ::rbacc::testing::ReadTree;
using ::rbacc::testing::RunfilePath;
using ::rbacc::testing::WriteFile;
using ::testing::HasSubstr;

// The ceilings a case runs under: far above what a refused input costs (a few
// milliseconds), far below what an unbounded one does.
constexpr rlim_t kCpuSeconds = 10;
constexpr rlim_t kAddressSpaceBytes = rlim_t{2} << 30;

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RBACC_UNDER_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define RBACC_UNDER_ASAN 1
#endif

// What the workspace holds before the run, besides policies/.
enum class Setup {
  kNone,
  // A FIFO at `path`.
  kFifo,
  // A folder at `path`.
  kFolder,
  // `path` a symbolic link to itself.
  kSymlinkLoop,
  // `text` added to the end of the file at `path`.
  kAppend,
  // The file at `path` with `text` in front.
  kPrepend,
  // The first `replaced` of the file at `path` replaced by `text`.
  kReplace,
};

struct HostileCase {
  // The test's name.
  std::string name;
  // What the workspace holds besides policies/, and where.
  Setup setup = Setup::kNone;
  std::string path;
  // The command line; "@X" stands for the runfile tests/testdata/hostile/X.
  std::vector<std::string> args;
  // Standard input: "" for /dev/null, "/dev/zero", or "@X" as above.
  std::string stdin_path;
  // What the error must say.
  std::string message;
  // For kAppend, kPrepend and kReplace: the text added or put in place.
  std::string text;
  // For kReplace: the text replaced.
  std::string replaced;
  // The exit code due: 2, or can-i's error code (kubectl's 1).
  int exit_code = 2;
};

// The runfile or the path an argument stands for.
std::string Expand(const std::string& arg) {
  if (arg.empty() || arg[0] != '@') return arg;
  return fs::absolute(RunfilePath("tests/testdata/hostile/" + arg.substr(1)))
      .string();
}

// How one run ended.
struct ChildRun {
  std::string err;
  // The exit code, or -1 when killed by a signal.
  int exit_code = -1;
  // The signal that ended it, or 0.
  int signal = 0;
};

// Runs the rbacc binary with `args` in `workspace` in a child process, with
// the ceilings above.
ChildRun RunLimited(const std::string& workspace,
                    const std::vector<std::string>& args,
                    const std::string& stdin_path) {
  const std::string binary =
      fs::absolute(RunfilePath("compiler/compiler")).string();
  const std::string err_path = workspace + "/.stderr";
  std::vector<std::string> argv_text = {binary};
  for (const std::string& arg : args) argv_text.push_back(Expand(arg));
  std::vector<char*> argv;
  for (std::string& arg : argv_text) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const std::string input = stdin_path.empty() ? "/dev/null" : stdin_path;
  const pid_t child = fork();
  if (child == 0) {
    const rlimit cpu = {kCpuSeconds, kCpuSeconds};
    setrlimit(RLIMIT_CPU, &cpu);
#ifndef RBACC_UNDER_ASAN
    const rlimit address_space = {kAddressSpaceBytes, kAddressSpaceBytes};
    setrlimit(RLIMIT_AS, &address_space);
#endif
    const int in = open(input.c_str(), O_RDONLY);
    const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int out = open("/dev/null", O_WRONLY);
    if (in < 0 || err < 0 || out < 0 || chdir(workspace.c_str()) != 0)
      _exit(99);
    dup2(in, STDIN_FILENO);
    dup2(out, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    setenv("BUILD_WORKSPACE_DIRECTORY", workspace.c_str(), 1);
    execv(binary.c_str(), argv.data());
    _exit(98);
  }
  ChildRun run;
  int status = 0;
  if (child < 0 || waitpid(child, &status, 0) != child) {
    ADD_FAILURE() << "cannot run " << binary;
    return run;
  }
  if (WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) run.signal = WTERMSIG(status);
  run.err = ReadFileOrDie(err_path);
  fs::remove(err_path);
  return run;
}

// Makes what `c.setup` names in `workspace`.
void Prepare(const HostileCase& c, const std::string& workspace) {
  const fs::path path = fs::path(workspace) / c.path;
  switch (c.setup) {
    case Setup::kNone:
      return;
    case Setup::kFifo:
      fs::remove(path);
      ASSERT_EQ(mkfifo(path.c_str(), 0600), 0) << path;
      return;
    case Setup::kFolder:
      fs::remove(path);
      fs::create_directories(path);
      return;
    case Setup::kSymlinkLoop:
      fs::remove(path);
      fs::create_symlink(path.filename(), path);
      return;
    case Setup::kAppend:
      WriteFile(path.string(), ReadFileOrDie(path.string()) + c.text);
      return;
    case Setup::kPrepend:
      WriteFile(path.string(), c.text + ReadFileOrDie(path.string()));
      return;
    case Setup::kReplace: {
      std::string text = ReadFileOrDie(path.string());
      const size_t at = text.find(c.replaced);
      ASSERT_NE(at, std::string::npos) << c.replaced;
      WriteFile(path.string(), text.replace(at, c.replaced.size(), c.text));
      return;
    }
  }
}

const char kFeature[] = "policies/skypilot/base.textproto";
const char kBundle[] = "policies/skypilot/bundle.textproto";
const char kMinimal[] = "policies/skypilot/profiles/minimal.textproto";

std::vector<HostileCase> Cases() {
  return {
      // Inputs that are not regular files.
      {"ImportDevZero",
       Setup::kNone,
       "",
       {"import", "/dev/zero"},
       "",
       "/dev/zero: is a character device; rbacc reads regular files only"},
      {"ImportFifo",
       Setup::kFifo,
       "in.yaml",
       {"import", "in.yaml"},
       "",
       "in.yaml: is a FIFO (named pipe); rbacc reads regular files only"},
      {"ImportFolder",
       Setup::kFolder,
       "in.yaml",
       {"import", "in.yaml"},
       "",
       "in.yaml: is a folder; rbacc reads regular files only"},
      {"DiffFifo",
       Setup::kFifo,
       "rbac.yaml",
       {"diff", "rbac.yaml", "outputs/skypilot/minimal"},
       "",
       "rbac.yaml: is a FIFO (named pipe); rbacc reads regular files only"},
      {"FeatureFolder",
       Setup::kFolder,
       kFeature,
       {"--features=base"},
       "",
       "policies/skypilot/base.textproto is a folder; make it a regular file "
       "or remove the feature"},
      {"FeatureFifo",
       Setup::kFifo,
       kFeature,
       {"--features=base"},
       "",
       "policies/skypilot/base.textproto is a FIFO (named pipe); make it a "
       "regular file or remove the feature"},
      {"FeatureSymlinkLoop",
       Setup::kSymlinkLoop,
       kFeature,
       {"--features=base"},
       "",
       "policies/skypilot/base.textproto is a symbolic link loop; make it a "
       "regular file or remove the feature"},
      {"FlagFileDevZero",
       Setup::kNone,
       "",
       {"--flagfile=/dev/zero"},
       "",
       "--flagfile: error: /dev/zero: is a character device; rbacc reads "
       "regular files only"},
      {"FlagFileFifo",
       Setup::kFifo,
       "args.txt",
       {"--flagfile=args.txt"},
       "",
       "--flagfile: error: args.txt: is a FIFO (named pipe); rbacc reads "
       "regular files only"},
      // Resource bombs.
      {"WhyForbiddenDevZero",
       Setup::kNone,
       "",
       {"why-forbidden"},
       "/dev/zero",
       "standard input: more than 1048576 bytes, the most a 403 message may "
       "have"},
      {"WhyForbiddenDeepJson",
       Setup::kNone,
       "",
       {"why-forbidden"},
       "@deep_status.json",
       "the JSON in the input nests more than 64"},
      // A stray quote flips which braces are inside strings: the braces the
      // depth check skipped nest 6,000 deep (found by forbidden_message_fuzzer:
      // 29 s, each "{" read as JSON again).
      {"WhyForbiddenDeepJsonBehindAStrayQuote",
       Setup::kNone,
       "",
       {"why-forbidden"},
       "@stray_quote_deep_status.json",
       "no `User \"...\" cannot ...` sentence found"},
      {"ImportAliasBomb",
       Setup::kNone,
       "",
       {"import", "@alias_bomb.yaml"},
       "",
       "holds more than 1000000 nodes once its aliases are expanded"},
      {"ImportNestedAliasBomb",
       Setup::kNone,
       "",
       {"import", "@nested_alias_bomb.yaml"},
       "",
       "holds more than 1000000 nodes once its aliases are expanded"},
      {"DiffAliasBomb",
       Setup::kNone,
       "",
       {"diff", "@alias_bomb.yaml", "outputs/skypilot/minimal"},
       "",
       "holds more than 1000000 nodes once its aliases are expanded"},
      {"DiffPermissionBomb",
       Setup::kNone,
       "",
       {"diff", "outputs/skypilot/minimal", "@cart.yaml"},
       "",
       "cart.yaml: grants 1000000 single permissions (largest: Role "
       "default/cart: a rule of 100 groups x 100 resources x 100 verbs for 1 "
       "subject), more than the 100000 rbacc compares one by one"},
      {"CanIListPermissionBomb",
       Setup::kNone,
       "",
       {"can-i", "--list", "--rbac", "@cart.yaml",
        "--as=system:serviceaccount:default:sky-sa"},
       "",
       "cart.yaml: grants 1000000 single permissions (largest: Role "
       "default/cart: a rule of 100 groups x 100 resources x 100 verbs for 1 "
       "subject), more than the 100000",
       "",
       "",
       1},
      {"GraphPermissionBomb",
       Setup::kNone,
       "",
       {"graph", "--rbac", "@cart.yaml"},
       "",
       "cart.yaml: its roles' rules stand for 1000000 single permissions, "
       "more than the 100000 a graph draws"},
      {"ImportDeepYaml",
       Setup::kNone,
       "",
       {"import", "@deep.yaml"},
       "",
       "maps and lists nest more than 64 deep here"},
      // A key given twice, of which YAML readers keep one silently.
      {"ImportRepeatedKey",
       Setup::kNone,
       "",
       {"import", "@repeated_key.yaml"},
       "",
       "repeated_key.yaml:11:3: rules[0] repeats the key \"verbs\""},
      {"DiffRepeatedKey",
       Setup::kNone,
       "",
       {"diff", "@repeated_key.yaml", "outputs/skypilot/minimal"},
       "",
       "repeated_key.yaml:11:3: rules[0] repeats the key \"verbs\""},
      // Bundle fields trusted without a check.
      {"ClusterScopeOutOfRange",
       Setup::kAppend,
       kMinimal,
       {"--profile=minimal"},
       "",
       "minimal.textproto:7:1: error: cluster_scope: 99 is not a cluster "
       "scope; use CLUSTER_SCOPE_FULL or CLUSTER_SCOPE_NONE",
       "cluster_scope: 99\n"},
      {"OutputKindOutOfRange",
       Setup::kAppend,
       kBundle,
       {"--profile=minimal"},
       "",
       "outputs: 99 is not an output kind",
       "outputs: 99\n"},
      {"OutputKindUnspecified",
       Setup::kAppend,
       kBundle,
       {"--profile=minimal"},
       "",
       "outputs: OUTPUT_KIND_UNSPECIFIED is not an output kind",
       "outputs: OUTPUT_KIND_UNSPECIFIED\n"},
      {"IdentityModeTwice",
       Setup::kReplace,
       kBundle,
       {"--profile=minimal"},
       "",
       "identity mode \"LOCAL_CREDENTIALS\" is declared twice; the second "
       "would decide which account its roles are bound to",
       "identity_modes { name: \"LOCAL_CREDENTIALS\" "
       "service_account: \"evil\" }\n  identity_modes {",
       "identity_modes {"},
      {"IdentityModeLowerCase",
       Setup::kReplace,
       kBundle,
       {"--profile=minimal"},
       "",
       "identity mode name \"no-upload\" must be upper case letters and "
       "\"_\"",
       "identity_modes { name: \"no-upload\" }\n  identity_modes {",
       "identity_modes {"},
      {"BomInPolicyFile",
       Setup::kPrepend,
       kFeature,
       {"--features=base"},
       "",
       "base.textproto:1:1: error: the file starts with a UTF-8 byte order "
       "mark (BOM); save it as UTF-8 without a BOM",
       "\xEF\xBB\xBF"},
      // Granted without a word.
      {"FeatureSetsIdentity",
       Setup::kAppend,
       kFeature,
       {"--features=base"},
       "",
       "app_config key \"kubernetes.remote_identity\" sets "
       "kubernetes.remote_identity, which rbacc writes from the selection",
       "app_config { key: \"kubernetes.remote_identity\" string_value: "
       "\"evil\" }\n"},
      {"FeatureManagesRbac",
       Setup::kAppend,
       kFeature,
       {"--features=base"},
       "",
       "helm_values key \"rbac.manageRbacPolicies\" overrides "
       "rbac.manageRbacPolicies, which the bundle's helm_chart.values fixes",
       "helm_values { key: \"rbac.manageRbacPolicies\" bool_value: true }\n"},
      {"FeatureSetsChartRules",
       Setup::kAppend,
       kFeature,
       {"--features=base"},
       "",
       "helm_values key \"rbac.clusterRules\" sets rbac.clusterRules, which "
       "rbacc fills from the compiled rules",
       "helm_values { key: \"rbac.clusterRules\" string_value: \"*\" }\n"},
  };
}

// A cluster dump (kind: List) whose ClusterRole carries an annotation of
// `lines` lines, as a careless kubectl apply leaves one; the role grants get
// on pods to ServiceAccount default/sky-sa.
std::string DumpWithAnnotation(int lines, const std::string& line) {
  std::string text =
      "apiVersion: v1\nkind: List\nitems:\n"
      "- apiVersion: rbac.authorization.k8s.io/v1\n"
      "  kind: ClusterRole\n  metadata:\n    name: big\n"
      "    annotations:\n      big: |\n";
  text.reserve(text.size() + lines * (line.size() + 9) + 512);
  for (int i = 0; i < lines; ++i)
    absl::StrAppend(&text, "        ", line, "\n");
  absl::StrAppend(
      &text,
      "  rules:\n  - apiGroups: [\"\"]\n    resources: [pods]\n"
      "    verbs: [get]\n"
      "- apiVersion: rbac.authorization.k8s.io/v1\n"
      "  kind: ClusterRoleBinding\n  metadata:\n    name: big\n"
      "  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, "
      "name: big}\n"
      "  subjects:\n  - {kind: ServiceAccount, name: sky-sa, namespace: "
      "default}\n");
  return text;
}

// A million-line annotation within the YAML input limit is read (one pass,
// within the ceilings); beyond the limit the file is refused unread.
TEST(HostileDumpTest, MillionLineAnnotationIsReadOrRefusedWithinTheCeilings) {
  const std::string workspace = MakeWorkspace("hostile_million_lines");
  WriteFile(workspace + "/outputs/skypilot/minimal/rbac.yaml",
            ReadFileOrDie(RunfilePath("outputs/skypilot/minimal/rbac.yaml")));
  WriteFile(workspace + "/dump.yaml", DumpWithAnnotation(1000000, "x"));
  const ChildRun read = RunLimited(
      workspace, {"diff", "outputs/skypilot/minimal", "dump.yaml"}, "");
  EXPECT_EQ(read.signal, 0) << "killed by signal " << read.signal;
  EXPECT_EQ(read.exit_code, 0) << read.err;
  EXPECT_THAT(read.err, HasSubstr("dump.yaml is a cluster dump: compared for "
                                  "the 1 subject"));

  WriteFile(workspace + "/dump.yaml",
            DumpWithAnnotation(1000000, "a line of twenty ch"));
  const ChildRun refused = RunLimited(
      workspace, {"diff", "outputs/skypilot/minimal", "dump.yaml"}, "");
  EXPECT_EQ(refused.signal, 0) << "killed by signal " << refused.signal;
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_THAT(refused.err, HasSubstr("dump.yaml: file is 28000"));
  EXPECT_THAT(refused.err, HasSubstr("more than the 16777216 a YAML input may "
                                     "have"));
}

class HostileInputTest : public ::testing::TestWithParam<HostileCase> {};

TEST_P(HostileInputTest, RefusedCleanlyWithinTheCeilings) {
  const HostileCase& c = GetParam();
  const std::string workspace = MakeWorkspace("hostile_" + c.name);
  const std::string outputs = workspace + "/outputs";
  WriteFile(outputs + "/skypilot/minimal/rbac.yaml",
            ReadFileOrDie(RunfilePath("outputs/skypilot/minimal/rbac.yaml")));
  Prepare(c, workspace);
  const std::map<std::string, std::string> before = ReadTree(outputs);
  const ChildRun run = RunLimited(workspace, c.args,
                                  c.stdin_path.empty() || c.stdin_path[0] != '@'
                                      ? c.stdin_path
                                      : Expand(c.stdin_path));
  EXPECT_EQ(run.signal, 0) << "killed by signal " << run.signal
                           << (run.signal == SIGXCPU ? " (CPU ceiling)" : "");
  EXPECT_EQ(run.exit_code, c.exit_code) << run.err;
  EXPECT_THAT(run.err, HasSubstr(c.message));
  EXPECT_EQ(ReadTree(outputs), before);
}

INSTANTIATE_TEST_SUITE_P(Corpus, HostileInputTest, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<HostileCase>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace rbacc
