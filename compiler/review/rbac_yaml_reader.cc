// Reads Kubernetes RBAC YAML into RbacObjects with yaml-cpp. yaml-cpp reports
// malformed YAML by throwing; ReadRbacYaml catches every exception here and
// turns it, like an object of the wrong shape, into an InvalidArgumentError
// that gives the 1-based line and column.
#include "compiler/review/rbac_yaml_reader.h"

#include <algorithm>
#include <exception>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "compiler/common/policy_rule.h"
#include "compiler/common/rbac_objects.h"
#include "compiler/review/yaml_scanner.h"
#include "yaml-cpp/yaml.h"

namespace rbacc {
namespace {

// Whether an object's metadata.namespace is read, and whether it must be set.
enum class NamespaceUse { kIgnored, kOptional, kRequired };

// A string-list field of a PolicyRule and its key in YAML.
struct RuleField {
  const char* key;
  std::vector<std::string> PolicyRule::*member;
};

constexpr RuleField kRuleFields[] = {
    {"apiGroups", &PolicyRule::api_groups},
    {"resources", &PolicyRule::resources},
    {"verbs", &PolicyRule::verbs},
    {"resourceNames", &PolicyRule::resource_names},
    {"nonResourceURLs", &PolicyRule::non_resource_urls},
};

// "<line>:<col>: <message>" with yaml-cpp's 0-based mark made 1-based.
// ReadRbacYaml adds the display name in front.
absl::Status ErrorAt(const YAML::Mark& mark, absl::string_view message) {
  return absl::InvalidArgumentError(
      absl::StrCat(mark.line + 1, ":", mark.column + 1, ": ", message));
}

absl::Status ErrorAt(const YAML::Node& node, absl::string_view message) {
  return ErrorAt(node.Mark(), message);
}

// True for a key the YAML does not have and for an explicit null (`~`, `null`
// or nothing).
bool IsAbsent(const YAML::Node& node) {
  return !node.IsDefined() || node.IsNull();
}

// "a list", "a map"... for error messages about a node of the wrong type.
std::string Describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return "null";
    case YAML::NodeType::Scalar:
      return absl::StrCat("the scalar \"", node.Scalar(), "\"");
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Undefined:
      break;
  }
  return "undefined";
}

// Returns an error unless `node` is a map whose keys yaml-cpp reads the way
// Kubernetes does. yaml-cpp keeps a repeated key and its lookups see the first
// value, while Kubernetes rejects the object or keeps the last value; and
// yaml-cpp 0.7 reads a merge key (`<<: *anchor`) as an ordinary key, which
// Kubernetes expands. Reading on could hide (or invent) a permission.
absl::Status CheckMap(const YAML::Node& node, absl::string_view what) {
  if (!node.IsMap()) {
    return ErrorAt(node,
                   absl::StrCat(what, " must be a map, not ", Describe(node)));
  }
  std::set<std::string> keys;
  for (const auto& entry : node) {
    if (!entry.first.IsScalar()) continue;
    const std::string& key = entry.first.Scalar();
    if (key == "<<") {
      return ErrorAt(entry.first,
                     absl::StrCat(what,
                                  " uses a YAML merge key (<<), which "
                                  "this reader does not support"));
    }
    if (!keys.insert(key).second) {
      return ErrorAt(entry.first,
                     absl::StrCat(what, " repeats the key \"", key, "\""));
    }
  }
  return absl::OkStatus();
}

// Reads a scalar exactly as written (`""` is the empty string); an absent value
// reads as "".
absl::Status ReadString(const YAML::Node& node, absl::string_view what,
                        std::string& value) {
  if (IsAbsent(node)) {
    value.clear();
    return absl::OkStatus();
  }
  if (!node.IsScalar()) {
    return ErrorAt(
        node, absl::StrCat(what, " must be a string, not ", Describe(node)));
  }
  value = node.Scalar();
  return absl::OkStatus();
}

