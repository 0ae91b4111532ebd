#include "compiler/review/policy_input.h"

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "compiler/common/aggregation.h"
#include "compiler/common/authorizer.h"
#include "compiler/common/input_file.h"
#include "compiler/common/issue.h"
#include "compiler/load/bundle_loader.h"
#include "compiler/review/builtin_roles.h"
#include "compiler/review/rbac_yaml_reader.h"

namespace rbacc {
namespace {

namespace fs = std::filesystem;

constexpr char kRbacFile[] = "rbac.yaml";

fs::path Resolve(const std::string& workspace_root, const std::string& path) {
  const fs::path given(path);
  return given.is_absolute() ? given : fs::path(workspace_root) / given;
}

bool LooksLikePath(const std::string& reference,
                   const std::string& workspace_root) {
  if (absl::StrContains(reference, '/') || absl::EndsWith(reference, ".yaml") ||
      absl::EndsWith(reference, ".yml")) {
    return true;
  }
  std::error_code error;
  return fs::exists(Resolve(workspace_root, reference), error);
}

// True when a document of `text` is a List: a line "kind: List" at the top
// level (kubectl prints the key at column 0).
bool IsListDocument(absl::string_view text) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (absl::StripTrailingAsciiWhitespace(line) == "kind: List") return true;
  }
  return false;
}

// `subject` with a ServiceAccount's missing namespace set to `binding`'s.
Subject InBinding(Subject subject, const BindingObject& binding) {
  if (subject.kind == "ServiceAccount" && subject.namespace_name.empty()) {
    subject.namespace_name = binding.metadata.namespace_name;
  }
  return subject;
}

// Drops the roles of `objects` that no binding refers to.
void KeepBoundRoles(RbacObjects* objects) {
  std::set<const RoleObject*> bound;
  for (const BindingObject& binding : objects->bindings) {
    bound.insert(FindBoundRole(*objects, binding));
  }
  std::vector<RoleObject> roles;
  for (RoleObject& role : objects->roles) {
    if (bound.count(&role) > 0) roles.push_back(std::move(role));
  }
  objects->roles = std::move(roles);
}

}  // namespace

size_t RestrictToUser(const UserInfo& user, RbacObjects* objects) {
  std::vector<BindingObject> kept;
  for (BindingObject& binding : objects->bindings) {
    if (BindingAppliesTo(binding, user)) kept.push_back(std::move(binding));
  }
  const size_t dropped = objects->bindings.size() - kept.size();
  objects->bindings = std::move(kept);
  KeepBoundRoles(objects);
  return dropped;
}

std::set<Subject> BoundSubjects(const RbacObjects& objects) {
  std::set<Subject> subjects;
  for (const BindingObject& binding : objects.bindings) {
    for (const Subject& subject : binding.subjects) {
      subjects.insert(InBinding(subject, binding));
    }
  }
  return subjects;
}

size_t RestrictToSubjects(const std::set<Subject>& subjects,
                          RbacObjects* objects) {
  std::vector<BindingObject> kept;
  for (BindingObject& binding : objects->bindings) {
    std::vector<Subject> compared;
    for (const Subject& subject : binding.subjects) {
      if (subjects.count(InBinding(subject, binding)) > 0) {
        compared.push_back(subject);
      }
    }
    if (compared.empty()) continue;
    binding.subjects = std::move(compared);
    kept.push_back(std::move(binding));
  }
  const size_t dropped = objects->bindings.size() - kept.size();
  objects->bindings = std::move(kept);
  KeepBoundRoles(objects);
  std::vector<ObjectMeta> accounts;
  for (ObjectMeta& account : objects->service_accounts) {
    if (subjects.count(
            {"ServiceAccount", account.name, account.namespace_name}) > 0) {
      accounts.push_back(std::move(account));
    }
  }
  objects->service_accounts = std::move(accounts);
  return dropped;
}

