// Resolves one selection: the settings layered bundle defaults < profile <
// context < flags, then each checked (see selection.h).
#include "compiler/resolve/selection.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "compiler/common/names.h"
#include "compiler/resolve/selection_contexts.h"
#include "compiler/validate/bootstrap.h"

namespace rbacc {
namespace {

using selection_internal::ContextEntry;
using selection_internal::FindProfile;
using selection_internal::FromProfile;

// The longest user or group name accepted in --subjects.
constexpr size_t kMaxSubjectNameLength = 253;

}  // namespace

bool ParseClusterScope(const std::string& text, v1::ClusterScope* scope) {
  if (text == "full") {
    *scope = v1::CLUSTER_SCOPE_FULL;
  } else if (text == "none") {
    *scope = v1::CLUSTER_SCOPE_NONE;
  } else {
    return false;
  }
  return true;
}

std::string ClusterScopeFlagValue(v1::ClusterScope scope) {
  return scope == v1::CLUSTER_SCOPE_NONE ? "none" : "full";
}

bool ParseSubject(const std::string& text, const SourceLocation& location,
                  Subject* subject, IssueList* issues) {
  const size_t colon = text.find(':');
  const std::string kind =
      colon == std::string::npos ? "" : text.substr(0, colon);
  const std::string rest =
      colon == std::string::npos ? "" : text.substr(colon + 1);
  const auto fail = [&](const std::string& why) {
    issues->AddError(location,
                     absl::StrCat("subject \"", absl::CEscape(text), "\" ", why,
                                  "; write User:NAME, Group:NAME or "
                                  "ServiceAccount:NAMESPACE/NAME"));
    return false;
  };
  if (kind == "User" || kind == "Group") {
    const bool printable = std::all_of(rest.begin(), rest.end(), [](char c) {
      return !absl::ascii_iscntrl(static_cast<unsigned char>(c));
    });
    if (rest.empty() || rest.size() > kMaxSubjectNameLength || !printable ||
        FindInvalidUtf8(rest) != absl::string_view::npos) {
      return fail("needs a name of 1 to 253 printable UTF-8 characters");
    }
    *subject = Subject{kind, rest, ""};
    return true;
  }
  if (kind == "ServiceAccount") {
    const size_t slash = rest.find('/');
    if (slash == std::string::npos) return fail("has no namespace");
    const std::string namespace_name = rest.substr(0, slash);
    const std::string name = rest.substr(slash + 1);
    if (!IsDns1123Label(namespace_name)) {
      return fail(absl::StrCat("has namespace \"", namespace_name,
                               "\", which is not a DNS-1123 label"));
    }
    if (!IsDns1123Subdomain(name)) {
      return fail(absl::StrCat("has name \"", name,
                               "\", which is not a DNS-1123 subdomain"));
    }
    *subject = Subject{kind, name, namespace_name};
    return true;
  }
  return fail(kind.empty()
                  ? "has no kind"
                  : absl::StrCat(
                        "has unknown kind \"", kind, "\"",
                        DidYouMean(kind, {"User", "Group", "ServiceAccount"})));
}

std::vector<Subject> Selection::ServiceAccounts() const {
  std::vector<Subject> accounts;
  if (service_account.empty()) return accounts;
  for (const std::string& namespace_name : namespaces) {
    accounts.push_back(
        Subject{"ServiceAccount", service_account, namespace_name});
  }
  return accounts;
}

namespace {

// Where the account and the identity were last set: kBundle, kProfile,
// kContext (the profile's entry for the context) or kFlag. A higher layer
// wins over a lower one; within one layer, an account and an identity that
// disagree are an error.
enum Layer { kBundle, kProfile, kContext, kFlag };

// The settings of one selection as the layers give them, before checking:
// bundle defaults < profile < context < command-line flags.
struct LayeredSettings {
  Located<std::vector<std::string>> features;
  Located<std::vector<std::string>> namespaces;
  Located<std::string> service_account;
  Layer account_layer = kBundle;
  Layer identity_layer = kBundle;
  Located<std::string> remote_identity;
  Located<std::vector<std::string>> subjects;
  std::optional<Located<bool>> create_service_account;
  Located<std::string> chart_release;
  bool chart_release_given = false;
  std::optional<Located<v1::BootstrapMode>> bootstrap;

