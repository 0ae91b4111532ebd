// Semantic permission diff between two sets of RBAC objects: which single
// permissions each subject gains and loses, by Kubernetes' matching (a "*"
// verb covers "get"; a ClusterRoleBinding's grant covers the same grant in
// any namespace), and which objects appear or disappear. Rule order, rule
// splitting, comments and object order never show.
//
//   PolicyDiff diff = DiffPolicies(before.objects, after.objects);
//   std::cout << RenderDiff(diff, DiffFormat::kMarkdown, "minimal", "full");
#ifndef RBACC_COMPILER_REVIEW_DIFF_H_
#define RBACC_COMPILER_REVIEW_DIFF_H_

#include <string>
#include <vector>

#include "compiler/common/rbac_objects.h"
#include "compiler/review/grants.h"

namespace rbacc {

// An object present on one side only.
struct ObjectChange {
  // True when only the second side has it.
  bool added = false;
  ObjectRef object;
};

// What changed from one set of objects to another.
struct PolicyDiff {
  // Grants of the second side that nothing of the first side grants, sorted
  // by (subject, namespace, permission); a grant another added grant covers is
  // left out, so each change shows once, at its widest.
  std::vector<Grant> added;
  // Grants of the first side that nothing of the second side grants, likewise.
  std::vector<Grant> removed;
  // Objects added and removed, sorted by object.
  std::vector<ObjectChange> objects;
  // For each grant of `removed` (same index) whose verb is "*": the verbs of
  // its resource in Kubernetes' catalogue that the second side still grants
  // the subject in that scope, in Kubernetes' verb order, so that narrowing a
  // wildcard shows what remains; empty for other grants.
  std::vector<std::vector<std::string>> removed_remaining;

  // True when nothing changed.
  bool empty() const {
    return added.empty() && removed.empty() && objects.empty();
  }
};

// Returns what `after` grants that `before` does not and the reverse, per
// subject, and the objects only one side has.
PolicyDiff DiffPolicies(const RbacObjects& before, const RbacObjects& after);

// How RenderDiff writes a diff.
enum class DiffFormat {
  // Lines for a terminal: "+ get pods in namespace default ...".
  kText,
  // A pull-request comment: a summary line, then one table per subject and
  // one for objects.
  kMarkdown,
  // One JSON object: {"before", "after", "added", "removed", "objects"}.
  kJson,
};

// Returns `diff` in `format`, naming the sides `before_label` and
// `after_label`. Every format ends with a newline. In text and Markdown a
// "*" verb, resource or group is shown with what it covers in Kubernetes'
// catalogue ("* (all 8 verbs)", "* (all 12 resources of apps)"), and a
// removed wildcard verb with what still remains ("→ get, list remain"); JSON
// keeps "*" and lists the remaining verbs as "remaining".
std::string RenderDiff(const PolicyDiff& diff, DiffFormat format,
                       const std::string& before_label,
                       const std::string& after_label);

}  // namespace rbacc

#endif  // RBACC_COMPILER_REVIEW_DIFF_H_
