#include "compiler/common/policy_rule.h"

#include <algorithm>
#include <array>
#include <string>
#include <vector>

namespace rbacc {
namespace {

// Kubernetes' verbs in the order kubectl and the docs list them.
constexpr std::array<const char*, 8> kVerbOrder = {
    "get",    "list",  "watch",  "create",
    "update", "patch", "delete", "deletecollection"};

// Rank of a verb: its index in kVerbOrder, or kVerbOrder.size() for any other
// verb.
size_t VerbRank(const std::string& verb) {
  for (size_t i = 0; i < kVerbOrder.size(); ++i) {
    if (verb == kVerbOrder[i]) return i;
  }
  return kVerbOrder.size();
}

}  // namespace

bool VerbLess(const std::string& a, const std::string& b) {
  const size_t rank_a = VerbRank(a);
  const size_t rank_b = VerbRank(b);
  if (rank_a != rank_b) return rank_a < rank_b;
  return a < b;
}

void SortVerbs(std::vector<std::string>& verbs) {
  std::sort(verbs.begin(), verbs.end(), VerbLess);
}

}  // namespace rbacc