  // True when the account and the identity were both set at one layer (above
  // the bundle's defaults), so they must agree.
  bool account_conflicts() const {
    return account_layer != kBundle && account_layer == identity_layer;
  }
};

// The bundle's defaults: its namespace, account, identity and chart release.
LayeredSettings BundleDefaults(const LoadedBundle& bundle) {
  const v1::Defaults& defaults = bundle.proto.defaults();
  LayeredSettings settings;
  settings.namespaces = {
      {defaults.namespace_()}, bundle.source.Locate("defaults.namespace"), {}};
  settings.service_account = {defaults.service_account(),
                              bundle.source.Locate("defaults.service_account"),
                              {}};
  settings.remote_identity = {defaults.remote_identity(),
                              bundle.source.Locate("defaults.remote_identity"),
                              {}};
  const v1::HelmChart& chart = bundle.proto.helm_chart();
  settings.chart_release =
      chart.default_release().empty()
          ? Located<std::string>{chart.name(),
                                 bundle.source.Locate("helm_chart.name"),
                                 {}}
          : Located<std::string>{
                chart.default_release(),
                bundle.source.Locate("helm_chart.default_release"),
                {}};
  return settings;
}

// Layers the profile's settings over `settings` (its cluster scope and
// allowances straight into `selection`). Namespaces given both ways are an
// error.
void ApplyProfile(const LoadedProfile& profile, LayeredSettings& settings,
                  Selection& selection, IssueList* issues) {
  const v1::Profile& proto = profile.proto;
  settings.features = FromProfile(proto.features(), profile, "features");
  if (!proto.namespace_().empty() && !proto.namespaces().empty()) {
    issues->AddError(profile.source.Locate("namespaces"),
                     "set either namespace or namespaces, not both");
  } else if (!proto.namespace_().empty()) {
    settings.namespaces = {
        {proto.namespace_()}, profile.source.Locate("namespace"), {}};
  } else if (!proto.namespaces().empty()) {
    settings.namespaces =
        FromProfile(proto.namespaces(), profile, "namespaces");
  }
  if (!proto.service_account().empty()) {
    settings.service_account =
        FromProfile(proto.service_account(), profile, "service_account");
    settings.account_layer = kProfile;
  }
  if (!proto.remote_identity().empty()) {
    settings.remote_identity =
        FromProfile(proto.remote_identity(), profile, "remote_identity");
    settings.identity_layer = kProfile;
  }
  settings.subjects = FromProfile(proto.subjects(), profile, "subjects");
  if (proto.cluster_scope() != v1::CLUSTER_SCOPE_UNSPECIFIED) {
    selection.cluster_scope = proto.cluster_scope();
  }
  if (proto.has_create_service_account()) {
    settings.create_service_account =
        Located<bool>{proto.create_service_account(),
                      profile.source.Locate("create_service_account"),
                      {}};
  }
  if (!proto.chart_release().empty()) {
    settings.chart_release =
        FromProfile(proto.chart_release(), profile, "chart_release");
    settings.chart_release_given = true;
  }
  if (proto.bootstrap() != v1::BOOTSTRAP_MODE_UNSPECIFIED) {
    settings.bootstrap = Located<v1::BootstrapMode>{
        proto.bootstrap(), profile.source.Locate("bootstrap"), {}};
  }
  selection.allowances.assign(proto.allow().begin(), proto.allow().end());
}

// Layers the profile's entry for `context` over `settings`, and names the
// context and its folder in `selection`. An identity from --contexts is left
// for ApplyOverrides.
void ApplyContext(const ContextEntry& context, LayeredSettings& settings,
                  Selection& selection) {
  selection.context = context.name.value;
  selection.context_folder =
      context.folder.value.empty() ? context.name.value : context.folder.value;
  if (context.namespaces) settings.namespaces = *context.namespaces;
  if (context.subjects) settings.subjects = *context.subjects;
  if (context.create_service_account) {
    settings.create_service_account = context.create_service_account;
  }
  if (context.remote_identity && !context.identity_from_flag) {
    settings.remote_identity = *context.remote_identity;
    settings.identity_layer = kContext;
  }
}

// Layers the command-line flags (and an identity from --contexts, more
// specific than --remote_identity) over `settings`; the cluster scope goes
// straight into `selection`. An account named at a higher layer than the
// identity means that custom account, so the identity is then cleared.
void ApplyOverrides(const SelectionOverrides& overrides,
                    const ContextEntry* context, LayeredSettings& settings,
                    Selection& selection) {
  if (overrides.features) settings.features = *overrides.features;
  if (overrides.namespaces) settings.namespaces = *overrides.namespaces;
  if (overrides.service_account) {
    settings.service_account = *overrides.service_account;
    settings.account_layer = kFlag;
  }
  if (overrides.remote_identity) {
    settings.remote_identity = *overrides.remote_identity;
    settings.identity_layer = kFlag;
  }
  if (context != nullptr && context->remote_identity &&
      context->identity_from_flag) {
    settings.remote_identity = *context->remote_identity;
    settings.identity_layer = kFlag;
  }
  if (overrides.chart_release) {
    settings.chart_release = *overrides.chart_release;
    settings.chart_release_given = true;
  }
  if (overrides.bootstrap) settings.bootstrap = overrides.bootstrap;
  // An account below the identity's layer gives way to it.
  if (settings.account_layer > settings.identity_layer) {
    settings.remote_identity.value.clear();
  }
  if (overrides.subjects) settings.subjects = *overrides.subjects;
  if (overrides.create_service_account) {
    settings.create_service_account = overrides.create_service_account;
  }
  if (overrides.cluster_scope &&
      overrides.cluster_scope->value != v1::CLUSTER_SCOPE_UNSPECIFIED) {
    selection.cluster_scope = overrides.cluster_scope->value;
  }
}

// Checks the Helm release: a release name for a bundle with a chart, none
// given for a bundle without.
void ResolveChartRelease(const LoadedBundle& bundle,
                         const LayeredSettings& settings, Selection& selection,
                         IssueList* issues) {
  const Located<std::string>& chart_release = settings.chart_release;
  if (bundle.proto.has_helm_chart()) {
    if (!IsHelmReleaseName(chart_release.value)) {
      issues->AddError(
          chart_release.location,
          absl::StrCat("chart release \"", absl::CEscape(chart_release.value),
                       "\" is not a Helm release name: at most 53 characters "
                       "of a-z, 0-9, \"-\" and \".\", each dot-separated part "
                       "starting and ending with a letter or digit"));
    }
    selection.chart_release = chart_release.value;
  } else if (settings.chart_release_given) {
    issues->AddError(chart_release.location,
                     absl::StrCat("bundle \"", bundle.proto.name(),
                                  "\" has no Helm chart; remove the chart "
                                  "release"));
  }
}

// Features: each known, at least one, then closed under `requires` (noting
// which feature required each added one).
void ResolveFeatures(const LoadedBundle& bundle,
                     const Located<std::vector<std::string>>& features,
                     Selection& selection, IssueList* issues) {
  std::vector<std::string> known(bundle.proto.features().begin(),
                                 bundle.proto.features().end());
  std::set<std::string> requested;
  for (size_t i = 0; i < features.value.size(); ++i) {
    const std::string& name = features.value[i];
    if (bundle.features.count(name) == 0) {
      issues->AddError(features.ElementLocation(i),
                       absl::StrCat("unknown feature \"", name, "\"",
                                    DidYouMean(name, known), "; bundle \"",
                                    bundle.proto.name(),
                                    "\" has: ", absl::StrJoin(known, ", ")));
      continue;
    }
    requested.insert(name);
  }
  if (features.value.empty()) {
    issues->AddError(
        features.location.file.empty() ? SourceLocation{"--features"}
                                       : features.location,
        absl::StrCat("no features selected; name at least one of: ",
                     absl::StrJoin(known, ", ")));
  }
  selection.requested_features.assign(requested.begin(), requested.end());
  std::set<std::string> closure = requested;
  std::vector<std::string> pending(requested.begin(), requested.end());
  while (!pending.empty()) {
    const std::string name = pending.back();
    pending.pop_back();
    const auto feature = bundle.features.find(name);
    if (feature == bundle.features.end()) continue;
    for (const std::string& required : feature->second.proto.requires()) {
      if (bundle.features.count(required) == 0) continue;
      if (closure.insert(required).second) {
        selection.required_by[required] = name;
        pending.push_back(required);
      }
    }
  }
  selection.features.assign(closure.begin(), closure.end());
}

// Namespaces: at least one, each a DNS-1123 label, kept once in given order.
void ResolveNamespaces(const Located<std::vector<std::string>>& namespaces,
                       Selection& selection, IssueList* issues) {
  if (namespaces.value.empty()) {
    issues->AddError(namespaces.location, "no target namespace given");
  }
  for (size_t i = 0; i < namespaces.value.size(); ++i) {
    const std::string& name = namespaces.value[i];
    if (!IsDns1123Label(name)) {
      issues->AddError(
          namespaces.ElementLocation(i),
          absl::StrCat("namespace \"", absl::CEscape(name),
                       "\" is not a DNS-1123 label: at most 63 characters of "
                       "a-z, 0-9 and \"-\", starting and ending with a letter "
                       "or digit"));
    }
    if (std::find(selection.namespaces.begin(), selection.namespaces.end(),
                  name) == selection.namespaces.end()) {
      selection.namespaces.push_back(name);
      selection.namespace_locations.push_back(namespaces.ElementLocation(i));
    }
  }
}

// The identity is `mode`: takes its account, and checks that no other account,
// no account to create, and (for a mode without an account) some subjects were
// given.
void UseIdentityMode(const v1::IdentityMode& mode,
                     const LayeredSettings& settings, Selection& selection,
                     IssueList* issues) {
  const Located<std::string>& service_account = settings.service_account;
  const std::optional<Located<bool>>& create_service_account =
      settings.create_service_account;
  selection.remote_identity = mode.name();
  selection.service_account = mode.service_account();
  if (settings.account_conflicts() &&
      service_account.value != mode.service_account()) {
    issues->AddError(
        service_account.location,
        mode.service_account().empty()
            ? absl::StrCat(mode.name(),
                           " uses no service account; remove it and bind "
                           "the roles with --subjects")
            : absl::StrCat(mode.name(),
                           " uses the application's own account \"",
                           mode.service_account(), "\"; remove \"",
                           service_account.value, "\""));
  }
  if (!mode.service_account().empty()) return;
  if (create_service_account && create_service_account->value) {
    const bool flag = create_service_account->location.line < 0;
    issues->AddError(create_service_account->location,
                     absl::StrCat(mode.name(),
                                  " has no service account to create; "
                                  "remove ",
                                  flag ? "--create_service_account"
                                       : "create_service_account: true"));
  }
  if (settings.subjects.value.empty()) {
    const bool flag = settings.remote_identity.location.line < 0;
    issues->AddError(
        settings.remote_identity.location,
        absl::StrCat(mode.name(),
                     " binds the roles to kubeconfig identities, but none "
                     "were given; add ",
                     flag ? "--subjects=User:NAME (or Group:NAME)"
                          : "subjects: \"User:NAME\" (or Group:NAME) "
                            "beside it, or --subjects"));
  }
}

// The identity is a custom account: --remote_identity names it, or defaults to
// it. Checks that the two agree and the name is a DNS-1123 subdomain.
void UseCustomAccount(LayeredSettings& settings, Selection& selection,
                      IssueList* issues) {
  Located<std::string>& service_account = settings.service_account;
  const Located<std::string>& remote_identity = settings.remote_identity;
  const std::string& identity = remote_identity.value;
  if (!identity.empty()) {
    if (settings.account_conflicts() && service_account.value != identity) {
      issues->AddError(
          remote_identity.location,
          absl::StrCat("remote identity \"", absl::CEscape(identity),
                       "\" is not the service account \"",
                       service_account.value,
                       "\"; give the account once, with --service_account or "
                       "--remote_identity"));
    }
    service_account.value = identity;
    service_account.location = remote_identity.location;
  }
  if (!IsDns1123Subdomain(service_account.value)) {
    issues->AddError(
        service_account.location,
        absl::StrCat("service account \"", absl::CEscape(service_account.value),
                     "\" is not a DNS-1123 subdomain: at most 253 characters "
                     "of a-z, 0-9, \"-\" and \".\", each dot-separated part "
                     "starting and ending with a letter or digit"));
  }
  selection.service_account = service_account.value;
  selection.remote_identity = service_account.value;
}

// Identity: a mode of the application, or a custom service account. Returns
// false (after an issue) when the identity looks like a mode the application
// does not have.
bool ResolveIdentity(const LoadedBundle& bundle, LayeredSettings& settings,
                     Selection& selection, IssueList* issues) {
  const Located<std::string>& remote_identity = settings.remote_identity;
  std::vector<std::string> modes;
  for (const v1::IdentityMode& mode :
       bundle.proto.application().identity_modes()) {
    modes.push_back(mode.name());
    if (mode.name() == remote_identity.value) selection.identity_mode = mode;
  }
  const std::string& identity = remote_identity.value;
  const bool looks_like_mode =
      !identity.empty() &&
      std::all_of(identity.begin(), identity.end(),
                  [](char c) { return absl::ascii_isupper(c) || c == '_'; });
  if (!selection.identity_mode && looks_like_mode) {
    issues->AddError(
        remote_identity.location,
        absl::StrCat("unknown identity mode \"", identity, "\"",
                     DidYouMean(identity, modes),
                     "; the bundle's modes: ", absl::StrJoin(modes, ", "),
                     ", or a service account name"));
    return false;
  }
  if (selection.identity_mode) {
    UseIdentityMode(*selection.identity_mode, settings, selection, issues);
  } else {
    UseCustomAccount(settings, selection, issues);
  }
  selection.identity_location = remote_identity.location;
  return true;
}

// The bootstrap mode (ResolveBootstrapMode's checks) and whether rbac.yaml
// creates the service account.
void ResolveBootstrap(const LayeredSettings& settings, Selection& selection,
                      IssueList* issues) {
  BootstrapSelectionInput bootstrap_input;
  bootstrap_input.mode =
      selection.identity_mode ? &*selection.identity_mode : nullptr;
  bootstrap_input.identity_location = settings.remote_identity.location;
  if (settings.bootstrap) {
    bootstrap_input.bootstrap = settings.bootstrap->value;
    bootstrap_input.bootstrap_location = settings.bootstrap->location;
  }
  bootstrap_input.subject_count = settings.subjects.value.size();
  bootstrap_input.namespace_count = selection.namespaces.size();
  bootstrap_input.namespaces_location = settings.namespaces.location;
  bootstrap_input.namespace_only = selection.namespace_only();
  const std::optional<Located<bool>>& create_service_account =
      settings.create_service_account;
  if (create_service_account) {
    bootstrap_input.create_service_account_given = true;
    bootstrap_input.create_service_account_location =
        create_service_account->location;
  }
  selection.bootstrap = ResolveBootstrapMode(bootstrap_input, issues);
  selection.create_service_account =
      !selection.service_account.empty() && !selection.bootstraps() &&
      (!create_service_account || create_service_account->value);
}

// The subjects bound besides the service accounts: each parsed, sorted, once.
void ResolveExtraSubjects(const Located<std::vector<std::string>>& subjects,
                          Selection& selection, IssueList* issues) {
  std::set<Subject> extra;
  for (size_t i = 0; i < subjects.value.size(); ++i) {
    Subject subject;
    if (ParseSubject(subjects.value[i], subjects.ElementLocation(i), &subject,
                     issues)) {
      extra.insert(subject);
      selection.extra_subject_locations.try_emplace(
          subject, subjects.ElementLocation(i));
    }
  }
  for (const Subject& account : selection.ServiceAccounts()) {
    extra.erase(account);
    selection.extra_subject_locations.erase(account);
  }
  selection.extra_subjects.assign(extra.begin(), extra.end());
}

}  // namespace

namespace selection_internal {

Selection ResolveOne(const LoadedBundle& bundle,
                     const std::string& profile_name,
                     const SelectionOverrides& overrides,
                     const ContextEntry* context, IssueList* issues) {
  Selection selection;
  selection.profile_name = profile_name;
  LayeredSettings settings = BundleDefaults(bundle);
  if (!profile_name.empty()) {
    const LoadedProfile* profile = FindProfile(bundle, profile_name);
    if (profile == nullptr) {
      std::vector<std::string> names;
      for (const auto& named : bundle.profiles) names.push_back(named.first);
      issues->AddError(
          {"--profile"},
          absl::StrCat("bundle \"", bundle.proto.name(), "\" has no profile \"",
                       profile_name, "\"", DidYouMean(profile_name, names),
                       "; its profiles: ", absl::StrJoin(names, ", ")));
      return selection;
    }
    ApplyProfile(*profile, settings, selection, issues);
  }
  if (context != nullptr) ApplyContext(*context, settings, selection);
  ApplyOverrides(overrides, context, settings, selection);

  ResolveChartRelease(bundle, settings, selection, issues);
  ResolveFeatures(bundle, settings.features, selection, issues);
  ResolveNamespaces(settings.namespaces, selection, issues);
  if (!ResolveIdentity(bundle, settings, selection, issues)) return selection;
  ResolveBootstrap(settings, selection, issues);
  ResolveExtraSubjects(settings.subjects, selection, issues);
  return selection;
}

}  // namespace selection_internal
}  // namespace rbacc