// Reads a list of strings in the order written; an absent list reads as empty.
absl::Status ReadStringList(const YAML::Node& node, absl::string_view what,
                            std::vector<std::string>& values) {
  values.clear();
  if (IsAbsent(node)) return absl::OkStatus();
  if (!node.IsSequence()) {
    return ErrorAt(node, absl::StrCat(what, " must be a list of strings, not ",
                                      Describe(node)));
  }
  for (const auto& item : node) {
    std::string& value = values.emplace_back();
    absl::Status status = ReadString(
        item, absl::StrCat(what, "[", values.size() - 1, "]"), value);
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

// Reads metadata.labels; absent labels are none.
absl::Status ReadLabels(const YAML::Node& node,
                        std::map<std::string, std::string>& labels) {
  if (IsAbsent(node)) return absl::OkStatus();
  absl::Status status = CheckMap(node, "metadata.labels");
  if (!status.ok()) return status;
  for (const auto& entry : node) {
    std::string key;
    status = ReadString(entry.first, "a label key", key);
    if (!status.ok()) return status;
    status = ReadString(entry.second, absl::StrCat("metadata.labels.", key),
                        labels[key]);
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

// Reads the metadata of `object`, a `kind` object, which must have a name.
absl::Status ReadMetadata(const YAML::Node& object, absl::string_view kind,
                          NamespaceUse namespace_use, ObjectMeta& meta) {
  const YAML::Node metadata = object["metadata"];
  if (!IsAbsent(metadata)) {
    absl::Status status = CheckMap(metadata, "metadata");
    if (!status.ok()) return status;
    status = ReadString(metadata["name"], "metadata.name", meta.name);
    if (!status.ok()) return status;
    if (namespace_use != NamespaceUse::kIgnored) {
      status = ReadString(metadata["namespace"], "metadata.namespace",
                          meta.namespace_name);
      if (!status.ok()) return status;
    }
    status = ReadLabels(metadata["labels"], meta.labels);
    if (!status.ok()) return status;
  }
  if (meta.name.empty()) {
    return ErrorAt(object, absl::StrCat(kind, " object has no metadata.name"));
  }
  // An empty namespace is how RoleObject and BindingObject tell cluster-scoped
  // objects apart.
  if (namespace_use == NamespaceUse::kRequired && meta.namespace_name.empty()) {
    return ErrorAt(object, absl::StrCat(kind, " \"", meta.name,
                                        "\" has no metadata.namespace"));
  }
  return absl::OkStatus();
}

// The text being read: its name in errors and locations, and its lines.
struct YamlText {
  std::string display_name;
  std::vector<absl::string_view> lines;
};

// The comment on `line` ("" when none): the text after a "#" that starts the
// line or follows a space or tab outside quotes, trimmed.
std::string LineComment(absl::string_view line) {
  char quote = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '#' &&
               (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) {
      return std::string(absl::StripAsciiWhitespace(line.substr(i + 1)));
    }
  }
  return "";
}

// The last 0-based line holding part of `node`.
int LastLine(const YAML::Node& node) {
  int last = node.Mark().line;
  if (node.IsMap()) {
    for (const auto& entry : node) {
      last = std::max({last, LastLine(entry.first), LastLine(entry.second)});
    }
  } else if (node.IsSequence()) {
    for (const auto& item : node) last = std::max(last, LastLine(item));
  }
  return last;
}

// The comments that sit on a rule: the comment lines right above it, then the
// comments at the end of its own lines, joined by spaces.
std::string RuleComment(const YAML::Node& rule, const YamlText& text) {
  const int first = rule.Mark().line;
  const int last = std::min<int>(LastLine(rule), text.lines.size() - 1);
  std::vector<std::string> above;
  for (int line = first - 1; line >= 0; --line) {
    const absl::string_view stripped =
        absl::StripAsciiWhitespace(text.lines[line]);
    if (!absl::StartsWith(stripped, "#")) break;
    above.push_back(LineComment(stripped));
  }
  std::vector<std::string> comments(above.rbegin(), above.rend());
  for (int line = first; line <= last; ++line) {
    std::string comment = LineComment(text.lines[line]);
    if (!comment.empty()) comments.push_back(std::move(comment));
  }
  comments.erase(std::remove(comments.begin(), comments.end(), ""),
                 comments.end());
  return absl::StrJoin(comments, " ");
}

// Reads a role's rules in the order written; absent rules are none. Each rule
// gets one source: where it is and the comments on it.
absl::Status ReadRules(const YAML::Node& node, const YamlText& text,
                       std::vector<CompiledRule>& rules) {
  if (IsAbsent(node)) return absl::OkStatus();
  if (!node.IsSequence()) {
    return ErrorAt(node,
                   absl::StrCat("rules must be a list, not ", Describe(node)));
  }
  for (const auto& item : node) {
    const std::string what = absl::StrCat("rules[", rules.size(), "]");
    absl::Status status = CheckMap(item, what);
    if (!status.ok()) return status;
    CompiledRule& compiled = rules.emplace_back();
    PolicyRule& rule = compiled.rule;
    for (const RuleField& field : kRuleFields) {
      status =
          ReadStringList(item[field.key], absl::StrCat(what, ".", field.key),
                         rule.*field.member);
      if (!status.ok()) return status;
    }
    RuleSource& source = compiled.sources.emplace_back();
    source.location = {text.display_name, item.Mark().line, item.Mark().column};
    source.reason = RuleComment(item, text);
    source.resources = rule.non_resource_urls.empty() ? rule.resources
                                                      : rule.non_resource_urls;
    std::sort(source.resources.begin(), source.resources.end());
    source.resources.erase(
        std::unique(source.resources.begin(), source.resources.end()),
        source.resources.end());
  }
  return absl::OkStatus();
}

// Reads one matchExpressions entry of a label selector; `what` names it.
absl::Status ReadRequirement(const YAML::Node& node, const std::string& what,
                             LabelRequirement& requirement) {
  absl::Status status = CheckMap(node, what);
  if (!status.ok()) return status;
  status = ReadString(node["key"], absl::StrCat(what, ".key"), requirement.key);
  if (!status.ok()) return status;
  status = ReadString(node["operator"], absl::StrCat(what, ".operator"),
                      requirement.op);
  if (!status.ok()) return status;
  status = ReadStringList(node["values"], absl::StrCat(what, ".values"),
                          requirement.values);
  if (!status.ok()) return status;
  if (requirement.key.empty()) {
    return ErrorAt(node, absl::StrCat(what, ".key is not set"));
  }
  const std::string& op = requirement.op;
  if (op == "In" || op == "NotIn") {
    if (requirement.values.empty()) {
      return ErrorAt(node, absl::StrCat(what, ": operator ", op,
                                        " needs at least one value"));
    }
  } else if (op == "Exists" || op == "DoesNotExist") {
    if (!requirement.values.empty()) {
      return ErrorAt(node, absl::StrCat(what, ": operator ", op,
                                        " takes no values; remove them"));
    }
  } else {
    return ErrorAt(node, absl::StrCat(what, ".operator \"", op,
                                      "\" is not In, NotIn, Exists or "
                                      "DoesNotExist"));
  }
  return absl::OkStatus();
}

// Reads one label selector of aggregationRule.clusterRoleSelectors.
absl::Status ReadSelector(const YAML::Node& node, const std::string& what,
                          LabelSelector& selector) {
  absl::Status status = CheckMap(node, what);
  if (!status.ok()) return status;
  const YAML::Node labels = node["matchLabels"];
  if (!IsAbsent(labels)) {
    status = CheckMap(labels, absl::StrCat(what, ".matchLabels"));
    if (!status.ok()) return status;
    for (const auto& entry : labels) {
      std::string key;
      status = ReadString(entry.first, "a label key", key);
      if (!status.ok()) return status;
      status =
          ReadString(entry.second, absl::StrCat(what, ".matchLabels.", key),
                     selector.match_labels[key]);
      if (!status.ok()) return status;
    }
  }
  const YAML::Node expressions = node["matchExpressions"];
  if (IsAbsent(expressions)) return absl::OkStatus();
  if (!expressions.IsSequence()) {
    return ErrorAt(expressions, absl::StrCat(what,
                                             ".matchExpressions must be a "
                                             "list, not ",
                                             Describe(expressions)));
  }
  for (const auto& item : expressions) {
    const std::string item_what = absl::StrCat(
        what, ".matchExpressions[", selector.match_expressions.size(), "]");
    status = ReadRequirement(item, item_what,
                             selector.match_expressions.emplace_back());
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

// Reads a ClusterRole's aggregationRule; an absent one leaves `role` as it is.
absl::Status ReadAggregationRule(const YAML::Node& node, RoleObject& role) {
  if (IsAbsent(node)) return absl::OkStatus();
  absl::Status status = CheckMap(node, "aggregationRule");
  if (!status.ok()) return status;
  role.has_aggregation_rule = true;
  const YAML::Node selectors = node["clusterRoleSelectors"];
  if (IsAbsent(selectors)) return absl::OkStatus();
  if (!selectors.IsSequence()) {
    return ErrorAt(selectors,
                   absl::StrCat("aggregationRule.clusterRoleSelectors must be "
                                "a list, not ",
                                Describe(selectors)));
  }
  for (const auto& item : selectors) {
    const std::string item_what =
        absl::StrCat("aggregationRule.clusterRoleSelectors[",
                     role.aggregation_selectors.size(), "]");
    status = ReadSelector(item, item_what,
                          role.aggregation_selectors.emplace_back());
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

// Reads the string `key` of the map `node`, which must be set.
absl::Status ReadRequiredString(const YAML::Node& node, const char* key,
                                absl::string_view what, std::string& value) {
  const std::string field = absl::StrCat(what, ".", key);
  absl::Status status = ReadString(node[key], field, value);
  if (!status.ok()) return status;
  if (value.empty()) return ErrorAt(node, absl::StrCat(field, " is not set"));
  return absl::OkStatus();
}

// Reads a binding's subjects, sorted; absent subjects are none.
absl::Status ReadSubjects(const YAML::Node& node,
                          std::vector<Subject>& subjects) {
  if (IsAbsent(node)) return absl::OkStatus();
  if (!node.IsSequence()) {
    return ErrorAt(
        node, absl::StrCat("subjects must be a list, not ", Describe(node)));
  }
  for (const auto& item : node) {
    const std::string what = absl::StrCat("subjects[", subjects.size(), "]");
    Subject& subject = subjects.emplace_back();
    absl::Status status = CheckMap(item, what);
    if (!status.ok()) return status;
    status = ReadRequiredString(item, "kind", what, subject.kind);
    if (!status.ok()) return status;
    status = ReadRequiredString(item, "name", what, subject.name);
    if (!status.ok()) return status;
    status = ReadString(item["namespace"], absl::StrCat(what, ".namespace"),
                        subject.namespace_name);
    if (!status.ok()) return status;
  }
  std::sort(subjects.begin(), subjects.end());
  return absl::OkStatus();
}

// Reads a `kind` binding (RoleBinding or ClusterRoleBinding).
absl::Status ReadBinding(const YAML::Node& object, absl::string_view kind,
                         NamespaceUse namespace_use, BindingObject& binding) {
  absl::Status status =
      ReadMetadata(object, kind, namespace_use, binding.metadata);
  if (!status.ok()) return status;
  status = ReadSubjects(object["subjects"], binding.subjects);
  if (!status.ok()) return status;
  const YAML::Node role_ref = object["roleRef"];
  if (!role_ref.IsDefined()) {
    return ErrorAt(object, absl::StrCat(kind, " \"", binding.metadata.name,
                                        "\" has no roleRef"));
  }
  status = CheckMap(role_ref, "roleRef");
  if (!status.ok()) return status;
  status = ReadRequiredString(role_ref, "kind", "roleRef", binding.role_kind);
  if (!status.ok()) return status;
  return ReadRequiredString(role_ref, "name", "roleRef", binding.role_name);
}

// Reads one document, or one item of a List, into `objects`. `what` names it in
// errors.
absl::Status ReadObject(const YAML::Node& node, absl::string_view what,
                        const YamlText& text, RbacObjects& objects) {
  if (node.IsNull()) return absl::OkStatus();
  if (!node.IsMap()) {
    return ErrorAt(
        node, absl::StrCat(what, " must be a Kubernetes object (a map), not ",
                           Describe(node)));
  }
  std::string kind;
  absl::Status status = ReadString(node["kind"], "kind", kind);
  if (!status.ok()) return status;
  if (kind != "List" && kind != "Namespace" && kind != "ServiceAccount" &&
      kind != "Role" && kind != "ClusterRole" && kind != "RoleBinding" &&
      kind != "ClusterRoleBinding") {
    return absl::OkStatus();
  }
  status = CheckMap(node, what);
  if (!status.ok()) return status;

  if (kind == "List") {
    const YAML::Node items = node["items"];
    if (IsAbsent(items)) return absl::OkStatus();
    if (!items.IsSequence()) {
      return ErrorAt(
          items, absl::StrCat("items must be a list, not ", Describe(items)));
    }
    int index = 0;
    for (const auto& item : items) {
      status = ReadObject(item, absl::StrCat(what, " items[", index++, "]"),
                          text, objects);
      if (!status.ok()) return status;
    }
    return absl::OkStatus();
  }
  if (kind == "Namespace") {
    return ReadMetadata(node, kind, NamespaceUse::kIgnored,
                        objects.namespaces.emplace_back());
  }
  if (kind == "ServiceAccount") {
    return ReadMetadata(node, kind, NamespaceUse::kOptional,
                        objects.service_accounts.emplace_back());
  }
  if (kind == "Role" || kind == "ClusterRole") {
    RoleObject& role = objects.roles.emplace_back();
    status = ReadMetadata(
        node, kind,
        kind == "Role" ? NamespaceUse::kRequired : NamespaceUse::kIgnored,
        role.metadata);
    if (!status.ok()) return status;
    if (kind == "ClusterRole") {
      status = ReadAggregationRule(node["aggregationRule"], role);
      if (!status.ok()) return status;
    }
    return ReadRules(node["rules"], text, role.rules);
  }
  return ReadBinding(
      node, kind,
      kind == "RoleBinding" ? NamespaceUse::kRequired : NamespaceUse::kIgnored,
      objects.bindings.emplace_back());
}

// Refuses what would cost without bound (see ScanYamlDocuments); yaml-cpp
// may throw.
absl::Status ScanDocuments(const std::string& text) {
  const YAML::Mark stalled = ScanYamlDocuments(text);
  if (stalled.is_null()) return absl::OkStatus();
  return ErrorAt(stalled, absl::StrCat("a YAML document cannot start with \"",
                                       text.substr(stalled.pos, 1), "\""));
}

// Reads every document of `yaml_text`; yaml-cpp may throw.
absl::Status ReadDocuments(absl::string_view yaml_text,
                           const std::string& display_name,
                           RbacObjects& objects) {
  const std::string text(yaml_text);
  const YamlText lines{display_name, absl::StrSplit(yaml_text, '\n')};
  absl::Status status = ScanDocuments(text);
  if (!status.ok()) return status;
  const std::vector<YAML::Node> documents = YAML::LoadAll(text);
  for (size_t i = 0; i < documents.size(); ++i) {
    status = ReadObject(documents[i], absl::StrCat("document ", i + 1), lines,
                        objects);
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RbacObjects> ReadRbacYaml(absl::string_view yaml_text,
                                         const std::string& display_name) {
  RbacObjects objects;
  absl::Status status;
  try {
    status = ReadDocuments(yaml_text, display_name, objects);
  } catch (const YAML::Exception& e) {
    // Exceptions about nodes rather than text (e.g. InvalidNode) carry no
    // position.
    if (e.mark.is_null()) {
      return absl::InvalidArgumentError(
          absl::StrCat(display_name, ": ", e.msg));
    }
    status = ErrorAt(e.mark, e.msg);
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(display_name, ": ", e.what()));
  }
  if (!status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(display_name, ":", status.message()));
  }
  return objects;
}

}  // namespace rbacc
