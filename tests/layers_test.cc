// Proves the layer order of the compiler's packages: every dependency a BUILD
// file declares points down (or within its own package), never up:
//
//   common ← catalog ← load ← validate ← resolve ← merge ← lint ← emit ←
//   review ← facade (//compiler:facade, compiler.h) ← cli ← main
//   (//compiler:compiler)
//
// Package visibility already makes an upward dependency a build error; this
// test states the order in one place and fails on an upward edge even if a
// visibility list is widened by mistake.
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "tests/testing/workspace.h"

namespace rbacc {
namespace {

// The packages under compiler/, lowest first.
const std::vector<std::string>& LayerOrder() {
  static const auto* const kOrder = new std::vector<std::string>{
      "common", "catalog", "load",   "validate", "resolve", "merge",
      "lint",   "emit",    "review", "facade",   "cli",     "main"};
  return *kOrder;
}

// The layer of target `name` of package `package` ("//compiler/merge" or
// "//compiler"), as an index into LayerOrder(), or -1 outside compiler/.
int LayerOf(absl::string_view package, absl::string_view name) {
  if (package == "//compiler") {
    return name == "compiler" ? 11 : 9;  // main, else the facade
  }
  if (!absl::ConsumePrefix(&package, "//compiler/")) return -1;
  for (size_t i = 0; i < LayerOrder().size(); ++i) {
    if (LayerOrder()[i] == package) return static_cast<int>(i);
  }
  return -1;
}

// One rule of a BUILD file: its name and the labels it mentions.
struct Rule {
  std::string name;
  std::vector<std::string> labels;
};

// The rules of `build_text`: each top-level call `kind(` up to its closing
// line ")", with the "name" attribute and every quoted label starting "//" or
// ":" (deps, data and srcs alike).
std::vector<Rule> ParseRules(absl::string_view build_text) {
  std::vector<Rule> rules;
  Rule* current = nullptr;
  size_t start = 0;
  while (start < build_text.size()) {
    size_t end = build_text.find('\n', start);
    if (end == absl::string_view::npos) end = build_text.size();
    const absl::string_view line = build_text.substr(start, end - start);
    start = end + 1;
    if (!line.empty() && line.back() == '(' && line.front() != ' ') {
      rules.emplace_back();
      current = &rules.back();
      continue;
    }
    if (line == ")") current = nullptr;
    if (current == nullptr) continue;
    const size_t open = line.find('"');
    const size_t close = line.rfind('"');
    if (open == absl::string_view::npos || close <= open) continue;
    const std::string value(line.substr(open + 1, close - open - 1));
    if (absl::StrContains(line, "name = ")) {
      current->name = value;
    } else if (absl::StartsWith(value, "//") || absl::StartsWith(value, ":")) {
      current->labels.push_back(value);
    }
  }
  return rules;
}

// Returns "from -> to" for every label in `build_text` (the BUILD file of
// `package`) that points to a higher layer.
std::vector<std::string> UpwardEdges(const std::string& package,
                                     absl::string_view build_text) {
  std::vector<std::string> edges;
  for (const Rule& rule : ParseRules(build_text)) {
    const int from = LayerOf(package, rule.name);
    for (const std::string& label : rule.labels) {
      // Within the package, or a visibility (which grants, not depends).
      if (absl::StartsWith(label, ":") || absl::EndsWith(label, ":__pkg__") ||
          absl::EndsWith(label, ":__subpackages__")) {
        continue;
      }
      const size_t colon = label.find(':');
      const std::string to_package = label.substr(0, colon);
      const std::string to_name =
          colon == std::string::npos
              ? to_package.substr(to_package.rfind('/') + 1)
              : label.substr(colon + 1);
      const int to = LayerOf(to_package, to_name);
      if (from >= 0 && to > from) {
        edges.push_back(absl::StrCat(package, ":", rule.name, " -> ", label));
      }
    }
  }
  return edges;
}

TEST(LayersTest, FindsAnUpwardEdge) {
  const std::string build =
      "cc_library(\n"
      "    name = \"bundle_validator\",\n"
      "    deps = [\n"
      "        \":catalog_checks\",\n"
      "        \"//compiler/common:names\",\n"
      "        \"//compiler/lint:lint\",\n"
      "    ],\n"
      ")\n";
  EXPECT_EQ(
      UpwardEdges("//compiler/validate", build),
      std::vector<std::string>{
          "//compiler/validate:bundle_validator -> //compiler/lint:lint"});
}

TEST(LayersTest, FindsTheFacadeDependingOnTheCommandLine) {
  const std::string build =
      "cc_library(\n"
      "    name = \"facade\",\n"
      "    visibility = [\"//compiler/cli:__pkg__\"],\n"
      "    deps = [\"//compiler/cli:compile_command\"],\n"
      ")\n"
      "cc_binary(\n"
      "    name = \"compiler\",\n"
      "    deps = [\"//compiler/cli:compile_command\"],\n"
      ")\n";
  EXPECT_EQ(UpwardEdges("//compiler", build),
            std::vector<std::string>{
                "//compiler:facade -> //compiler/cli:compile_command"});
}

TEST(LayersTest, EveryPackageDependsOnlyDownward) {
  std::vector<std::string> packages = {"//compiler"};
  for (const std::string& layer : LayerOrder()) {
    if (layer != "facade" && layer != "main") {
      packages.push_back(absl::StrCat("//compiler/", layer));
    }
  }
  for (const std::string& package : packages) {
    const std::string path =
        testing::RunfilePath(absl::StrCat(package.substr(2), "/BUILD.bazel"));
    const std::string text = testing::ReadFileOrDie(path);
    ASSERT_FALSE(text.empty()) << path;
    EXPECT_FALSE(ParseRules(text).empty()) << path;
    EXPECT_EQ(UpwardEdges(package, text), std::vector<std::string>{})
        << package;
    // Only the binary is public; every library is visible to the layers
    // above it.
    if (package != "//compiler") {
      EXPECT_FALSE(absl::StrContains(text, "//visibility:public")) << package;
    }
  }
}

}  // namespace
}  // namespace rbacc
