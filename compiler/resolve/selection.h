// Resolves what one compilation is for: the features (with what they require)
// and the parameters, layered as bundle defaults < profile < command-line
// flags, each checked where it was given.
#ifndef RBACC_COMPILER_RESOLVE_SELECTION_H_
#define RBACC_COMPILER_RESOLVE_SELECTION_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compiler/common/issue.h"
#include "compiler/common/rbac_objects.h"
#include "compiler/common/source_location.h"
#include "compiler/load/bundle_loader.h"
#include "proto/rbacc/v1/policy.pb.h"

namespace rbacc {

// A value with where the user gave it (a profile field or a flag).
template <typename T>
struct Located {
  T value{};
  SourceLocation location;
  // For a list read from a profile: where each element is (empty for flags).
  std::vector<SourceLocation> element_locations;

  // Where element `index` of a list is: its own place when known, else the
  // list's.
  const SourceLocation& ElementLocation(size_t index) const {
    return index < element_locations.size() ? element_locations[index]
                                            : location;
  }
};

// Parameters given on the command line; each unset one leaves the profile's (or
// the bundle's) value. Locations are the flags, e.g. "--namespace".
struct SelectionOverrides {
  std::optional<Located<std::vector<std::string>>> features;
  std::optional<Located<std::vector<std::string>>> namespaces;
  std::optional<Located<std::string>> service_account;
  std::optional<Located<std::string>> remote_identity;
  std::optional<Located<std::vector<std::string>>> subjects;
  std::optional<Located<bool>> create_service_account;
  std::optional<Located<v1::ClusterScope>> cluster_scope;
  // --contexts: "NAME=IDENTITY" or "NAME" entries, replacing the profile's
  // contexts. A bare NAME keeps that context's settings from the profile (or
  // takes the profile's identity when the profile does not list it).
  std::optional<Located<std::vector<std::string>>> contexts;
  // --chart_release: the Helm release values.yaml is written for.
  std::optional<Located<std::string>> chart_release;
  // --bootstrap: who creates a bootstrapping identity mode's objects.
  std::optional<Located<v1::BootstrapMode>> bootstrap;
};

// A checked selection: what to compile and for whom.
struct Selection {
  // The profile compiled, or "" for an ad-hoc --features run.
  std::string profile_name;
  // The features asked for, sorted and without repeats.
  std::vector<std::string> requested_features;
  // Every feature compiled (requested plus required), sorted.
  std::vector<std::string> features;
  // Features added because another required them: added feature -> the feature
  // requiring it.
  std::map<std::string, std::string> required_by;
  // Target namespaces, as given and without repeats: each gets the namespaced
  // Role (and the service account). The first is the primary one (the Helm
  // chart's namespace).
  std::vector<std::string> namespaces;
  // Where each of `namespaces` was given (the profile's field, its context's
  // or the flag), in the same order.
  std::vector<SourceLocation> namespace_locations;
  // The service account the roles are bound to in each target namespace, or ""
  // for an identity mode without an account (the roles are then bound to
  // extra_subjects only).
  std::string service_account;
  // Whether rbac.yaml creates the service account.
  bool create_service_account = false;
  // What the app config's identity key says: the custom account's name, or the
  // identity mode's name.
  std::string remote_identity;
  // The identity mode remote_identity names; unset for a custom account.
  std::optional<v1::IdentityMode> identity_mode;
  // Where the identity was given: the profile field, the flag or the bundle's
  // default.
  SourceLocation identity_location;
  // For an identity mode with bootstrap objects: whether rbac.yaml pre-creates
  // them or the launcher (extra_subjects) may; UNSPECIFIED otherwise.
  v1::BootstrapMode bootstrap = v1::BOOTSTRAP_MODE_UNSPECIFIED;
  // The profile's acknowledged lint findings about the selection itself.
  std::vector<v1::LintAllowance> allowances;
  // Subjects bound to every role besides the service accounts, sorted.
  std::vector<Subject> extra_subjects;
  // Where each of extra_subjects was given (the first place that names it): a
  // profile's `subjects` entry or --subjects.
  std::map<Subject, SourceLocation> extra_subject_locations;
  // Whether the compilation keeps what lies outside the target namespaces
  // (CLUSTER_SCOPE_FULL) or drops it (CLUSTER_SCOPE_NONE); never UNSPECIFIED.
  v1::ClusterScope cluster_scope = v1::CLUSTER_SCOPE_FULL;
  // The Helm release values.yaml is written for (the chart names its objects
  // after it); "" when the bundle has no chart.
  std::string chart_release;
  // The kubeconfig context this compilation is for, or "" when the profile
  // lists no contexts.
  std::string context;
  // The context's output folder under the profile's (a DNS-1123 label); ""
  // when `context` is.
  std::string context_folder;

