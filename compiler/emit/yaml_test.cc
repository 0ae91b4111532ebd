// Tests for the YAML writing helpers. The outputs are read back with yaml-cpp:
// every string must come back exactly, YAML must not read it as a boolean, null
// or number, and nothing in a string or comment may add structure to the
// document.
#include "compiler/emit/yaml.h"

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "compiler/common/policy_rule.h"
#include "compiler/emit/text_output.h"
#include "gtest/gtest.h"
#include "proto/rbacc/v1/policy.pb.h"
#include "yaml-cpp/yaml.h"

namespace rbacc {
namespace {

// Shows a string with its control characters and non-ASCII bytes as \xNN, for
// failure messages.
std::string Visible(const std::string& value) {
  std::string out = "\"";
  for (unsigned char c : value) {
    if (c < 0x20 || c >= 0x7f) {
      out += "\\x" + std::string(1, "0123456789abcdef"[c >> 4]) +
             std::string(1, "0123456789abcdef"[c & 15]);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

// The keys of a YAML mapping, in document order.
std::vector<std::string> Keys(const YAML::Node& map) {
  std::vector<std::string> keys;
  for (const auto& entry : map) keys.push_back(entry.first.as<std::string>());
  return keys;
}

// The keys of a YAML mapping, sorted.
std::set<std::string> KeySet(const YAML::Node& map) {
  const std::vector<std::string> keys = Keys(map);
  return std::set<std::string>(keys.begin(), keys.end());
}

// The text WriteYamlRules writes for `rules`.
std::string YamlRules(const std::vector<CompiledRule>& rules, int indent) {
  return CollectText([&](TextOutput& out) {
    WriteYamlRules(RulePointers(rules), indent, out);
  });
}

// The text `tree` renders.
std::string Rendered(const YamlTree& tree) {
  return CollectText([&](TextOutput& out) { tree.Render(out); });
}

// Line breaks YAML 1.1 (and so libyaml, go-yaml and PyYAML) recognises besides
// "\n" and "\r", in UTF-8: NEXT LINE (U+0085), LINE SEPARATOR (U+2028) and
// PARAGRAPH SEPARATOR (U+2029).
constexpr char kNel[] = "\xC2\x85";
constexpr char kLs[] = "\xE2\x80\xA8";
constexpr char kPs[] = "\xE2\x80\xA9";

// Splits `text` into lines at "\n" and "\r" (YAML 1.2's line breaks), and
// with `yaml11` also at NEL, LS and PS.
std::vector<std::string> Lines(const std::string& text, bool yaml11) {
  std::string normalized = absl::StrReplaceAll(text, {{"\r", "\n"}});
  if (yaml11) {
    normalized = absl::StrReplaceAll(normalized,
                                     {{kNel, "\n"}, {kLs, "\n"}, {kPs, "\n"}});
  }
  return absl::StrSplit(normalized, '\n');
}

// Expects every non-empty line of YamlComment(text, indent) to be a comment.
void ExpectOnlyCommentLines(const std::string& text, int indent, bool yaml11) {
  const std::string comment = YamlComment(text, indent);
  for (const std::string& line : Lines(comment, yaml11)) {
    if (line.empty()) continue;
    const size_t first = line.find_first_not_of(' ');
    EXPECT_TRUE(first != std::string::npos && line[first] == '#')
        << "text " << Visible(text) << " gives line " << Visible(line);
  }
}

// A string for the round trip, and whether YAML 1.1 or 1.2 would resolve it,
// written plain, to a boolean, null or number (so it must come out
// double-quoted).
struct ScalarCase {
  std::string value;
  bool resolves_to_other_type;
};

const std::vector<ScalarCase>& TrickyStrings() {
  static const auto* const kCases = new std::vector<ScalarCase>{
      {"", true},
      {"*", false},
      {"yes", true},
      {"no", true},
      {"on", true},
      {"off", true},
      {"Yes", true},
      {"NO", true},
      {"y", true},
      {"n", true},
      {"Y", true},
      {"true", true},
      {"False", true},
      {"TRUE", true},
      {"null", true},
      {"Null", true},
      {"~", true},
      {"1.0", true},
      {"1", true},
      {"-1", true},
      {"+1", true},
      {"0x1F", true},
      {"0o17", true},
      {"017", true},
      {"1_000", true},
      {"1:30", true},
      {"1e3", true},
      {".inf", true},
      {"-.inf", true},
      {".NaN", true},
      {"-", false},
      {"-x", false},
      {"- x", false},
      {"@x", false},
      {"`x", false},
      {"!x", false},
      {"!!str", false},
      {"&x", false},
      {"*x", false},
      {"%x", false},
      {"|", false},
      {">", false},
      {"?", false},
      {"? x", false},
      {":", false},
      {"a: b", false},
      {"a:b", false},
      {"a #b", false},
      {"#x", false},
      {"---", false},
      {"...", false},
      {"{x}", false},
      {"[x]", false},
      {"x,y", false},
      {"x]", false},
      {"x}", false},
      {"'q'", false},
      {"\"dq\"", false},
      {"it's", false},
      {"back\\slash", false},
      {"tab\there", false},
      {"new\nline", false},
      {"trailing\n", false},
      {"cr\rx", false},
      {"crlf\r\nx", false},
      {std::string("nul\0x", 5), false},
      {"bell\x07", false},
      {"del\x7f", false},
      {"esc\x1b[0m", false},
      {" leading space", false},
      {"trailing space ", false},
      {"é ü 日本", false},
      {"plain-name", false},
      {"storage.k8s.io", false},
      {"/healthz", false},
      {"/logs/*", false},
      {"pods/exec", false},
      {"*/exec", false},
      {"system:serviceaccount:ns:sa", false},
      {"c1\u0080control", false},
      {"csi\u009b", false},
      {std::string("a") + kNel + "b", false},
      {std::string("a") + kLs + "b: c", false},
      {std::string("a") + kPs + " b", false},
  };
  return *kCases;
}

TEST(YamlScalarTest, RoundTripsAsMappingValue) {
  for (const ScalarCase& c : TrickyStrings()) {
    SCOPED_TRACE(Visible(c.value));
    const std::string scalar = YamlScalar(c.value);
    SCOPED_TRACE("scalar: " + Visible(scalar));
    YAML::Node doc;
    ASSERT_NO_THROW(doc = YAML::Load("k: " + scalar + "\n"));
    ASSERT_TRUE(doc.IsMap());
    EXPECT_EQ(Keys(doc), std::vector<std::string>{"k"});
    const YAML::Node value = doc["k"];
    ASSERT_TRUE(value.IsScalar());
    EXPECT_EQ(value.as<std::string>(), c.value);
    if (c.resolves_to_other_type) {
      // A double-quoted scalar has the non-specific tag "!": always a string.
      EXPECT_EQ(scalar.front(), '"');
      EXPECT_EQ(value.Tag(), "!");
    }
  }
}

TEST(YamlScalarTest, RoundTripsAsMappingKeyAndSequenceItem) {
  for (const ScalarCase& c : TrickyStrings()) {
    SCOPED_TRACE(Visible(c.value));
    const std::string scalar = YamlScalar(c.value);
    YAML::Node doc;
    ASSERT_NO_THROW(doc = YAML::Load(scalar + ": v\n"));
    ASSERT_TRUE(doc.IsMap());
    EXPECT_EQ(Keys(doc), std::vector<std::string>{c.value});

    ASSERT_NO_THROW(doc = YAML::Load("- " + scalar + "\n- x\n"));
    ASSERT_TRUE(doc.IsSequence());
    ASSERT_EQ(doc.size(), 2u);
    EXPECT_EQ(doc[0].as<std::string>(), c.value);
    EXPECT_EQ(doc[1].as<std::string>(), "x");
  }
}

TEST(YamlFlowSequenceTest, RoundTripsTrickyStrings) {
  for (const ScalarCase& c : TrickyStrings()) {
    SCOPED_TRACE(Visible(c.value));
    const std::string sequence = YamlFlowSequence({c.value, "x"});
    SCOPED_TRACE("sequence: " + Visible(sequence));
    YAML::Node doc;
    ASSERT_NO_THROW(doc = YAML::Load("k: " + sequence + "\n"));
    ASSERT_TRUE(doc.IsMap());
    EXPECT_EQ(Keys(doc), std::vector<std::string>{"k"});
    const YAML::Node value = doc["k"];
    ASSERT_TRUE(value.IsSequence());
    ASSERT_EQ(value.size(), 2u);
    EXPECT_EQ(value[0].as<std::string>(), c.value);
    EXPECT_EQ(value[1].as<std::string>(), "x");
    if (c.resolves_to_other_type) {
      EXPECT_EQ(value[0].Tag(), "!");
    }
  }
}

TEST(YamlFlowSequenceTest, Formats) {
  EXPECT_EQ(YamlFlowSequence({}), "[]");
  EXPECT_EQ(YamlFlowSequence({"get", "list", "*"}), "[get, list, \"*\"]");
  EXPECT_EQ(YamlFlowSequence({""}), "[\"\"]");
}

TEST(YamlScalarTest, PlainSafeStringsStayPlain) {
  for (const std::string value :
       {"pods", "plain-name", "storage.k8s.io", "/healthz", "/", "pods/exec",
        "a_b", "v1", "sky-sa-role", "ingress"}) {
    EXPECT_EQ(YamlScalar(value), value);
  }
}

TEST(YamlScalarTest, QuotesAndEscapes) {
  struct Case {
    std::string value;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"yes", "\"yes\""},
      {"", "\"\""},
      {"*", "\"*\""},
      {"1", "\"1\""},
      {"a: b", "\"a: b\""},
      {"say \"hi\"", "\"say \\\"hi\\\"\""},
      {"back\\slash", "\"back\\\\slash\""},
      {"new\nline", "\"new\\nline\""},
      {"tab\there", "\"tab\\there\""},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(YamlScalar(c.value), c.expected) << Visible(c.value);
  }
}

TEST(YamlScalarTest, NeverWritesRawControlCharacters) {
  for (const ScalarCase& c : TrickyStrings()) {
    const std::string scalar = YamlScalar(c.value);
    for (unsigned char byte : scalar) {
      EXPECT_FALSE(byte < 0x20 || byte == 0x7f)
          << Visible(c.value) << " -> " << Visible(scalar);
    }
  }
}

// YAML 1.1 readers treat NEL, LS and PS as line breaks and fold them inside a
// double-quoted scalar: PyYAML reads "a<NEL>b" back as "a b" and "a<LS>  b" as
// "a<LS>b". They must be escaped (\N, \L, \P) to come back.
TEST(YamlScalarTest, EscapesYaml11LineBreaks) {
  for (const std::string& value :
       {std::string("a") + kNel + "b", std::string("a") + kLs + "  b",
        std::string("a") + kPs + " b"}) {
    const std::string scalar = YamlScalar(value);
    for (const char* line_break : {kNel, kLs, kPs}) {
      EXPECT_EQ(scalar.find(line_break), std::string::npos)
          << Visible(value) << " -> " << Visible(scalar);
    }
  }
}

// C1 control characters (U+0080 to U+009F, "\xC2\x80" to "\xC2\x9F" in UTF-8)
// are outside YAML's printable set: YAML 1.1 readers reject them written raw
// (PyYAML: "unacceptable character #x0080"), so they must be escaped too.
TEST(YamlScalarTest, EscapesC1ControlCharacters) {
  for (const std::string& value :
       {std::string("c1\u0080control"), std::string("csi\u009b"),
        std::string("last\u009f")}) {
    const std::string scalar = YamlScalar(value);
    for (size_t i = 0; i + 1 < scalar.size(); ++i) {
      const unsigned char lead = scalar[i];
      const unsigned char next = scalar[i + 1];
      EXPECT_FALSE(lead == 0xC2 && next >= 0x80 && next <= 0x9F)
          << Visible(value) << " -> " << Visible(scalar);
    }
  }
}

TEST(ConfigValueYamlTest, WritesEachType) {
  v1::ConfigValue value;
  value.set_bool_value(true);
  EXPECT_EQ(ConfigValueYaml(value), "true");
  value.set_bool_value(false);
  EXPECT_EQ(ConfigValueYaml(value), "false");
  value.set_int_value(8080);
  EXPECT_EQ(ConfigValueYaml(value), "8080");
  value.set_int_value(0);
  EXPECT_EQ(ConfigValueYaml(value), "0");
  value.set_int_value(-12);
  EXPECT_EQ(ConfigValueYaml(value), "-12");
  value.set_string_value("ingress");
  EXPECT_EQ(ConfigValueYaml(value), "ingress");
  for (const std::string text : {"true", "8080", "", "a: b", "yes"}) {
    value.set_string_value(text);
    EXPECT_EQ(ConfigValueYaml(value), YamlScalar(text)) << text;
    const YAML::Node doc = YAML::Load("k: " + ConfigValueYaml(value));
    EXPECT_EQ(doc["k"].as<std::string>(), text);
    EXPECT_EQ(doc["k"].Tag(), "!") << text;
  }
}

TEST(ConfigValueYamlTest, BoolAndIntAreTypedWhenRead) {
  v1::ConfigValue value;
  value.set_bool_value(true);
  YAML::Node doc = YAML::Load("k: " + ConfigValueYaml(value));
  EXPECT_EQ(doc["k"].Tag(), "?");
  EXPECT_TRUE(doc["k"].as<bool>());
  value.set_int_value(-7);
  doc = YAML::Load("k: " + ConfigValueYaml(value));
  EXPECT_EQ(doc["k"].as<int>(), -7);
}

TEST(YamlCommentTest, Formats) {
  EXPECT_EQ(YamlComment("one line", 0), "# one line\n");
  EXPECT_EQ(YamlComment("one line", 2), "  # one line\n");
  EXPECT_EQ(YamlComment("first\nsecond", 0), "# first\n# second\n");
  EXPECT_EQ(YamlComment("first\nsecond", 4), "    # first\n    # second\n");
}

const std::vector<std::string>& CommentTexts() {
  static const auto* const kTexts = new std::vector<std::string>{
      "plain",
      "a\nk2: v",
      "a\rk2: v",
      "a\r\nk2: v",
      "a\n\nk2: v",
      "\nk2: v",
      "trailing\n",
      "a\n- item",
      "a\n---\nk2: v",
      "a\n  k2: v",
      "a\n\"k2\": v",
      "a\nk2: v\n",
      std::string("a") + kNel + "k2: v",
      std::string("a") + kLs + "k2: v",
      std::string("a") + kPs + "k2: v",
      std::string("a") + kLs + "- item",
  };
  return *kTexts;
}

TEST(YamlCommentTest, TextNeverLeavesTheComment) {
  for (const std::string& text : CommentTexts()) {
    SCOPED_TRACE(Visible(text));
    YAML::Node doc;
    ASSERT_NO_THROW(doc = YAML::Load(YamlComment(text, 0) + "k: v\n"));
    ASSERT_TRUE(doc.IsMap());
    EXPECT_EQ(Keys(doc), std::vector<std::string>{"k"});

    ASSERT_NO_THROW(doc =
                        YAML::Load("m:\n" + YamlComment(text, 2) + "  k: v\n"));
    ASSERT_TRUE(doc.IsMap());
    EXPECT_EQ(Keys(doc), std::vector<std::string>{"m"});
    EXPECT_EQ(Keys(doc["m"]), std::vector<std::string>{"k"});
  }
}

TEST(YamlCommentTest, EveryLineIsAComment) {
  for (const std::string& text : CommentTexts()) {
    for (int indent : {0, 2}) ExpectOnlyCommentLines(text, indent, false);
  }
}

// A YAML 1.1 reader (kubectl's go-yaml, PyYAML) also breaks lines at NEL, LS
// and PS: every line it sees must still be a comment.
TEST(YamlCommentTest, EveryYaml11LineIsAComment) {
  for (const std::string& text : CommentTexts()) {
    for (int indent : {0, 2}) ExpectOnlyCommentLines(text, indent, true);
  }
}

TEST(YamlTreeTest, RendersSortedKeysWithTwoSpaceIndent) {
  YamlTree tree;
  tree.SetScalar("rbac.create", "true");
  tree.SetScalar("rbac.a", "x");
  tree.SetScalar("kubernetes.ports", "ingress");
  EXPECT_EQ(Rendered(tree),
            "kubernetes:\n"
            "  ports: ingress\n"
            "rbac:\n"
            "  a: x\n"
            "  create: true\n");
}

TEST(YamlTreeTest, LaterValueReplacesEarlier) {
  YamlTree tree;
  tree.SetScalar("a.b", "1");
  tree.SetScalar("a.b", "2");
  EXPECT_EQ(Rendered(tree), "a:\n  b: 2\n");
}

TEST(YamlTreeTest, EmptyBlockIsEmptySequence) {
  YamlTree tree;
  tree.SetBlock("rules", "");
  EXPECT_EQ(Rendered(tree), "rules: []\n");

  YamlTree nested;
  nested.SetBlock("rbac.rules", "");
  nested.SetScalar("rbac.create", "true");
  EXPECT_EQ(Rendered(nested), "rbac:\n  create: true\n  rules: []\n");
  const YAML::Node doc = YAML::Load(Rendered(nested));
  ASSERT_TRUE(doc["rbac"]["rules"].IsSequence());
  EXPECT_EQ(doc["rbac"]["rules"].size(), 0u);
}

TEST(YamlTreeTest, NoRulesIsEmptySequence) {
  YamlTree tree;
  tree.SetRules("rbac.rules", {});
  EXPECT_EQ(Rendered(tree), "rbac:\n  rules: []\n");
}

TEST(YamlTreeTest, BlockLinesAreIndentedUnderTheirKey) {
  YamlTree tree;
  tree.SetBlock("a.b", "x: 1\ny: 2\n");
  tree.SetScalar("a.c", "3");
  EXPECT_EQ(Rendered(tree), "a:\n  b:\n    x: 1\n    y: 2\n  c: 3\n");
}

TEST(YamlTreeTest, KeysCannotAddStructure) {
  YamlTree tree;
  tree.SetScalar("a: b.yes", "v");
  const YAML::Node doc = YAML::Load(Rendered(tree));
  EXPECT_EQ(Keys(doc), std::vector<std::string>{"a: b"});
  EXPECT_EQ(Keys(doc["a: b"]), std::vector<std::string>{"yes"});
  EXPECT_EQ(doc["a: b"]["yes"].as<std::string>(), "v");
}

// Source locations do not appear in the output; any will do.
SourceLocation Somewhere() {
  SourceLocation location;
  location.file = "policies/sky/f.textproto";
  location.line = 1;
  location.column = 0;
  return location;
}

CompiledRule PodsRule() {
  CompiledRule rule;
  rule.rule.api_groups = {""};
  rule.rule.resources = {"pods", "pods/exec"};
  rule.rule.verbs = {"get", "create"};
  rule.sources = {
      {"exec", "run commands in pods", Somewhere(), {"pods/exec"}},
      {"logs", "read pods", Somewhere(), {"pods", "pods/exec"}},
  };
  return rule;
}

CompiledRule NamedConfigMapRule() {
  CompiledRule rule;
  rule.rule.api_groups = {""};
  rule.rule.resources = {"configmaps"};
  rule.rule.verbs = {"get", "update"};
  rule.rule.resource_names = {"sky-config", "yes"};
  rule.sources = {{"config", "edit its config", Somewhere(), {"configmaps"}}};
  return rule;
}

CompiledRule HealthRule() {
  CompiledRule rule;
  rule.rule.non_resource_urls = {"/healthz", "/logs/*"};
  rule.rule.verbs = {"get"};
  rule.sources = {
      {"health", "probe the API server", Somewhere(), {"/healthz", "/logs/*"}}};
  return rule;
}

TEST(YamlRulesTest, CommentsEachSourceBeforeTheRule) {
  const std::string yaml = YamlRules({PodsRule()}, 0);
  const std::string expected_start =
      "# exec: run commands in pods (pods/exec)\n"
      "# logs: read pods\n"
      "- apiGroups:";
  EXPECT_EQ(yaml.substr(0, expected_start.size()), expected_start) << yaml;
}

TEST(YamlRulesTest, NonResourceSourceCoveringAllUrlsHasNoList) {
  const std::string yaml = YamlRules({HealthRule()}, 0);
  const std::string expected_start =
      "# health: probe the API server\n"
      "- nonResourceURLs:";
  EXPECT_EQ(yaml.substr(0, expected_start.size()), expected_start) << yaml;
}

TEST(YamlRulesTest, ParsesBackToTheRules) {
  const std::string yaml =
      YamlRules({PodsRule(), NamedConfigMapRule(), HealthRule()}, 0);
  YAML::Node doc;
  ASSERT_NO_THROW(doc = YAML::Load(yaml)) << yaml;
  ASSERT_TRUE(doc.IsSequence()) << yaml;
  ASSERT_EQ(doc.size(), 3u);

  const YAML::Node pods = doc[0];
  EXPECT_EQ(KeySet(pods),
            (std::set<std::string>{"apiGroups", "resources", "verbs"}));
  EXPECT_EQ(pods["apiGroups"].as<std::vector<std::string>>(),
            std::vector<std::string>{""});
  EXPECT_EQ(pods["resources"].as<std::vector<std::string>>(),
            (std::vector<std::string>{"pods", "pods/exec"}));
  EXPECT_EQ(pods["verbs"].as<std::vector<std::string>>(),
            (std::vector<std::string>{"get", "create"}));

  const YAML::Node config_maps = doc[1];
  EXPECT_EQ(KeySet(config_maps),
            (std::set<std::string>{"apiGroups", "resources", "resourceNames",
                                   "verbs"}));
  EXPECT_EQ(config_maps["resourceNames"].as<std::vector<std::string>>(),
            (std::vector<std::string>{"sky-config", "yes"}));
  EXPECT_EQ(config_maps["resourceNames"][1].Tag(), "!");

  const YAML::Node health = doc[2];
  EXPECT_EQ(KeySet(health),
            (std::set<std::string>{"nonResourceURLs", "verbs"}));
  EXPECT_EQ(health["nonResourceURLs"].as<std::vector<std::string>>(),
            (std::vector<std::string>{"/healthz", "/logs/*"}));
  EXPECT_EQ(health["verbs"].as<std::vector<std::string>>(),
            std::vector<std::string>{"get"});
}

TEST(YamlRulesTest, IndentsEveryLine) {
  const std::string yaml = YamlRules({PodsRule(), HealthRule()}, 4);
  for (absl::string_view line : absl::StrSplit(yaml, '\n', absl::SkipEmpty())) {
    EXPECT_EQ(line.substr(0, 4), "    ") << line;
  }
  EXPECT_NE(yaml.find("    # exec: run commands in pods (pods/exec)\n"),
            std::string::npos);
  EXPECT_NE(yaml.find("    - apiGroups:"), std::string::npos);
  const YAML::Node doc = YAML::Load("rules:\n" + yaml);
  ASSERT_TRUE(doc["rules"].IsSequence());
  EXPECT_EQ(doc["rules"].size(), 2u);
}

TEST(YamlRulesTest, SourceTextCannotAddStructure) {
  CompiledRule rule = PodsRule();
  rule.sources[0].reason =
      "line one\n- apiGroups: [\"*\"]\n  resources: [\"*\"]";
  const YAML::Node doc = YAML::Load(YamlRules({rule}, 0));
  ASSERT_TRUE(doc.IsSequence());
  ASSERT_EQ(doc.size(), 1u);
  EXPECT_EQ(doc[0]["resources"].as<std::vector<std::string>>(),
            (std::vector<std::string>{"pods", "pods/exec"}));
}

TEST(YamlRulesTest, EmptyListIsEmpty) { EXPECT_EQ(YamlRules({}, 0), ""); }

TEST(YamlTreeTest, RulesAreIndentedUnderTheirKey) {
  const std::vector<CompiledRule> compiled = {PodsRule(), HealthRule()};
  YamlTree tree;
  tree.SetScalar("rbac.create", "true");
  tree.SetRules("rbac.rules", RulePointers(compiled));
  const std::string rendered = Rendered(tree);
  const std::string expected_start = "rbac:\n  create: true\n  rules:\n    ";
  EXPECT_EQ(rendered.substr(0, expected_start.size()), expected_start)
      << rendered;

  YAML::Node doc;
  ASSERT_NO_THROW(doc = YAML::Load(rendered)) << rendered;
  EXPECT_EQ(Keys(doc), std::vector<std::string>{"rbac"});
  EXPECT_EQ(Keys(doc["rbac"]), (std::vector<std::string>{"create", "rules"}));
  EXPECT_EQ(doc["rbac"]["create"].as<bool>(), true);
  const YAML::Node rules = doc["rbac"]["rules"];
  ASSERT_TRUE(rules.IsSequence()) << rendered;
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0]["apiGroups"].as<std::vector<std::string>>(),
            std::vector<std::string>{""});
  EXPECT_EQ(rules[0]["resources"].as<std::vector<std::string>>(),
            (std::vector<std::string>{"pods", "pods/exec"}));
  EXPECT_EQ(rules[0]["verbs"].as<std::vector<std::string>>(),
            (std::vector<std::string>{"get", "create"}));
  EXPECT_FALSE(rules[1]["apiGroups"].IsDefined());
  EXPECT_EQ(rules[1]["nonResourceURLs"].as<std::vector<std::string>>(),
            (std::vector<std::string>{"/healthz", "/logs/*"}));
}

}  // namespace
}  // namespace rbacc
