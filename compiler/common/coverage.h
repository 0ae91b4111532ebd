// Coverage: does one permission grant every request another grants? The one
// definition, by Kubernetes' matching as the authorizer implements it
// (authorizer.h, after evaluation_helpers.go): a rule's "*" group or verb
// matches every group or verb; its resource "*" matches every resource and
// subresource, "*/<sub>" every resource's <sub>; its names match when it has
// none or they include the request's (a request naming no object matches only
// a rule without names); its URL "*" matches every path, and a URL ending in
// "*" every path it prefixes once all its trailing stars are trimmed.
//
// Every index that answers coverage is built on the primitives here:
// PermissionIndex (below; review's diff), and the compaction's AtomIndex
// (merge/compact.cc; compaction, lint and the Helm plan through RuleCoverage).
// merge/coverage_property_test.cc checks both against RuleAllows.
#ifndef RBACC_COMPILER_COMMON_COVERAGE_H_
#define RBACC_COMPILER_COMMON_COVERAGE_H_

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/string_view.h"
#include "compiler/common/policy_rule.h"

namespace rbacc {

// One permission: a single API group, resource (or non-resource URL), verb,
// and a sorted, repeat-free set of resource names (empty: every name).
struct Permission {
  // True for a non-resource URL (then `group` is empty).
  bool is_url = false;
  // The API group; "" for the core group, "*" for every group.
  std::string group;
  // The resource ("pods", "pods/exec", "*", "*/scale"), or the URL when
  // is_url.
  std::string target;
  // The verb, or "*".
  std::string verb;
  // The resource names, sorted, without repeats; empty: every name.
  std::vector<std::string> names;

  auto Tie() const { return std::tie(is_url, group, target, verb, names); }
  friend bool operator<(const Permission& a, const Permission& b) {
    return a.Tie() < b.Tie();
  }
  friend bool operator==(const Permission& a, const Permission& b) {
    return a.Tie() == b.Tie();
  }
};

// Returns the single permissions of `rule`: one per verb and group and
// resource, and one per verb and URL, each with the rule's names (sorted,
// without repeats).
std::vector<Permission> SplitIntoPermissions(const PolicyRule& rule);

// The key under which an index files a permission's target: for a URL ending
// in "*", the URL with its trailing stars made one ("/a**" -> "/a*"), since
// Kubernetes trims them all and both match the same paths; the target itself
// otherwise.
std::string CoverageKey(absl::string_view target, bool is_url);

// The keys (CoverageKey) of the targets that grant everything `target` grants,
// once each: itself, "*", "*/<sub>" for a resource with a subresource, and for
// a URL path or pattern, "<prefix>*" for every prefix of it (a pattern's
// without its trailing stars).
std::vector<std::string> CoveringTargetKeys(absl::string_view target,
                                            bool is_url);

// The values of a rule's groups or verbs that match `value`: `value` itself
// and "*" (once when `value` is "*").
std::vector<absl::string_view> CoveringValues(absl::string_view value);

// True when a permission with the names `coverer` grants every request one with
// the names `covered` grants (both sorted; empty: every name): `coverer` is
// empty, or `covered` is not empty and a subset of it.
bool NamesCover(const std::vector<std::string>& coverer,
                const std::vector<std::string>& covered);

// Permissions indexed for finding one that grants everything another grants
// (see the file comment).
class PermissionIndex {
 public:
  // Adds `permission`, which must outlive the index.
  void Add(const Permission* permission);

  // Returns an added permission that grants every request `permission` grants
  // (the smallest such in Permission order), or nullptr when none does. An
  // added permission equal to `permission` counts only when `allow_equal`.
  const Permission* FindCoverer(const Permission& permission,
                                bool allow_equal = false) const;

 private:
  // (is_url, group, CoverageKey of the target, verb) -> the permissions.
  std::map<std::tuple<bool, std::string, std::string, std::string>,
           std::vector<const Permission*>>
      index_;
};

}  // namespace rbacc

#endif  // RBACC_COMPILER_COMMON_COVERAGE_H_
