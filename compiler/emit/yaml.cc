#include "compiler/emit/yaml.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace rbacc {
namespace {

// Words YAML 1.1 or 1.2 resolves to booleans or null, in any letter case.
bool IsReservedWord(absl::string_view value) {
  static const char* const kWords[] = {"y",    "yes",   "n",  "no",
                                       "true", "false", "on", "off",
                                       "null", "nan",   "inf"};
  const std::string lower = absl::AsciiStrToLower(value);
  return std::any_of(std::begin(kWords), std::end(kWords),
                     [&](const char* word) { return lower == word; });
}

bool IsPlainSafe(absl::string_view value) {
  if (value.empty() || IsReservedWord(value)) return false;
  const char first = value.front();
  if (!absl::ascii_isalpha(first) && first != '/') return false;
  return std::all_of(value.begin(), value.end(), [](char c) {
    return absl::ascii_isalnum(c) || c == '-' || c == '.' || c == '_' ||
           c == '/';
  });
}

// YAML 1.1 readers (PyYAML, go-yaml behind kubectl) also break lines at NEL
// (U+0085), LS (U+2028) and PS (U+2029), in UTF-8 C2 85, E2 80 A8 and E2 80 A9.
constexpr absl::string_view kNextLine = "\xc2\x85";
constexpr absl::string_view kLineSeparator = "\xe2\x80\xa8";
constexpr absl::string_view kParagraphSeparator = "\xe2\x80\xa9";

std::string JoinRuleTargets(const CompiledRule& rule) {
  return absl::StrJoin(rule.rule.non_resource_urls.empty()
                           ? rule.rule.resources
                           : rule.rule.non_resource_urls,
                       ", ");
}

}  // namespace

std::string YamlScalar(absl::string_view value) {
  if (IsPlainSafe(value)) return std::string(value);
  std::string quoted = "\"";
  for (size_t i = 0; i < value.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(value[i]);
    const absl::string_view rest = value.substr(i);
    if (absl::StartsWith(rest, kLineSeparator)) {
      quoted += "\\L";
      i += kLineSeparator.size() - 1;
      continue;
    }
    if (absl::StartsWith(rest, kParagraphSeparator)) {
      quoted += "\\P";
      i += kParagraphSeparator.size() - 1;
      continue;
    }
    // C1 control characters U+0080..U+009F (UTF-8 C2 80..C2 9F), NEL among
    // them.
    if (c == 0xc2 && i + 1 < value.size() &&
        static_cast<unsigned char>(value[i + 1]) >= 0x80 &&
        static_cast<unsigned char>(value[i + 1]) <= 0x9f) {
      absl::StrAppendFormat(&quoted, "\\x%02x",
                            static_cast<unsigned char>(value[i + 1]));
      ++i;
      continue;
    }
    switch (c) {
      case '"':
        quoted += "\\\"";
        break;
      case '\\':
        quoted += "\\\\";
        break;
      case '\n':
        quoted += "\\n";
        break;
      case '\t':
        quoted += "\\t";
        break;
      case '\r':
        quoted += "\\r";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          absl::StrAppendFormat(&quoted, "\\x%02x", c);
        } else {
          quoted += static_cast<char>(c);
        }
    }
  }
  quoted += "\"";
  return quoted;
}

std::string YamlFlowSequence(const std::vector<std::string>& values) {
  std::vector<std::string> scalars;
  scalars.reserve(values.size());
  for (const std::string& value : values) scalars.push_back(YamlScalar(value));
  return absl::StrCat("[", absl::StrJoin(scalars, ", "), "]");
}

std::string ConfigValueYaml(const v1::ConfigValue& value) {
  switch (value.value_case()) {
    case v1::ConfigValue::kStringValue:
      return YamlScalar(value.string_value());
    case v1::ConfigValue::kBoolValue:
      return value.bool_value() ? "true" : "false";
    case v1::ConfigValue::kIntValue:
      return absl::StrCat(value.int_value());
    case v1::ConfigValue::VALUE_NOT_SET:
      break;
  }
  return "null";
}

std::string YamlComment(absl::string_view text, int indent) {
  std::string out;
  const std::string lines = absl::StrReplaceAll(
      text,
      {{kNextLine, "\n"}, {kLineSeparator, "\n"}, {kParagraphSeparator, "\n"}});
  for (absl::string_view line :
       absl::StrSplit(lines, absl::ByAnyChar("\r\n"))) {
    absl::StrAppend(&out, std::string(indent, ' '), "#",
                    line.empty() ? "" : " ", line, "\n");
  }
  return out;
}

std::string YamlRules(const std::vector<CompiledRule>& rules, int indent) {
  const std::string pad(indent, ' ');
  std::string out;
  for (const CompiledRule& rule : rules) {
    const std::string all_targets = JoinRuleTargets(rule);
    for (const RuleSource& source : rule.sources) {
      const std::string targets = absl::StrJoin(source.resources, ", ");
      out += YamlComment(
          absl::StrCat(
              source.feature, ": ", source.reason,
              targets == all_targets ? "" : absl::StrCat(" (", targets, ")")),
          indent);
    }
    const PolicyRule& r = rule.rule;
    if (r.non_resource_urls.empty()) {
      absl::StrAppend(&out, pad,
                      "- apiGroups: ", YamlFlowSequence(r.api_groups), "\n");
      absl::StrAppend(&out, pad, "  resources: ", YamlFlowSequence(r.resources),
                      "\n");
      if (!r.resource_names.empty()) {
        absl::StrAppend(&out, pad,
                        "  resourceNames: ", YamlFlowSequence(r.resource_names),
                        "\n");
      }
    } else {
      absl::StrAppend(&out, pad, "- nonResourceURLs: ",
                      YamlFlowSequence(r.non_resource_urls), "\n");
    }
    absl::StrAppend(&out, pad, "  verbs: ", YamlFlowSequence(r.verbs), "\n");
  }
  return out;
}

YamlTree::Node& YamlTree::NodeAt(absl::string_view dotted_key) {
  Node* node = &root_;
  for (absl::string_view part : absl::StrSplit(dotted_key, '.')) {
    node = &node->children[std::string(part)];
  }
  return *node;
}

void YamlTree::SetScalar(absl::string_view dotted_key,
                         std::string yaml_scalar) {
  Node& node = NodeAt(dotted_key);
  node.scalar = std::move(yaml_scalar);
  node.is_block = false;
}

void YamlTree::SetBlock(absl::string_view dotted_key, std::string block) {
  Node& node = NodeAt(dotted_key);
  node.block = std::move(block);
  node.is_block = true;
}

void YamlTree::RenderNode(const Node& node, int indent, std::string* out) {
  const std::string pad(indent, ' ');
  for (const auto& [key, child] : node.children) {
    absl::StrAppend(out, pad, YamlScalar(key), ":");
    if (!child.children.empty()) {
      absl::StrAppend(out, "\n");
      RenderNode(child, indent + 2, out);
    } else if (child.is_block && child.block.empty()) {
      absl::StrAppend(out, " []\n");
    } else if (child.is_block) {
      absl::StrAppend(out, "\n");
      for (absl::string_view line :
           absl::StrSplit(child.block, '\n', absl::SkipEmpty())) {
        absl::StrAppend(out, pad, "  ", line, "\n");
      }
    } else {
      absl::StrAppend(out, " ", child.scalar, "\n");
    }
  }
}

std::string YamlTree::Render() const {
  std::string out;
  RenderNode(root_, 0, &out);
  return out;
}

}  // namespace rbacc
