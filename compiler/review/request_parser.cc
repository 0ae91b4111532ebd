#include "compiler/review/request_parser.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "compiler/catalog/catalog.h"
#include "compiler/common/authorizer.h"
#include "compiler/common/rbac_objects.h"

namespace rbacc {
namespace {

constexpr char kAnonymousUser[] = "system:anonymous";
constexpr char kAuthenticatedGroup[] = "system:authenticated";
constexpr char kUnauthenticatedGroup[] = "system:unauthenticated";

// Kubernetes' built-in catalogue, or nullptr if it does not parse (it always
// does: catalog_test proves it; without it resolution is left to the policy).
const ResourceCatalog* Catalogue() {
  static const auto* const kCatalogue = [] {
    absl::StatusOr<ResourceCatalog> catalogue = ResourceCatalog::Builtin();
    return catalogue.ok() ? new ResourceCatalog(*std::move(catalogue))
                          : nullptr;
  }();
  return kCatalogue;
}

// Resolves `name` in `group` (any group when unset) from the catalogue.
bool FromCatalogue(const std::string& name,
                   const std::optional<std::string>& group,
                   std::string* found_group, std::string* plural) {
  const ResourceCatalog* catalogue = Catalogue();
  return catalogue != nullptr &&
         catalogue->ResolveResourceName(name, group, found_group, plural);
}

// True when a rule of `objects` names `resource` in `group`.
bool GroupGrantsResource(const std::string& group, const std::string& resource,
                         const RbacObjects& objects) {
  for (const RoleObject& role : objects.roles) {
    for (const CompiledRule& rule : role.rules) {
      const auto& groups = rule.rule.api_groups;
      if (std::find(groups.begin(), groups.end(), group) == groups.end()) {
        continue;
      }
      for (const std::string& named : rule.rule.resources) {
        if (named.substr(0, named.find('/')) == resource) return true;
      }
    }
  }
  return false;
}

// The group `objects` grant `resource` in, when exactly one.
std::string GroupFromPolicy(const std::string& resource,
                            const RbacObjects& objects, bool* found) {
  std::set<std::string> groups;
  for (const RoleObject& role : objects.roles) {
    for (const CompiledRule& rule : role.rules) {
      for (const std::string& named : rule.rule.resources) {
        const std::string base = named.substr(0, named.find('/'));
        if (base != resource) continue;
        for (const std::string& group : rule.rule.api_groups) {
          if (group != "*") groups.insert(group);
        }
      }
    }
  }
  *found = groups.size() == 1;
  return *found ? *groups.begin() : "";
}

}  // namespace

absl::StatusOr<Request> ParseRequest(const std::string& verb,
                                     const std::string& resource,
                                     const std::string& name,
                                     const std::string& namespace_name,
                                     const RbacObjects& objects,
                                     std::string* warning) {
  if (verb.empty()) return absl::InvalidArgumentError("the verb is empty");
  if (resource.empty()) {
    return absl::InvalidArgumentError("the resource is empty");
  }
  Request request;
  request.verb = verb;
  request.name = name;
  request.namespace_name = namespace_name;
  if (absl::StartsWith(resource, "/")) {
    if (!name.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "a non-resource URL (", resource, ") takes no resource name"));
    }
    request.is_resource_request = false;
    request.path = resource;
    return request;
  }
  std::vector<std::string> parts =
      absl::StrSplit(resource, absl::MaxSplits('/', 1));
  request.subresource = parts.size() > 1 ? parts[1] : "";
  if (parts[0] == "*") {
    request.resource = "*";
    return request;
  }
  // schema.ParseResourceArg on the lower-cased type, as kubectl auth can-i:
  // RESOURCE.VERSION.GROUP when it has two dots and names a known resource,
  // else RESOURCE.GROUP (the group after the first dot).
  const std::string type = absl::AsciiStrToLower(parts[0]);
  const std::vector<std::string> dotted =
      absl::StrSplit(type, absl::MaxSplits('.', 2));
  if (dotted.size() == 3 &&
      FromCatalogue(dotted[0], dotted[2], &request.api_group,
                    &request.resource)) {
    return request;
  }
  const size_t dot = type.find('.');
  const std::string typed = type.substr(0, dot);
  const std::optional<std::string> group =
      dot == std::string::npos
          ? std::nullopt
          : std::optional<std::string>(type.substr(dot + 1));
  if (FromCatalogue(typed, group, &request.api_group, &request.resource)) {
    return request;
  }
  // A custom resource: the catalogue does not know it; the policy may.
  request.resource = typed;
  bool found = false;
  if (group.has_value()) {
    request.api_group = *group;
    found = GroupGrantsResource(*group, typed, objects);
  } else {
    request.api_group = GroupFromPolicy(typed, objects, &found);
  }
  // kubectl's nonStandardResourceNames get no warning.
  if (!found && warning != nullptr && typed != "users" && typed != "groups") {
    *warning =
        group.has_value()
            ? absl::StrCat("Warning: the server doesn't have a resource type '",
                           typed, "' in group '", *group, "'")
            : absl::StrCat("Warning: the server doesn't have a resource type '",
                           typed, "'");
  }
  return request;
}

std::string RequestText(const Request& request) {
  if (!request.is_resource_request) {
    return absl::StrCat(request.verb, " ", request.path);
  }
  std::string text = absl::StrCat(request.verb, " ", request.resource);
  if (!request.api_group.empty())
    absl::StrAppend(&text, ".", request.api_group);
  if (!request.subresource.empty()) {
    absl::StrAppend(&text, "/", request.subresource);
  }
  if (!request.name.empty()) absl::StrAppend(&text, " ", request.name);
  absl::StrAppend(&text,
                  request.namespace_name.empty()
                      ? " cluster-wide"
                      : absl::StrCat(" in namespace ", request.namespace_name));
  return text;
}

UserInfo UserFromAs(const std::string& as,
                    const std::vector<std::string>& groups) {
  UserInfo user;
  user.name = as;
  absl::string_view rest = as;
  if (groups.empty() && absl::ConsumePrefix(&rest, "system:serviceaccount:")) {
    // serviceaccount.SplitUsername: exactly a namespace and a name.
    const std::vector<std::string> parts = absl::StrSplit(rest, ':');
    if (parts.size() == 2 && !parts[0].empty() && !parts[1].empty()) {
      user.groups = {"system:serviceaccounts",
                     absl::StrCat("system:serviceaccounts:", parts[0])};
    }
  }
  user.groups.insert(user.groups.end(), groups.begin(), groups.end());
  const auto has = [&](absl::string_view group) {
    return std::find(user.groups.begin(), user.groups.end(), group) !=
           user.groups.end();
  };
  if (as == kAnonymousUser) {
    if (!has(kUnauthenticatedGroup))
      user.groups.push_back(kUnauthenticatedGroup);
  } else if (!has(kAuthenticatedGroup) && !has(kUnauthenticatedGroup)) {
    user.groups.push_back(kAuthenticatedGroup);
  }
  return user;
}

}  // namespace rbacc
