#include "compiler/validate/bootstrap.h"

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

}  // namespace rbacc
