#include "compiler/review/diff.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "compiler/catalog/catalog.h"
#include "compiler/common/coverage.h"
#include "compiler/common/json.h"
#include "compiler/common/policy_rule.h"
#include "compiler/common/rbac_objects.h"
#include "compiler/review/grants.h"

namespace rbacc {
namespace {

// Grants of one side indexed by subject and namespace ("" = everywhere).
class GrantIndex {
 public:
  explicit GrantIndex(const std::vector<Grant>& grants) {
    for (const Grant& grant : grants) {
      index_[grant.subject][grant.namespace_name].Add(&grant.permission);
    }
  }

  // True when a grant of this side, held cluster-wide or in the grant's
  // namespace, grants everything `grant` does. `allow_equal` says whether an
  // equal permission in the same scope counts.
  bool Covers(const Grant& grant, bool allow_equal) const {
    const auto subject = index_.find(grant.subject);
    if (subject == index_.end()) return false;
    const auto everywhere = subject->second.find("");
    if (everywhere != subject->second.end() &&
        everywhere->second.FindCoverer(
            grant.permission, allow_equal || !grant.namespace_name.empty()) !=
            nullptr) {
      return true;
    }
    if (grant.namespace_name.empty()) return false;
    const auto scoped = subject->second.find(grant.namespace_name);
    return scoped != subject->second.end() &&
           scoped->second.FindCoverer(grant.permission, allow_equal) != nullptr;
  }

