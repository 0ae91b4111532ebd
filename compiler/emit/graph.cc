#include "compiler/emit/graph.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "compiler/common/policy_rule.h"
#include "compiler/common/rbac_objects.h"

namespace rbacc {
namespace {

// "Kind namespace/name" or "Kind name".
std::string ObjectLabel(const std::string& kind, const ObjectMeta& meta) {
  return meta.namespace_name.empty()
             ? absl::StrCat(kind, " ", meta.name)
             : absl::StrCat(kind, " ", meta.namespace_name, "/", meta.name);
}

std::string SubjectLabel(const Subject& subject) {
  return subject.namespace_name.empty()
             ? absl::StrCat(subject.kind, " ", subject.name)
             : absl::StrCat(subject.kind, " ", subject.namespace_name, "/",
                            subject.name);
}

// Nodes of one kind: label -> id, ids numbered in label order.
class NodeSet {
 public:
  explicit NodeSet(std::string prefix) : prefix_(std::move(prefix)) {}
  void Add(const std::string& label) { labels_.insert(label); }
  // Assigns ids; call after every Add.
  void Number() {
    int next = 1;
    for (const std::string& label : labels_) {
      ids_[label] = absl::StrCat(prefix_, next++);
    }
  }
  const std::string& Id(const std::string& label) const {
    return ids_.at(label);
  }
  const std::set<std::string>& labels() const { return labels_; }

