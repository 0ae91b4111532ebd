#include "compiler/emit/yaml.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "compiler/emit/text_output.h"

namespace rbacc {
namespace {

// Words YAML 1.1 or 1.2 resolves to booleans or null, in any letter case.
bool IsReservedWord(absl::string_view value) {
  static const char* const kWords[] = {"y",    "yes",   "n",  "no",
                                       "true", "false", "on", "off",
                                       "null", "nan",   "inf"};
  return std::any_of(
      std::begin(kWords), std::end(kWords),
      [&](const char* word) { return absl::EqualsIgnoreCase(value, word); });
}

bool IsPlainSafe(absl::string_view value) {
  if (value.empty()) return false;
  const char first = value.front();
  if (!absl::ascii_isalpha(first) && first != '/') return false;
  return std::all_of(value.begin(), value.end(),
                     [](char c) {
                       return absl::ascii_isalnum(c) || c == '-' || c == '.' ||
                              c == '_' || c == '/';
                     }) &&
         !IsReservedWord(value);
}

// YAML 1.1 readers (PyYAML, go-yaml behind kubectl) also break lines at NEL
// (U+0085), LS (U+2028) and PS (U+2029), in UTF-8 C2 85, E2 80 A8 and E2 80 A9.
constexpr absl::string_view kNextLine = "\xc2\x85";
constexpr absl::string_view kLineSeparator = "\xe2\x80\xa8";
constexpr absl::string_view kParagraphSeparator = "\xe2\x80\xa9";

// The length of the line break `rest` starts with (CR, LF, NEL, LS or PS), or
// 0 when it starts with none.
size_t LineBreakLength(absl::string_view rest) {
  const char c = rest.front();
  if (c == '\n' || c == '\r') return 1;
  if (absl::StartsWith(rest, kNextLine)) return kNextLine.size();
  if (absl::StartsWith(rest, kLineSeparator)) return kLineSeparator.size();
  if (absl::StartsWith(rest, kParagraphSeparator)) {
    return kParagraphSeparator.size();
  }
  return 0;
}

void AppendYamlScalar(absl::string_view value, std::string* out) {
  if (IsPlainSafe(value)) {
    out->append(value.data(), value.size());
    return;
  }
  out->push_back('"');
  for (size_t i = 0; i < value.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(value[i]);
    const absl::string_view rest = value.substr(i);
    if (absl::StartsWith(rest, kLineSeparator)) {
      out->append("\\L");
      i += kLineSeparator.size() - 1;
      continue;
    }
    if (absl::StartsWith(rest, kParagraphSeparator)) {
      out->append("\\P");
      i += kParagraphSeparator.size() - 1;
      continue;
    }
    // C1 control characters U+0080..U+009F (UTF-8 C2 80..C2 9F), NEL among
    // them.
    if (c == 0xc2 && i + 1 < value.size() &&
        static_cast<unsigned char>(value[i + 1]) >= 0x80 &&
        static_cast<unsigned char>(value[i + 1]) <= 0x9f) {
      absl::StrAppendFormat(out, "\\x%02x",
                            static_cast<unsigned char>(value[i + 1]));
      ++i;
      continue;
    }
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\r':
        out->append("\\r");
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          absl::StrAppendFormat(out, "\\x%02x", c);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

void AppendYamlFlowSequence(const std::vector<std::string>& values,
                            std::string* out) {
  out->push_back('[');
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out->append(", ");
    AppendYamlScalar(values[i], out);
  }
  out->push_back(']');
}

// Appends "<indent>#" and " line" for each line of `text`.
void AppendYamlComment(absl::string_view text, int indent, std::string* out) {
  size_t line_start = 0;
  size_t i = 0;
  while (true) {
    const size_t line_break =
        i < text.size() ? LineBreakLength(text.substr(i)) : 0;
    if (i < text.size() && line_break == 0) {
      ++i;
      continue;
    }
    out->append(indent, ' ');
    out->push_back('#');
    if (i > line_start) {
      out->push_back(' ');
      out->append(text.data() + line_start, i - line_start);
    }
    out->push_back('\n');
    if (i >= text.size()) return;
    i += line_break;
    line_start = i;
  }
}

const std::vector<std::string>& RuleTargets(const PolicyRule& rule) {
  return rule.non_resource_urls.empty() ? rule.resources
                                        : rule.non_resource_urls;
}

// Appends the comment and item lines of one rule (see WriteYamlRules); uses
// `comment` for the text of each comment.
void AppendYamlRule(const CompiledRule& rule, int indent, std::string* comment,
                    std::string* out) {
  const std::vector<std::string>& all_targets = RuleTargets(rule.rule);
  for (const RuleSource& source : rule.sources) {
    comment->clear();
    absl::StrAppend(comment, source.feature, ": ", source.reason);
    // Compared as joined text, as shown; equal lists are equal text.
    if (source.resources != all_targets) {
      const std::string targets = absl::StrJoin(source.resources, ", ");
      if (targets != absl::StrJoin(all_targets, ", ")) {
        absl::StrAppend(comment, " (", targets, ")");
      }
    }
    if (!source.serves.empty()) {
      absl::StrAppend(comment, " Serves: ", source.serves);
    }
    AppendYamlComment(*comment, indent, out);
  }
  const PolicyRule& r = rule.rule;
  // One "<indent><key><flow sequence>" line.
  const auto line = [&](absl::string_view key,
                        const std::vector<std::string>& values) {
    out->append(indent, ' ');
    out->append(key.data(), key.size());
    AppendYamlFlowSequence(values, out);
    out->push_back('\n');
  };
  if (r.non_resource_urls.empty()) {
    line("- apiGroups: ", r.api_groups);
    line("  resources: ", r.resources);
    if (!r.resource_names.empty()) line("  resourceNames: ", r.resource_names);
  } else {
    line("- nonResourceURLs: ", r.non_resource_urls);
  }
  line("  verbs: ", r.verbs);
}

}  // namespace

std::string YamlScalar(absl::string_view value) {
  std::string scalar;
  AppendYamlScalar(value, &scalar);
  return scalar;
}

std::string YamlFlowSequence(const std::vector<std::string>& values) {
  std::string sequence;
  AppendYamlFlowSequence(values, &sequence);
  return sequence;
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
  std::string comment;
  AppendYamlComment(text, indent, &comment);
  return comment;
}

void WriteYamlRules(const std::vector<const CompiledRule*>& rules, int indent,
                    TextOutput& out) {
  // One rule's text at a time, in buffers reused from rule to rule.
  std::string comment;
  std::string text;
  for (const CompiledRule* rule : rules) {
    text.clear();
    AppendYamlRule(*rule, indent, &comment, &text);
    out.Append(text);
  }
}

std::vector<const CompiledRule*> RulePointers(
    const std::vector<CompiledRule>& rules) {
  std::vector<const CompiledRule*> pointers;
  pointers.reserve(rules.size());
  for (const CompiledRule& rule : rules) pointers.push_back(&rule);
  return pointers;
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
  node.kind = Node::Kind::kScalar;
  node.text = std::move(yaml_scalar);
}

void YamlTree::SetBlock(absl::string_view dotted_key, std::string block) {
  Node& node = NodeAt(dotted_key);
  node.kind = Node::Kind::kBlock;
  node.text = std::move(block);
}

void YamlTree::SetRules(absl::string_view dotted_key,
                        std::vector<const CompiledRule*> rules) {
  Node& node = NodeAt(dotted_key);
  node.kind = Node::Kind::kRules;
  node.rules = std::move(rules);
}

void YamlTree::RenderNode(const Node& node, int indent, TextOutput& out) {
  const std::string pad(indent, ' ');
  for (const auto& [key, child] : node.children) {
    out.Append(pad, YamlScalar(key), ":");
    const bool empty_sequence =
        (child.kind == Node::Kind::kBlock && child.text.empty()) ||
        (child.kind == Node::Kind::kRules && child.rules.empty());
    if (!child.children.empty()) {
      out.Append("\n");
      RenderNode(child, indent + 2, out);
    } else if (empty_sequence) {
      out.Append(" []\n");
    } else if (child.kind == Node::Kind::kBlock) {
      out.Append("\n");
      for (absl::string_view line :
           absl::StrSplit(child.text, '\n', absl::SkipEmpty())) {
        out.Append(pad, "  ", line, "\n");
      }
    } else if (child.kind == Node::Kind::kRules) {
      out.Append("\n");
      WriteYamlRules(child.rules, indent + 2, out);
    } else {
      out.Append(" ", child.text, "\n");
    }
  }
}

void YamlTree::Render(TextOutput& out) const { RenderNode(root_, 0, out); }

}  // namespace rbacc