 private:
  std::map<Subject, std::map<std::string, PermissionIndex>> index_;
};

// Grants of `side` that `other` does not cover, each once at its widest.
std::vector<Grant> Uncovered(const std::vector<Grant>& side,
                             const GrantIndex& other) {
  std::vector<Grant> uncovered;
  for (const Grant& grant : side) {
    if (other.Covers(grant, /*allow_equal=*/true)) continue;
    if (!uncovered.empty() && uncovered.back().subject == grant.subject &&
        uncovered.back().namespace_name == grant.namespace_name &&
        uncovered.back().permission == grant.permission) {
      continue;
    }
    uncovered.push_back(grant);
  }
  const GrantIndex among(uncovered);
  std::vector<Grant> widest;
  for (const Grant& grant : uncovered) {
    if (!among.Covers(grant, /*allow_equal=*/false)) widest.push_back(grant);
  }
  return widest;
}

// Kubernetes' built-in catalogue, or nullptr (it always parses:
// catalog_test proves it; without it wildcards are shown bare).
const ResourceCatalog* Catalogue() {
  static const auto* const kCatalogue = [] {
    absl::StatusOr<ResourceCatalog> catalogue = ResourceCatalog::Builtin();
    return catalogue.ok() ? new ResourceCatalog(*std::move(catalogue))
                          : nullptr;
  }();
  return kCatalogue;
}

// The verbs "*" stands for on `permission`'s resource: the catalogue's verbs
// of that resource (or subresource) when it knows it, else every verb RBAC
// knows; in Kubernetes' verb order.
std::vector<std::string> VerbsCovered(const Permission& permission) {
  const ResourceCatalog* catalogue = Catalogue();
  if (catalogue == nullptr) return {};
  std::vector<std::string> verbs = catalogue->verbs();
  const std::string& target = permission.target;
  const size_t slash = target.find('/');
  const v1::ApiResource* resource =
      permission.is_url || permission.group == "*"
          ? nullptr
          : catalogue->Find(permission.group, target.substr(0, slash));
  if (resource != nullptr) {
    const v1::ApiSubresource* subresource =
        slash == std::string::npos
            ? nullptr
            : FindSubresource(*resource, target.substr(slash + 1));
    if (slash == std::string::npos) {
      verbs.assign(resource->verbs().begin(), resource->verbs().end());
    } else if (subresource != nullptr) {
      verbs.assign(subresource->verbs().begin(), subresource->verbs().end());
    }
  }
  SortVerbs(verbs);
  return verbs;
}

// The verb as a diff shows it: "*" with what it covers, and for a removed
// wildcard what remains.
std::string VerbText(const Permission& permission,
                     const std::vector<std::string>& remaining) {
  if (permission.verb != "*") return permission.verb;
  const size_t covered = VerbsCovered(permission).size();
  std::string text =
      covered == 0 ? "*" : absl::StrCat("* (all ", covered, " verbs)");
  if (!remaining.empty()) {
    absl::StrAppend(&text, " → ", absl::StrJoin(remaining, ", "), " remain");
  }
  return text;
}

// The resource as a diff shows it: "*" with how many resources it covers.
std::string TargetText(const Permission& permission) {
  const ResourceCatalog* catalogue = Catalogue();
  if (permission.is_url || permission.target != "*" || catalogue == nullptr) {
    return permission.target;
  }
  if (permission.group == "*") return "* (every resource of every group)";
  return absl::StrCat(
      "* (all ", catalogue->ResourceNames(permission.group).size(),
      " resources of ", permission.group.empty() ? "core" : permission.group,
      ")");
}

// The group as a diff shows it: "*" with how many groups it covers.
std::string GroupName(const Permission& permission) {
  const ResourceCatalog* catalogue = Catalogue();
  if (permission.group != "*" || catalogue == nullptr) {
    return permission.group.empty() ? "core" : permission.group;
  }
  return absl::StrCat("* (all ", catalogue->GroupNames().size(),
                      " groups and any custom group)");
}

// A permission as a line of the text diff: "* (all 8 verbs) → get remain
// pods", "get apps/deployments name=web".
std::string DiffPermissionText(const Permission& permission,
                               const std::vector<std::string>& remaining) {
  std::string text = absl::StrCat(VerbText(permission, remaining), " ");
  if (!permission.is_url && !permission.group.empty()) {
    absl::StrAppend(&text, GroupName(permission), "/");
  }
  absl::StrAppend(&text, TargetText(permission));
  if (!permission.names.empty()) {
    absl::StrAppend(&text, " name=", absl::StrJoin(permission.names, ","));
  }
  return text;
}

// For each grant of `removed`: when its verb is "*", the covered verbs that
// `after` still grants the subject in the grant's scope.
std::vector<std::vector<std::string>> RemainingVerbs(
    const std::vector<Grant>& removed, const GrantIndex& after) {
  std::vector<std::vector<std::string>> remaining(removed.size());
  for (size_t i = 0; i < removed.size(); ++i) {
    if (removed[i].permission.verb != "*") continue;
    Grant narrowed = removed[i];
    for (const std::string& verb : VerbsCovered(removed[i].permission)) {
      narrowed.permission.verb = verb;
      if (after.Covers(narrowed, /*allow_equal=*/true)) {
        remaining[i].push_back(verb);
      }
    }
  }
  return remaining;
}

std::string RoleText(const Grant& grant) {
  return absl::StrCat(grant.role.ToString(), " via ", grant.binding.ToString());
}

// A markdown table cell: pipes escaped, newlines as spaces.
std::string Cell(const std::string& text) {
  return absl::StrReplaceAll(text, {{"|", "\\|"}, {"\n", " "}});
}

std::string GroupText(const Permission& permission) {
  if (permission.is_url) return "(URL)";
  return GroupName(permission);
}

// The verbs that remain of `grant`, an element of `grants`, when `grants` is
// the diff's removed list (see PolicyDiff::removed_remaining), else none.
std::vector<std::string> Remaining(const PolicyDiff& diff,
                                   const std::vector<Grant>* grants,
                                   const Grant& grant) {
  if (grants != &diff.removed) return {};
  const size_t index = &grant - grants->data();
  return index < diff.removed_remaining.size() ? diff.removed_remaining[index]
                                               : std::vector<std::string>{};
}

// The subjects of added and removed grants, sorted.
std::vector<Subject> ChangedSubjects(const PolicyDiff& diff) {
  std::set<Subject> subjects;
  for (const Grant& grant : diff.added) subjects.insert(grant.subject);
  for (const Grant& grant : diff.removed) subjects.insert(grant.subject);
  return {subjects.begin(), subjects.end()};
}

std::string Plural(size_t count, const std::string& noun) {
  return absl::StrCat(count, " ", noun, count == 1 ? "" : "s");
}

std::string Summary(const PolicyDiff& diff) {
  const size_t added_objects =
      std::count_if(diff.objects.begin(), diff.objects.end(),
                    [](const ObjectChange& change) { return change.added; });
  return absl::StrCat(Plural(diff.added.size(), "permission"), " added, ",
                      diff.removed.size(), " removed for ",
                      Plural(ChangedSubjects(diff).size(), "subject"), "; ",
                      Plural(added_objects, "object"), " added, ",
                      diff.objects.size() - added_objects, " removed");
}

std::string RenderText(const PolicyDiff& diff, const std::string& before,
                       const std::string& after) {
  std::string out = absl::StrCat("diff ", before, " -> ", after, ": ");
  if (diff.empty()) return absl::StrCat(out, "no changes\n");
  absl::StrAppend(&out, Summary(diff), "\n");
  for (const Subject& subject : ChangedSubjects(diff)) {
    absl::StrAppend(&out, "\n", SubjectText(subject), "\n");
    for (const auto& [sign, grants] :
         {std::pair<const char*, const std::vector<Grant>*>{"+", &diff.added},
          {"-", &diff.removed}}) {
      for (const Grant& grant : *grants) {
        if (!(grant.subject == subject)) continue;
        absl::StrAppend(&out, "  ", sign, " ",
                        DiffPermissionText(grant.permission,
                                           Remaining(diff, grants, grant)),
                        " ", ScopeText(grant.namespace_name), "  [",
                        RoleText(grant), "]");
        const std::string why =
            SourcesText(grant.rule, grant.permission.target);
        if (!why.empty()) absl::StrAppend(&out, " ", why);
        absl::StrAppend(&out, "\n");
      }
    }
  }
  if (!diff.objects.empty()) {
    absl::StrAppend(&out, "\nObjects\n");
    for (const ObjectChange& change : diff.objects) {
      absl::StrAppend(&out, "  ", change.added ? "+" : "-", " ",
                      change.object.ToString(), "\n");
    }
  }
  return out;
}

std::string RenderMarkdown(const PolicyDiff& diff, const std::string& before,
                           const std::string& after) {
  std::string out =
      absl::StrCat("**rbacc diff** `", before, "` → `", after, "`: ");
  if (diff.empty()) return absl::StrCat(out, "no permission changes.\n");
  absl::StrAppend(&out, Summary(diff), ".\n");
  for (const Subject& subject : ChangedSubjects(diff)) {
    absl::StrAppend(&out, "\n### ", SubjectText(subject), "\n\n",
                    "| | Scope | API group | Resource | Verb | Name | Role | "
                    "Feature and reason |\n",
                    "| --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (const auto& [sign, grants] :
         {std::pair<const char*, const std::vector<Grant>*>{"added",
                                                            &diff.added},
          {"removed", &diff.removed}}) {
      for (const Grant& grant : *grants) {
        if (!(grant.subject == subject)) continue;
        const Permission& permission = grant.permission;
        absl::StrAppend(
            &out, "| ", sign, " | ", Cell(ScopeText(grant.namespace_name)),
            " | ", Cell(GroupText(permission)), " | `",
            Cell(TargetText(permission)), "` | `",
            Cell(VerbText(permission, Remaining(diff, grants, grant))), "` | ",
            permission.names.empty()
                ? "all"
                : absl::StrCat("`", Cell(permission.names.front()), "`"),
            " | ", Cell(RoleText(grant)), " | ",
            Cell(SourcesText(grant.rule, permission.target)), " |\n");
      }
    }
  }
  if (!diff.objects.empty()) {
    absl::StrAppend(&out, "\n### Objects\n\n| | Object |\n| --- | --- |\n");
    for (const ObjectChange& change : diff.objects) {
      absl::StrAppend(&out, "| ", change.added ? "added" : "removed", " | ",
                      Cell(change.object.ToString()), " |\n");
    }
  }
  return out;
}

// Writes one grant as an inline object; `remaining` (the verbs a removed
// grant keeps through other grants) only when not empty.
void WriteJsonGrant(const Grant& grant,
                    const std::vector<std::string>& remaining,
                    JsonWriter& json) {
  const Permission& permission = grant.permission;
  json.BeginObject().Key("subject").String(SubjectText(grant.subject));
  json.Key("namespace").String(grant.namespace_name);
  if (permission.is_url) {
    json.Key("nonResourceURL").String(permission.target);
  } else {
    json.Key("apiGroup").String(permission.group);
    json.Key("resource").String(permission.target);
  }
  json.Key("verb").String(permission.verb);
  json.Key("resourceName")
      .String(permission.names.empty() ? "" : permission.names.front());
  json.Key("role").String(grant.role.ToString());
  json.Key("binding").String(grant.binding.ToString());
  json.Key("sources").BeginArray();
  for (const RuleSource& source : grant.rule.sources) {
    json.BeginObject().Key("feature").String(source.feature);
    json.Key("reason").String(source.reason);
    json.Key("location").String(source.location.ToString());
    json.EndObject();
  }
  json.EndArray();
  if (!remaining.empty()) {
    json.Key("remaining").BeginArray();
    for (const std::string& verb : remaining) json.String(verb);
    json.EndArray();
  }
  json.EndObject();
}

std::string RenderJson(const PolicyDiff& diff, const std::string& before,
                       const std::string& after) {
  JsonWriter json;
  json.BeginObject(JsonLayout::kLines);
  json.Key("before").String(before);
  json.Key("after").String(after);
  json.Key("added").BeginArray(JsonLayout::kLines);
  for (const Grant& grant : diff.added) WriteJsonGrant(grant, {}, json);
  json.EndArray();
  json.Key("removed").BeginArray(JsonLayout::kLines);
  for (const Grant& grant : diff.removed) {
    WriteJsonGrant(grant, Remaining(diff, &diff.removed, grant), json);
  }
  json.EndArray();
  json.Key("objects").BeginArray(JsonLayout::kLines);
  for (const ObjectChange& change : diff.objects) {
    json.BeginObject().Key("change").String(change.added ? "added" : "removed");
    json.Key("kind").String(change.object.kind);
    json.Key("namespace").String(change.object.namespace_name);
    json.Key("name").String(change.object.name);
    json.EndObject();
  }
  json.EndArray().EndObject();
  return absl::StrCat(json.text(), "\n");
}

}  // namespace

PolicyDiff DiffPolicies(const RbacObjects& before, const RbacObjects& after) {
  const std::vector<Grant> before_grants = ExpandGrants(before);
  const std::vector<Grant> after_grants = ExpandGrants(after);
  PolicyDiff diff;
  const GrantIndex after_index(after_grants);
  diff.added = Uncovered(after_grants, GrantIndex(before_grants));
  diff.removed = Uncovered(before_grants, after_index);
  diff.removed_remaining = RemainingVerbs(diff.removed, after_index);

  const std::vector<ObjectRef> before_objects = ObjectRefs(before);
  const std::vector<ObjectRef> after_objects = ObjectRefs(after);
  std::vector<ObjectRef> only;
  std::set_difference(after_objects.begin(), after_objects.end(),
                      before_objects.begin(), before_objects.end(),
                      std::back_inserter(only));
  for (const ObjectRef& ref : only) diff.objects.push_back({true, ref});
  only.clear();
  std::set_difference(before_objects.begin(), before_objects.end(),
                      after_objects.begin(), after_objects.end(),
                      std::back_inserter(only));
  for (const ObjectRef& ref : only) diff.objects.push_back({false, ref});
  std::sort(diff.objects.begin(), diff.objects.end(),
            [](const ObjectChange& a, const ObjectChange& b) {
              return std::tie(a.object, a.added) < std::tie(b.object, b.added);
            });
  return diff;
}

std::string RenderDiff(const PolicyDiff& diff, DiffFormat format,
                       const std::string& before_label,
                       const std::string& after_label) {
  switch (format) {
    case DiffFormat::kMarkdown:
      return RenderMarkdown(diff, before_label, after_label);
    case DiffFormat::kJson:
      return RenderJson(diff, before_label, after_label);
    case DiffFormat::kText:
      break;
  }
  return RenderText(diff, before_label, after_label);
}

}  // namespace rbacc