  // True for CLUSTER_SCOPE_NONE: only the target namespaces' objects.
  bool namespace_only() const {
    return cluster_scope == v1::CLUSTER_SCOPE_NONE;
  }
  // The primary target namespace.
  const std::string& primary_namespace() const { return namespaces.front(); }
  // The service account in each target namespace (none without an account).
  std::vector<Subject> ServiceAccounts() const;
  // True for an identity mode whose application bootstraps its own account:
  // the account runs the application's pods, extra_subjects launch it.
  bool bootstraps() const {
    return bootstrap != v1::BOOTSTRAP_MODE_UNSPECIFIED;
  }
};

// Builds the selection for `profile_name` (or, when empty, an ad-hoc selection
// that must have overrides.features) from the bundle's defaults, the profile
// and `overrides`. Adds an issue, at the field or flag that set it, for: an
// unknown profile or feature (with a suggestion), an empty feature list,
// namespaces that are not DNS-1123 labels (or both `namespace` and `namespaces`
// in a profile), a service account that is not a DNS-1123 subdomain, an
// unknown identity mode, a service account given for a mode that has its own
// or none, a mode without an account and no subjects, creating an account a
// mode does not have, subjects not of the form User:NAME, Group:NAME or
// ServiceAccount:NAMESPACE/NAME, and ResolveBootstrapMode's mistakes. Returns
// what it could resolve; it is only meaningful when no error was added.
//
// A selection of a profile with more than one context (or --contexts naming
// more than one) is an error here, at the profile's contexts (or the flag),
// suggesting --contexts=NAME: use ResolveSelections to get one per context.
// Also adds an issue for a chart release that is not a Helm release name
// (at most 53 characters, DNS-1123 subdomain), or one given for a bundle
// without a Helm chart.
Selection ResolveSelection(const LoadedBundle& bundle,
                           const std::string& profile_name,
                           const SelectionOverrides& overrides,
                           IssueList* issues);

// Parses a --cluster_scope value: "full" or "none". Returns false for any
// other text (`scope` is then unchanged).
bool ParseClusterScope(const std::string& text, v1::ClusterScope* scope);

// Returns the --cluster_scope spelling of `scope`: "full" or "none".
std::string ClusterScopeFlagValue(v1::ClusterScope scope);
// Like ResolveSelection, but for a profile with contexts (or --contexts)
// returns one selection per context, in the order listed, each with `context`
// and `context_folder` set; otherwise the one selection. Besides
// ResolveSelection's checks, adds an issue for: a context without a name, or
// whose name has control characters or is not valid UTF-8; a context listed
// twice; a folder (the name, when no folder is given) that is not a DNS-1123
// label; two contexts with one folder; --contexts naming no context, or an
// entry with an empty identity; and contexts in a bundle whose application has
// no contexts_config_key; and a warning when two contexts have one identity
// but other namespaces or subjects (on one cluster, their cluster-scoped
// objects would share names). Each issue is added once, even when several
// contexts share the mistake.
std::vector<Selection> ResolveSelections(const LoadedBundle& bundle,
                                         const std::string& profile_name,
                                         const SelectionOverrides& overrides,
                                         IssueList* issues);

// Parses "User:alice", "Group:ml-team" or "ServiceAccount:ns/name". Returns
// false (and adds an issue at `location`) when `text` is none of these or the
// names are invalid.
bool ParseSubject(const std::string& text, const SourceLocation& location,
                  Subject* subject, IssueList* issues);

}  // namespace rbacc

#endif  // RBACC_COMPILER_RESOLVE_SELECTION_H_