 private:
  std::string prefix_;
  std::set<std::string> labels_;
  std::map<std::string, std::string> ids_;
};

std::string MermaidText(const std::string& text) {
  return absl::StrReplaceAll(
      text, {{"#", "#35;"}, {"\"", "#quot;"}, {"<", "#lt;"}, {">", "#gt;"}});
}

std::string DotText(const std::string& text) {
  return absl::StrReplaceAll(text,
                             {{"\\", "\\\\"}, {"\"", "\\\""}, {"\n", "\\n"}});
}

// The graph's nodes, one set per layer, and the edges between layers.
struct Graph {
  NodeSet subjects{"s"};
  NodeSet bindings{"b"};
  NodeSet roles{"r"};
  NodeSet resources{"p"};
  // (from label, to label) per layer.
  std::set<std::pair<std::string, std::string>> subject_edges, binding_edges;
  // (aggregated ClusterRole label, label of a ClusterRole it aggregates).
  std::set<std::pair<std::string, std::string>> aggregation_edges;
  // (role label, resource label) -> the verb texts of the role's rules on it.
  std::map<std::pair<std::string, std::string>, std::vector<std::string>>
      resource_edges;
};

// True for a rule an aggregated ClusterRole holds only because it aggregates
// another ClusterRole (every source names that role): the graph draws it from
// the aggregated role, behind an aggregation edge.
bool OnlyAggregated(const CompiledRule& compiled) {
  return !compiled.sources.empty() &&
         std::all_of(compiled.sources.begin(), compiled.sources.end(),
                     [](const RuleSource& source) {
                       return !source.aggregated_from.empty();
                     });
}

// The verbs `role` grants per resource label (in Kubernetes' order, with
// names) by its own rules (not those OnlyAggregated), each rule's as one
// text; adds the resources to `resources`.
std::map<std::string, std::vector<std::string>> VerbsByTarget(
    const RoleObject& role, NodeSet& resources) {
  std::map<std::string, std::vector<std::string>> verbs;
  for (const CompiledRule& compiled : role.rules) {
    if (OnlyAggregated(compiled)) continue;
    const PolicyRule& rule = compiled.rule;
    std::vector<std::string> targets;
    for (const std::string& url : rule.non_resource_urls) {
      targets.push_back(url);
    }
    for (const std::string& group : rule.api_groups) {
      for (const std::string& resource : rule.resources) {
        targets.push_back(group.empty() ? resource
                                        : absl::StrCat(group, "/", resource));
      }
    }
    std::vector<std::string> rule_verbs = rule.verbs;
    SortVerbs(rule_verbs);
    std::string verb_text = absl::StrJoin(rule_verbs, ", ");
    if (!rule.resource_names.empty()) {
      absl::StrAppend(&verb_text, " (",
                      absl::StrJoin(rule.resource_names, ", "), ")");
    }
    for (const std::string& target : targets) {
      resources.Add(target);
      verbs[target].push_back(verb_text);
    }
  }
  return verbs;
}

// The graph of `objects`: subjects -> bindings -> roles -> resources, with
// every node numbered.
Graph BuildGraph(const RbacObjects& objects) {
  Graph graph;
  std::map<std::tuple<std::string, std::string, std::string>, const RoleObject*>
      role_by_key;
  for (const RoleObject& role : objects.roles) {
    role_by_key[{role.is_cluster_role() ? "ClusterRole" : "Role",
                 role.metadata.namespace_name, role.metadata.name}] = &role;
  }
  for (const BindingObject& binding : objects.bindings) {
    const std::string binding_label = ObjectLabel(
        binding.is_cluster_binding() ? "ClusterRoleBinding" : "RoleBinding",
        binding.metadata);
    graph.bindings.Add(binding_label);
    for (Subject subject : binding.subjects) {
      if (subject.kind == "ServiceAccount" && subject.namespace_name.empty()) {
        subject.namespace_name = binding.metadata.namespace_name;
      }
      graph.subjects.Add(SubjectLabel(subject));
      graph.subject_edges.insert({SubjectLabel(subject), binding_label});
    }
    const std::string role_namespace =
        binding.role_kind == "Role" ? binding.metadata.namespace_name : "";
    ObjectMeta role_meta;
    role_meta.name = binding.role_name;
    role_meta.namespace_name = role_namespace;
    const std::string role_label = ObjectLabel(binding.role_kind, role_meta);
    graph.roles.Add(role_label);
    graph.binding_edges.insert({binding_label, role_label});
  }
  for (const auto& [key, role] : role_by_key) {
    const std::string role_label =
        ObjectLabel(std::get<0>(key), role->metadata);
    graph.roles.Add(role_label);
    for (auto& [target, texts] : VerbsByTarget(*role, graph.resources)) {
      graph.resource_edges[{role_label, target}] = texts;
    }
    for (const CompiledRule& compiled : role->rules) {
      if (!OnlyAggregated(compiled)) continue;
      for (const RuleSource& source : compiled.sources) {
        graph.roles.Add(source.aggregated_from);
        graph.aggregation_edges.insert({role_label, source.aggregated_from});
      }
    }
  }
  graph.subjects.Number();
  graph.bindings.Number();
  graph.roles.Number();
  graph.resources.Number();
  return graph;
}

}  // namespace

std::string RenderGraph(const RbacObjects& objects, GraphFormat format) {
  const Graph graph = BuildGraph(objects);
  const NodeSet& subjects = graph.subjects;
  const NodeSet& bindings = graph.bindings;
  const NodeSet& roles = graph.roles;
  const NodeSet& resources = graph.resources;

  const bool mermaid = format == GraphFormat::kMermaid;
  std::string out =
      mermaid ? "flowchart LR\n" : "digraph rbac {\n  rankdir=LR;\n";
  const auto node = [&](const NodeSet& set, const char* shape) {
    for (const std::string& label : set.labels()) {
      if (mermaid) {
        absl::StrAppend(&out, "  ", set.Id(label), "[\"", MermaidText(label),
                        "\"]\n");
      } else {
        absl::StrAppend(&out, "  ", set.Id(label), " [shape=", shape,
                        ", label=\"", DotText(label), "\"];\n");
      }
    }
  };
  node(subjects, "ellipse");
  node(bindings, "box");
  node(roles, "box");
  node(resources, "note");
  const auto edge = [&](const std::string& from, const std::string& to,
                        const std::string& label) {
    if (mermaid) {
      absl::StrAppend(
          &out, "  ", from, " -->",
          label.empty() ? "" : absl::StrCat("|\"", MermaidText(label), "\"|"),
          " ", to, "\n");
    } else {
      absl::StrAppend(&out, "  ", from, " -> ", to,
                      label.empty()
                          ? ""
                          : absl::StrCat(" [label=\"", DotText(label), "\"]"),
                      ";\n");
    }
  };
  for (const auto& [from, to] : graph.subject_edges) {
    edge(subjects.Id(from), bindings.Id(to), "");
  }
  for (const auto& [from, to] : graph.binding_edges) {
    edge(bindings.Id(from), roles.Id(to), "");
  }
  for (const auto& [from, to] : graph.aggregation_edges) {
    edge(roles.Id(from), roles.Id(to), "aggregates");
  }
  for (const auto& [ends, texts] : graph.resource_edges) {
    edge(roles.Id(ends.first), resources.Id(ends.second),
         absl::StrJoin(texts, "; "));
  }
  if (!mermaid) out += "}\n";
  return out;
}

}  // namespace rbacc
