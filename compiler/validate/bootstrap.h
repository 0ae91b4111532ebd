// Checks a selection of an identity mode in which the application bootstraps
// its own account (IdentityMode.bootstrap_objects, e.g. SkyPilot's
// SERVICE_ACCOUNT) and parses --bootstrap.
#ifndef RBACC_COMPILER_VALIDATE_BOOTSTRAP_H_
#define RBACC_COMPILER_VALIDATE_BOOTSTRAP_H_

#include <optional>
#include <string>
#include <vector>

#include "compiler/common/issue.h"
#include "compiler/common/source_location.h"
#include "compiler/load/bundle_loader.h"
#include "proto/rbacc/v1/policy.pb.h"

namespace rbacc {

// Parses a --bootstrap value: "precreate" or "grant". Returns false for any
// other text (`mode` is then unchanged).
bool ParseBootstrapMode(const std::string& text, v1::BootstrapMode* mode);

// Returns the --bootstrap spelling of `mode`: "precreate" or "grant" (for
// UNSPECIFIED too, "precreate").
std::string BootstrapFlagValue(v1::BootstrapMode mode);

// True when `mode` declares bootstrap objects.
bool HasBootstrapObjects(const v1::IdentityMode& mode);

// What a selection of a bootstrapping identity mode said, with where.
struct BootstrapSelectionInput {
  // The mode; nullptr for a custom service account.
  const v1::IdentityMode* mode = nullptr;
  // Where the identity was given (a profile field, a flag or the bundle).
  SourceLocation identity_location;
  // --bootstrap or the profile's `bootstrap`, when given, and where.
  std::optional<v1::BootstrapMode> bootstrap;
  SourceLocation bootstrap_location;
  // The number of subjects given besides the service accounts.
  size_t subject_count = 0;
  // The number of target namespaces, and where they were given.
  size_t namespace_count = 0;
  SourceLocation namespaces_location;
  // Whether the selection drops what lies outside the target namespaces.
  bool namespace_only = false;
  // --create_service_account or the profile's field, when given, and where.
  bool create_service_account_given = false;
  SourceLocation create_service_account_location;
};

// Returns the bootstrap mode of the selection: BOOTSTRAP_PRECREATE unless
// `input.bootstrap` says GRANT for a mode with bootstrap objects;
// BOOTSTRAP_MODE_UNSPECIFIED for any other identity. Adds an error, at the
// field or flag that set it, for: --bootstrap for an identity without
// bootstrap objects; a bootstrapping mode without --subjects (the launcher);
// with more than one target namespace (the application rewrites its
// ClusterRoleBinding's subject to the namespace it launches in); with
// cluster_scope none (its ClusterRole is cluster-scoped); with
// create_service_account (the account is one of the bootstrap objects).
v1::BootstrapMode ResolveBootstrapMode(const BootstrapSelectionInput& input,
                                       IssueList* issues);

// Adds an error, at the offending field of bundle.textproto, for each
// mistake in the identity modes' bootstrap objects: an unknown kind; no name;
// a namespace on a cluster-scoped kind, or one the bundle does not declare in
// fixed_namespaces; rules on a kind other than Role and ClusterRole, or a rule
// without verbs, resources or a reason; subjects or a role_ref on a kind other
// than the bindings, or a binding without them (role_ref kind Role or
// ClusterRole, with a name); a `feature` the bundle does not list; and, for a
// mode with bootstrap objects, a service account or launcher object names
// left empty.
void CheckBootstrapObjects(const LoadedBundle& bundle, IssueList* issues);

}  // namespace rbacc

#endif  // RBACC_COMPILER_VALIDATE_BOOTSTRAP_H_
