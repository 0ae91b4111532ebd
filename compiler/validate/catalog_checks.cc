#include "compiler/validate/catalog_checks.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "compiler/common/names.h"

namespace rbacc {
namespace {

constexpr char kAll[] = "*";

// "the core group (\"\")" or "group \"apps\"".
std::string GroupText(const std::string& group) {
  return group.empty() ? "the core group (\"\")"
                       : absl::StrCat("group \"", group, "\"");
}

// A list of groups for a message: "\"apps\"", or "\"\" and \"events.k8s.io\"".
std::string QuotedList(const std::vector<std::string>& values) {
  std::vector<std::string> quoted;
  for (const std::string& value : values)
    quoted.push_back(absl::StrCat("\"", value, "\""));
  return absl::StrJoin(quoted, " and ");
}

bool Contains(const google::protobuf::RepeatedPtrField<std::string>& values,
              const std::string& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

// Every resource name of the catalogue, for suggestions across groups.
std::vector<std::string> AllResourceNames(const ResourceCatalog& catalog) {
  std::set<std::string> names;
  for (const std::string& group : catalog.GroupNames()) {
    for (const std::string& name : catalog.ResourceNames(group))
      names.insert(name);
  }
  return std::vector<std::string>(names.begin(), names.end());
}

// The page's defect: `apiGroups: ["*"] resources: ["apps"] verbs:
// ["daemonsets"]`. Returns true (after one error) when a verb is a resource
// name and a resource is an API group name.
bool ReportSwappedFields(const v1::Rule& rule, const ResourceCatalog& catalog,
                         const SourceFile& source, const std::string& path,
                         IssueList* issues) {
  std::string verb_as_resource;
  for (const std::string& verb : rule.verbs()) {
    if (!catalog.IsKnownVerb(verb) && verb != kAll &&
        !catalog.GroupsWith(verb).empty()) {
      verb_as_resource = verb;
    }
  }
  // Most rules have only known verbs: their resources need no look-up.
  if (verb_as_resource.empty()) return false;
  std::string resource_as_group;
  for (const std::string& resource : rule.resources()) {
    if (!resource.empty() && catalog.HasGroup(resource) &&
        catalog.GroupsWith(resource).empty()) {
      resource_as_group = resource;
    }
  }
  if (resource_as_group.empty()) return false;
  const std::vector<std::string> groups = catalog.GroupsWith(verb_as_resource);
  const bool group_matches = std::find(groups.begin(), groups.end(),
                                       resource_as_group) != groups.end();
  issues->AddError(
      source.Locate(path),
      absl::StrCat(
          "fields look swapped: \"", resource_as_group,
          "\" in resources is an API group and \"", verb_as_resource,
          "\" in verbs is a resource", group_matches ? " of that group" : "",
          "; write api_groups: \"", resource_as_group, "\", resources: \"",
          verb_as_resource, "\" and the verbs in verbs (e.g. verbs: \"get\")"));
  return true;
}

void CheckVerbs(const v1::Rule& rule, const ResourceCatalog& catalog,
                const SourceFile& source, const std::string& path,
                IssueList* issues) {
  for (int i = 0; i < rule.verbs_size(); ++i) {
    const std::string& verb = rule.verbs(i);
    if (verb.empty() || verb == kAll || catalog.IsKnownVerb(verb) ||
        Contains(rule.custom_verbs(), verb)) {
      continue;
    }
    std::vector<std::string> known = catalog.verbs();
    known.push_back(kAll);
    issues->AddError(
        source.Locate(absl::StrCat(path, ".verbs[", i, "]")),
        absl::StrCat("unknown verb \"", verb, "\"", DidYouMean(verb, known),
                     "; if the application defines it, declare it in "
                     "custom_verbs"));
  }
  for (int i = 0; i < rule.custom_verbs_size(); ++i) {
    const std::string& verb = rule.custom_verbs(i);
    const auto location = [&] {
      return source.Locate(absl::StrCat(path, ".custom_verbs[", i, "]"));
    };
    if (!Contains(rule.verbs(), verb)) {
      issues->AddError(location(),
                       absl::StrCat("custom verb \"", verb,
                                    "\" is not in the rule's verbs; add it "
                                    "there or remove it"));
    } else if (catalog.IsKnownVerb(verb)) {
      issues->AddError(location(),
                       absl::StrCat("\"", verb,
                                    "\" is a Kubernetes verb, not a custom "
                                    "one; remove it from custom_verbs"));
    }
  }
}

// Checks one (group, resource) pair; an issue is at `location()`. Returns false
// when it reported an error.
bool CheckPair(const std::string& group, const std::string& resource,
               bool cluster_scope, const ResourceCatalog& catalog,
               absl::FunctionRef<SourceLocation()> location,
               IssueList* issues) {
  if (resource == kAll || resource.empty()) return true;
  const size_t slash = resource.find('/');
  const absl::string_view base = absl::string_view(resource).substr(0, slash);
  const absl::string_view sub =
      slash == std::string::npos
          ? ""
          : absl::string_view(resource).substr(slash + 1);
  if (base == kAll) {
    const std::vector<std::string> groups =
        group == kAll ? catalog.GroupNames() : std::vector<std::string>{group};
    const bool exists =
        std::any_of(groups.begin(), groups.end(), [&](const std::string& g) {
          return catalog.GroupHasSubresource(g, sub);
        });
    if (!exists) {
      issues->AddError(
          location(),
          absl::StrCat("no resource of ",
                       group == kAll ? "any group" : GroupText(group),
                       " has a subresource \"", sub, "\", so \"", resource,
                       "\" grants nothing"));
      return false;
    }
    return true;
  }
  std::vector<const v1::ApiResource*> matches;
  if (group == kAll) {
    for (const std::string& g : catalog.GroupsWith(base)) {
      matches.push_back(catalog.Find(g, base));
    }
    if (matches.empty()) {
      issues->AddError(
          location(), absl::StrCat("no API group has a resource \"", base, "\"",
                                   DidYouMean(base, AllResourceNames(catalog)),
                                   "; if a CRD provides it, declare it in "
                                   "bundle.textproto's custom_resources"));
      return false;
    }
  } else {
    const v1::ApiResource* found = catalog.Find(group, base);
    if (found == nullptr) {
      const std::vector<std::string> elsewhere = catalog.GroupsWith(base);
      if (!elsewhere.empty()) {
        issues->AddError(
            location(),
            absl::StrCat("\"", base, "\" is in group ", QuotedList(elsewhere),
                         ", not \"", group, "\"; set api_groups to ",
                         QuotedList(elsewhere)));
      } else {
        issues->AddError(
            location(),
            absl::StrCat("unknown resource \"", base, "\" in ",
                         GroupText(group),
                         DidYouMean(base, catalog.ResourceNames(group)),
                         "; if a CRD provides it, declare it in "
                         "bundle.textproto's custom_resources"));
      }
      return false;
    }
    matches.push_back(found);
  }
  if (!sub.empty()) {
    const bool has_sub = std::any_of(
        matches.begin(), matches.end(), [&](const v1::ApiResource* candidate) {
          return FindSubresource(*candidate, sub) != nullptr;
        });
    if (!has_sub) {
      std::vector<std::string> names;
      for (const v1::ApiSubresource& s : matches.front()->subresources()) {
        names.push_back(s.name());
      }
      issues->AddError(location(),
                       absl::StrCat("\"", base, "\" has no subresource \"", sub,
                                    "\"", DidYouMean(sub, names),
                                    names.empty() ? "" : "; it has: ",
                                    absl::StrJoin(names, ", ")));
      return false;
    }
  }
  // A Role granting a cluster-scoped resource grants nothing; "namespaces" is
  // the exception: a request for a namespace object carries that namespace.
  const bool any_namespaced = std::any_of(
      matches.begin(), matches.end(),
      [](const v1::ApiResource* candidate) { return candidate->namespaced(); });
  if (!cluster_scope && !any_namespaced && base != "namespaces") {
    issues->AddError(
        location(),
        absl::StrCat("\"", base,
                     "\" is cluster-scoped: a Role cannot grant it, so this "
                     "rule would grant nothing; move it to cluster_rules"));
    return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<ResourceCatalog> CatalogForBundle(const LoadedBundle& bundle,
                                                 IssueList* issues) {
  absl::StatusOr<ResourceCatalog> catalog = ResourceCatalog::Builtin();
  if (!catalog.ok() || !bundle.bundle_file_parsed) return catalog;
  const v1::Bundle& proto = bundle.proto;
  // "group/resource" of each custom resource added, by its index.
  std::map<std::string, int> declared;
  for (int i = 0; i < proto.custom_resources_size(); ++i) {
    const v1::CustomResource& custom = proto.custom_resources(i);
    const SourceLocation location =
        bundle.source.Locate(absl::StrCat("custom_resources[", i, "]"));
    const std::string name =
        custom.api_group().empty()
            ? custom.resource()
            : absl::StrCat(custom.api_group(), "/", custom.resource());
    if (const auto first = declared.find(name); first != declared.end()) {
      issues->AddError(
          location,
          absl::StrCat("custom resource \"", name,
                       "\" is declared twice (first as custom_resources[",
                       first->second, "]); keep one declaration"));
      continue;
    }
    if (catalog->Find(custom.api_group(), custom.resource()) != nullptr) {
      issues->AddError(
          location,
          absl::StrCat("custom resource \"", name,
                       "\" is a resource of Kubernetes ",
                       catalog->kubernetes_version(),
                       ", whose scope and verbs the catalogue already has; "
                       "remove the declaration"));
      continue;
    }
    if (!custom.api_group().empty() &&
        !IsDns1123Subdomain(custom.api_group())) {
      issues->AddError(
          location, absl::StrCat("custom resource group \"", custom.api_group(),
                                 "\" is not a DNS-1123 subdomain"));
      continue;
    }
    if (!IsDns1123Label(custom.resource())) {
      issues->AddError(
          location,
          absl::StrCat("custom resource \"", custom.resource(),
                       "\" must be a lower-case plural name (a DNS-1123 "
                       "label), e.g. \"workloads\""));
      continue;
    }
    declared[name] = i;
    catalog->AddCustomResource(custom);
  }
  return catalog;
}

void CheckRuleAgainstCatalog(const v1::Rule& rule, bool cluster_scope,
                             const ResourceCatalog& catalog,
                             const SourceFile& source, const std::string& path,
                             IssueList* issues) {
  if (ReportSwappedFields(rule, catalog, source, path, issues)) return;
  CheckVerbs(rule, catalog, source, path, issues);

  std::set<std::string> reported_groups;
  for (int g = 0; g < rule.api_groups_size(); ++g) {
    const std::string& group = rule.api_groups(g);
    if (group == kAll || catalog.HasGroup(group)) continue;
    if (reported_groups.insert(group).second) {
      const std::vector<std::string> resources = catalog.GroupsWith(group);
      issues->AddError(
          source.Locate(absl::StrCat(path, ".api_groups[", g, "]")),
          absl::StrCat("unknown API group \"", group, "\"",
                       DidYouMean(group, catalog.GroupNames()),
                       resources.empty()
                           ? ""
                           : absl::StrCat(" (\"", group, "\" is a resource of ",
                                          GroupText(resources.front()), ")"),
                       "; if a CRD provides it, declare its resources in "
                       "bundle.textproto's custom_resources"));
    }
  }
  for (int r = 0; r < rule.resources_size(); ++r) {
    // Located only when reported: most resources are fine.
    const auto location = [&] {
      return source.Locate(absl::StrCat(path, ".resources[", r, "]"));
    };
    for (const std::string& group : rule.api_groups()) {
      if (group != kAll && !catalog.HasGroup(group)) continue;
      if (!CheckPair(group, rule.resources(r), cluster_scope, catalog, location,
                     issues)) {
        break;
      }
    }
  }

  if (rule.resource_names().empty()) return;
  for (int i = 0; i < rule.verbs_size(); ++i) {
    const std::string& verb = rule.verbs(i);
    const auto location = [&] {
      return source.Locate(absl::StrCat(path, ".verbs[", i, "]"));
    };
    if (verb == "create" || verb == "deletecollection") {
      issues->AddWarning(
          location(),
          absl::StrCat("\"", verb,
                       "\" never matches a rule with resource_names (the "
                       "request names no object); move it to a rule "
                       "without resource_names"));
    } else if (verb == "list" || verb == "watch") {
      issues->AddWarning(location(),
                         absl::StrCat("with resource_names, \"", verb,
                                      "\" matches only requests with a "
                                      "metadata.name field selector"));
    }
  }
}

const v1::ApiResource* CheckCallAgainstCatalog(
    const std::string& verb, const std::string& group,
    const std::string& resource, const ResourceCatalog& catalog,
    const SourceFile& source, const std::string& path, IssueList* issues) {
  bool ok = true;
  const auto location = [&](const char* field) {
    return source.Locate(absl::StrCat(path, ".", field));
  };
  if (!catalog.IsKnownVerb(verb)) {
    issues->AddError(
        location("verb"),
        verb == kAll
            ? std::string("a request has one verb, not \"*\"; name the verb "
                          "the API server sees")
            : absl::StrCat("unknown verb \"", verb, "\"",
                           DidYouMean(verb, catalog.verbs()),
                           "; name the verb the API server sees (replace_* is "
                           "update, read_* is get)"));
    ok = false;
  }
  if (group == kAll || resource == kAll || resource.empty() ||
      absl::StartsWith(resource, "*/")) {
    issues->AddError(
        location(group == kAll ? "api_group" : "resource"),
        "a request names one API group and one resource, not \"*\" or "
        "nothing; name the call's resource");
    return nullptr;
  }
  if (!catalog.HasGroup(group)) {
    const std::vector<std::string> resources = catalog.GroupsWith(group);
    issues->AddError(
        location("api_group"),
        absl::StrCat("unknown API group \"", group, "\"",
                     DidYouMean(group, catalog.GroupNames()),
                     resources.empty()
                         ? ""
                         : absl::StrCat(" (\"", group, "\" is a resource of ",
                                        GroupText(resources.front()), ")"),
                     "; if a CRD provides it, declare its resources in "
                     "bundle.textproto's custom_resources"));
    return nullptr;
  }
  if (!CheckPair(
          group, resource, /*cluster_scope=*/true, catalog,
          [&] { return location("resource"); }, issues)) {
    return nullptr;
  }
  if (!ok) return nullptr;
  return catalog.Find(group, resource.substr(0, resource.find('/')));
}

}  // namespace rbacc
