#include "compiler/common/coverage.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace rbacc {
namespace {

constexpr char kAll[] = "*";

}  // namespace

std::vector<Permission> SplitIntoPermissions(const PolicyRule& rule) {
  std::vector<std::string> names = rule.resource_names;
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::vector<Permission> split;
  for (const std::string& verb : rule.verbs) {
    for (const std::string& url : rule.non_resource_urls) {
      split.push_back(Permission{true, "", url, verb, {}});
    }
    for (const std::string& group : rule.api_groups) {
      for (const std::string& resource : rule.resources) {
        split.push_back(Permission{false, group, resource, verb, names});
      }
    }
  }
  return split;
}

std::string CoverageKey(absl::string_view target, bool is_url) {
  if (!is_url || !absl::EndsWith(target, kAll)) return std::string(target);
  const size_t last = target.find_last_not_of('*');
  return absl::StrCat(
      target.substr(0, last == absl::string_view::npos ? 0 : last + 1), kAll);
}

std::vector<std::string> CoveringTargetKeys(absl::string_view target,
                                            bool is_url) {
  std::vector<std::string> keys = {CoverageKey(target, is_url), kAll};
  if (is_url) {
    // A pattern grants the paths its trimmed form prefixes: so do the
    // patterns of that form's prefixes.
    const absl::string_view base =
        absl::EndsWith(target, kAll)
            ? target.substr(0, target.find_last_not_of('*') + 1)
            : target;
    for (size_t length = 0; length <= base.size(); ++length) {
      keys.push_back(absl::StrCat(base.substr(0, length), kAll));
    }
  } else if (const size_t slash = target.find('/');
             slash != absl::string_view::npos) {
    keys.push_back(absl::StrCat("*/", target.substr(slash + 1)));
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

std::vector<absl::string_view> CoveringValues(absl::string_view value) {
  if (value == kAll) return {kAll};
  return {value, kAll};
}

bool NamesCover(const std::vector<std::string>& coverer,
                const std::vector<std::string>& covered) {
  return coverer.empty() ||
         (!covered.empty() && std::includes(coverer.begin(), coverer.end(),
                                            covered.begin(), covered.end()));
}

void PermissionIndex::Add(const Permission* permission) {
  index_[{permission->is_url, permission->group,
          CoverageKey(permission->target, permission->is_url),
          permission->verb}]
      .push_back(permission);
}

const Permission* PermissionIndex::FindCoverer(const Permission& permission,
                                               bool allow_equal) const {
  // A URL has no group: only its own ("") matches.
  const std::vector<absl::string_view> groups =
      permission.is_url ? std::vector<absl::string_view>{permission.group}
                        : CoveringValues(permission.group);
  const std::vector<std::string> targets =
      CoveringTargetKeys(permission.target, permission.is_url);
  const Permission* best = nullptr;
  for (const absl::string_view group : groups) {
    for (const std::string& target : targets) {
      for (const absl::string_view verb : CoveringValues(permission.verb)) {
        const auto found = index_.find(
            {permission.is_url, std::string(group), target, std::string(verb)});
        if (found == index_.end()) continue;
        for (const Permission* candidate : found->second) {
          if (!allow_equal && *candidate == permission) continue;
          if (!NamesCover(candidate->names, permission.names)) continue;
          if (best == nullptr || *candidate < *best) best = candidate;
        }
      }
    }
  }
  return best;
}

}  // namespace rbacc
