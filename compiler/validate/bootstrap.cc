#include "compiler/validate/bootstrap.h"

#include <algorithm>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"

namespace rbacc {

bool ParseBootstrapMode(const std::string& text, v1::BootstrapMode* mode) {
  if (text == "precreate") {
    *mode = v1::BOOTSTRAP_PRECREATE;
  } else if (text == "grant") {
    *mode = v1::BOOTSTRAP_GRANT;
  } else {
    return false;
  }
  return true;
}

std::string BootstrapFlagValue(v1::BootstrapMode mode) {
  return mode == v1::BOOTSTRAP_GRANT ? "grant" : "precreate";
}

bool HasBootstrapObjects(const v1::IdentityMode& mode) {
  return !mode.bootstrap_objects().empty();
}

v1::BootstrapMode ResolveBootstrapMode(const BootstrapSelectionInput& input,
                                       IssueList* issues) {
  const bool flag = input.identity_location.line < 0;
  if (input.mode == nullptr || !HasBootstrapObjects(*input.mode)) {
    if (input.bootstrap && *input.bootstrap != v1::BOOTSTRAP_MODE_UNSPECIFIED) {
      issues->AddError(
          input.bootstrap_location,
          absl::StrCat(
              "bootstrap applies only to identity modes whose application "
              "creates its own account (",
              input.mode == nullptr ? "a custom service account"
                                    : input.mode->name(),
              " does not); remove it"));
    }
    return v1::BOOTSTRAP_MODE_UNSPECIFIED;
  }
  const v1::IdentityMode& mode = *input.mode;
  if (input.subject_count == 0) {
    issues->AddError(
        input.identity_location,
        absl::StrCat(
            "in ", mode.name(),
            " the launching identity (a kubeconfig user "
            "or group, or the API server's account) bootstraps ",
            mode.service_account(),
            " on every launch and needs roles of its own, but none was "
            "given; add ",
            flag ? "--subjects=User:NAME (or Group:NAME, "
                   "ServiceAccount:NAMESPACE/NAME)"
                 : "subjects: \"User:NAME\" (or Group:NAME) beside it, or "
                   "--subjects"));
  }
  if (input.namespace_count > 1) {
    issues->AddError(
        input.namespaces_location,
        absl::StrCat(mode.name(),
                     " supports one target namespace: the application "
                     "rewrites its ClusterRoleBinding's subject to the "
                     "namespace it launches in, so one namespace's launch "
                     "takes the cluster role from the others; compile one "
                     "profile per namespace or use a custom service account"));
  }
  if (input.namespace_only) {
    issues->AddError(
        input.identity_location,
        absl::StrCat(mode.name(),
                     " needs the application's ClusterRole and "
                     "ClusterRoleBinding, which cluster_scope none leaves "
                     "out; use a custom service account"));
  }
  if (input.create_service_account_given) {
    issues->AddError(
        input.create_service_account_location,
        absl::StrCat(mode.name(), "'s account ", mode.service_account(),
                     " is one of the objects the application bootstraps; "
                     "remove create_service_account (--bootstrap=grant lets "
                     "the launcher create it instead)"));
  }
  if (input.bootstrap && *input.bootstrap == v1::BOOTSTRAP_GRANT) {
    return v1::BOOTSTRAP_GRANT;
  }
  return v1::BOOTSTRAP_PRECREATE;
}

namespace {

// Checks object `index` of `mode` (at `path`).
void CheckBootstrapObject(const LoadedBundle& bundle,
                          const v1::BootstrapObject& object,
                          const std::string& path, IssueList* issues) {
  static const auto* const kinds = new std::set<std::string>{
      "Namespace",   "ServiceAccount", "Role",
      "RoleBinding", "ClusterRole",    "ClusterRoleBinding"};
  const auto error = [&](const std::string& field, std::string message) {
    issues->AddError(
        bundle.source.Locate(field.empty() ? path : path + "." + field),
        std::move(message));
  };
  const std::string& kind = object.kind();
  if (kinds->count(kind) == 0) {
    error("kind",
          absl::StrCat("unknown bootstrap object kind \"", kind,
                       "\"; write Namespace, ServiceAccount, Role, "
                       "RoleBinding, ClusterRole or ClusterRoleBinding"));
    return;
  }
  if (object.name().empty()) error("", "a bootstrap object needs a name");
  const bool cluster = kind == "Namespace" || kind == "ClusterRole" ||
                       kind == "ClusterRoleBinding";
  if (!object.namespace_().empty()) {
    const auto& fixed = bundle.proto.fixed_namespaces();
    const bool declared =
        std::any_of(fixed.begin(), fixed.end(), [&](const auto& namespace_) {
          return namespace_.name() == object.namespace_();
        });
    if (cluster) {
      error("namespace", absl::StrCat(kind,
                                      " is cluster-scoped; remove its "
                                      "namespace"));
    } else if (!declared) {
      error("namespace",
            absl::StrCat("namespace \"", object.namespace_(),
                         "\" is not in the bundle's fixed_namespaces; declare "
                         "it there, or leave it empty for the target "
                         "namespace"));
    }
  }
  const bool role = kind == "Role" || kind == "ClusterRole";
  const bool binding = kind == "RoleBinding" || kind == "ClusterRoleBinding";
  if (!role && !object.rules().empty()) {
    error("rules", absl::StrCat(kind, " has no rules; remove them"));
  }
  for (int i = 0; i < object.rules_size(); ++i) {
    const v1::Rule& rule = object.rules(i);
    if (rule.verbs().empty() ||
        (rule.resources().empty() && rule.non_resource_urls().empty()) ||
        rule.reason().empty()) {
      error(absl::StrCat("rules[", i, "]"),
            "a template rule needs verbs, resources (or non-resource URLs) "
            "and a reason citing the template");
    }
  }
  if (binding) {
    if (object.subjects().empty()) {
      error("", absl::StrCat(kind, " needs the template's subjects"));
    }
    const std::string& ref_kind = object.role_ref().kind();
    if ((ref_kind != "Role" && ref_kind != "ClusterRole") ||
        object.role_ref().name().empty() ||
        (kind == "ClusterRoleBinding" && ref_kind == "Role")) {
      error("role_ref",
            absl::StrCat(kind,
                         " needs role_ref { kind: \"Role\" or "
                         "\"ClusterRole\" name: \"...\" } (a "
                         "ClusterRoleBinding binds a ClusterRole)"));
    }
  } else if (!object.subjects().empty() || object.has_role_ref()) {
    error("subjects", absl::StrCat(kind, " has no subjects or role_ref"));
  }
  const auto& features = bundle.proto.features();
  if (!object.feature().empty() &&
      std::find(features.begin(), features.end(), object.feature()) ==
          features.end()) {
    error("feature", absl::StrCat("feature \"", object.feature(),
                                  "\" is not one of the bundle's features"));
  }
}

}  // namespace

void CheckBootstrapObjects(const LoadedBundle& bundle, IssueList* issues) {
  const auto& modes = bundle.proto.application().identity_modes();
  for (int m = 0; m < modes.size(); ++m) {
    const v1::IdentityMode& mode = modes[m];
    if (!HasBootstrapObjects(mode)) continue;
    const std::string path =
        absl::StrCat("application.identity_modes[", m, "]");
    const v1::ObjectNames& names = mode.launcher_object_names();
    if (mode.service_account().empty() || names.role().empty() ||
        names.role_binding().empty() || names.cluster_role().empty() ||
        names.cluster_role_binding().empty()) {
      issues->AddError(
          bundle.source.Locate(path),
          absl::StrCat(mode.name(),
                       " has bootstrap objects, so it needs the account its "
                       "pods run as (service_account) and the names of the "
                       "launcher's roles (every field of "
                       "launcher_object_names)"));
    }
    for (int i = 0; i < mode.bootstrap_objects_size(); ++i) {
      CheckBootstrapObject(bundle, mode.bootstrap_objects(i),
                           absl::StrCat(path, ".bootstrap_objects[", i, "]"),
                           issues);
    }
  }
}

}  // namespace rbacc
