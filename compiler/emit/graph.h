// The picture of a policy: subjects -> bindings -> roles -> resources, as a
// Mermaid flowchart (GitHub renders it in Markdown) or a Graphviz dot graph.
#ifndef RBACC_COMPILER_EMIT_GRAPH_H_
#define RBACC_COMPILER_EMIT_GRAPH_H_

#include <string>

#include "compiler/common/rbac_objects.h"

namespace rbacc {

// How RenderGraph writes the graph.
enum class GraphFormat {
  // A Mermaid flowchart, without the ```mermaid fence.
  kMermaid,
  // A Graphviz digraph.
  kDot,
};

// Returns the graph of `objects`: one node per subject, binding, role and
// resource (API group and resource, or URL), with edges subject -> binding ->
// role, and role -> resource labelled with the verbs (and resource names) the
// role grants on it. An aggregated ClusterRole (aggregation resolved, see
// common/aggregation.h) gets an edge labelled "aggregates" to each ClusterRole
// it aggregates, whose resource edges stand for the rules it took from it.
// Node ids are deterministic (s1, b1, r1, p1, ... in sorted
// order) and every label is quoted and escaped, so any object names are safe.
// Ends with a newline. Never fails; a binding to a missing role points to a
// node for the name it refers to.
std::string RenderGraph(const RbacObjects& objects, GraphFormat format);

}  // namespace rbacc

#endif  // RBACC_COMPILER_EMIT_GRAPH_H_