absl::StatusOr<PolicySpec> ParsePolicyReference(
    const std::string& reference, const std::string& workspace_root) {
  if (reference.empty()) {
    return absl::InvalidArgumentError(
        "empty policy reference; name a profile, features, a bundle, an "
        "output folder or an rbac.yaml");
  }
  PolicySpec spec;
  spec.label = reference;
  // [BUNDLE:]PROFILE@CONTEXT: one context of a profile with contexts. The
  // context's name may hold any character, ":" and "@" included.
  const size_t at = reference.find('@');
  if (at != std::string::npos) {
    const std::string head = reference.substr(0, at);
    const size_t colon = head.rfind(':');
    const std::string bundle =
        colon == std::string::npos ? spec.bundle : head.substr(0, colon);
    const std::string profile =
        colon == std::string::npos ? head : head.substr(colon + 1);
    std::error_code error;
    if (!profile.empty() &&
        fs::is_regular_file(fs::path(BundleDirectory(workspace_root, bundle)) /
                                "profiles" /
                                absl::StrCat(profile, ".textproto"),
                            error)) {
      spec.bundle = bundle;
      spec.profile = profile;
      spec.overrides.contexts = Located<std::vector<std::string>>{
          {reference.substr(at + 1)}, {reference}, {}};
      return spec;
    }
  }
  const size_t colon = reference.rfind(':');
  std::string selection = reference;
  if (colon == std::string::npos && LooksLikePath(reference, workspace_root)) {
    spec.yaml_path = reference;
    return spec;
  }
  if (colon != std::string::npos) {
    spec.bundle = reference.substr(0, colon);
    selection = reference.substr(colon + 1);
  }
  if (selection.empty()) {
    spec.overrides.features = Located<std::vector<std::string>>{};
    spec.overrides.features->location = {reference};
    return spec;
  }
  // A profile when the bundle has one by that name, else features.
  const fs::path profile_file =
      fs::path(BundleDirectory(workspace_root, spec.bundle)) / "profiles" /
      absl::StrCat(selection, ".textproto");
  std::error_code error;
  if (!absl::StrContains(selection, ',') &&
      fs::is_regular_file(profile_file, error)) {
    spec.profile = selection;
    return spec;
  }
  Located<std::vector<std::string>> features;
  features.value = absl::StrSplit(selection, ',', absl::SkipWhitespace());
  features.location = {reference};
  spec.overrides.features = std::move(features);
  return spec;
}

void WarnAboutUnboundRoles(const RbacObjects& objects,
                           const std::string& display_name, IssueList* issues) {
  std::set<std::string> noted;
  for (const BindingObject& binding : objects.bindings) {
    const RoleObject* role = FindBoundRole(objects, binding);
    const std::string where =
        binding.is_cluster_binding()
            ? absl::StrCat("ClusterRoleBinding ", binding.metadata.name)
            : absl::StrCat("RoleBinding ", binding.metadata.namespace_name, "/",
                           binding.metadata.name);
    if (role != nullptr && role->builtin &&
        noted.insert(role->metadata.name).second) {
      issues->AddNote(
          {display_name},
          absl::StrCat(where, " refers to ClusterRole ", role->metadata.name,
                       ", which ", display_name, " does not define: ",
                       BuiltinRoleNote(role->metadata.name),
                       ", whose rules apply as on a cluster"));
    }
    if (role != nullptr) continue;
    issues->AddWarning(
        {display_name},
        absl::StrCat(
            where, " refers to ", binding.role_kind, " ", binding.role_name,
            ", which ", display_name,
            binding.is_cluster_binding() && binding.role_kind == "Role"
                ? " cannot use (a ClusterRoleBinding may only name a "
                  "ClusterRole)"
                : " does not define",
            ": it grants nothing here. Add the role to the file (for one "
            "of Kubernetes' built-in ClusterRoles such as edit or view: "
            "kubectl get clusterrole NAME -o yaml) or fix roleRef"));
  }
}

void WarnAboutNoRbacObjects(const RbacObjects& objects,
                            const std::string& display_name,
                            IssueList* issues) {
  if (!objects.roles.empty() || !objects.bindings.empty()) return;
  issues->AddWarning(
      {display_name},
      absl::StrCat("the file holds no Role, ClusterRole, RoleBinding or "
                   "ClusterRoleBinding (objects of other kinds are skipped): "
                   "it grants nothing. Name the RBAC objects' file, or dump "
                   "them with kubectl get "
                   "clusterroles,clusterrolebindings,roles,rolebindings -A -o "
                   "yaml"));
}

absl::StatusOr<PolicyInput> ReadPolicyYaml(const PolicySpec& spec,
                                           const std::string& workspace_root) {
  fs::path path = Resolve(workspace_root, spec.yaml_path);
  std::string shown = spec.yaml_path;
  std::error_code error;
  if (fs::is_directory(path, error)) {
    path /= kRbacFile;
    shown = (fs::path(spec.yaml_path) / kRbacFile).string();
  }
  absl::StatusOr<std::string> text =
      ReadInputFile(path.string(), shown, kYamlInputLimit);
  if (absl::IsNotFound(text.status())) {
    return absl::NotFoundError(
        absl::StrCat(shown,
                     ": cannot read the file; name an rbac.yaml, "
                     "an output folder, a profile or features"));
  }
  if (!text.ok()) return text.status();
  absl::StatusOr<RbacObjects> objects = ReadRbacYaml(*text, shown);
  if (!objects.ok()) return objects.status();
  PolicyInput input;
  input.label = spec.label.empty() ? shown : spec.label;
  input.objects = *std::move(objects);
  input.cluster_dump = IsListDocument(*text);
  AddBuiltinClusterRoles(&input.objects);
  ResolveAggregation(&input.objects);
  return input;
}

}  // namespace rbacc
