#include "compiler/review/request_parser.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
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

// The group kubectl's discovery would resolve `resource` to from Kubernetes'
// built-in catalogue: the core group when it has the resource (discovery
// lists it first), else the first group that has it. Sets `found` to false
// when no built-in group has it.
std::string GroupFromCatalogue(const std::string& resource, bool* found) {
  static const auto* const kCatalogue = [] {
    absl::StatusOr<ResourceCatalog> catalogue = ResourceCatalog::Builtin();
    // The embedded catalogue always parses (catalog_test proves it); an empty
    // one would leave resolution to the policy.
    return catalogue.ok() ? new ResourceCatalog(*std::move(catalogue))
                          : nullptr;
  }();
  *found = false;
  if (kCatalogue == nullptr) return "";
  const std::vector<std::string> groups = kCatalogue->GroupsWith(resource);
  if (groups.empty()) return "";
  *found = true;
  return std::find(groups.begin(), groups.end(), "") != groups.end()
             ? ""
             : groups.front();
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
                                     const RbacObjects& objects) {
  if (verb.empty()) return absl::InvalidArgumentError("the verb is empty");
  if (resource.empty()) {
    return absl::InvalidArgumentError("the resource is empty");
  }
  Request request;
  request.verb = verb;
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
  std::string type = parts[0];
  request.subresource = parts.size() > 1 ? parts[1] : "";
  const size_t dot = type.find('.');
  if (dot != std::string::npos) {
    request.api_group = type.substr(dot + 1);
    type = type.substr(0, dot);
  } else if (type != "*") {
    bool found = false;
    request.api_group = GroupFromCatalogue(type, &found);
    if (!found) request.api_group = GroupFromPolicy(type, objects, &found);
  }
  request.resource = type;
  request.name = name;
  request.namespace_name = namespace_name;
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
