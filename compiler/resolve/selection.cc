#include "compiler/resolve/selection.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "compiler/common/names.h"
#include "compiler/validate/bootstrap.h"

namespace rbacc {
namespace {

// The longest user or group name accepted in --subjects.
constexpr size_t kMaxSubjectNameLength = 253;

Located<std::string> FromProfile(const std::string& value,
                                 const LoadedProfile& profile,
                                 const std::string& field) {
  return Located<std::string>{value, profile.source.Locate(field), {}};
}

Located<std::vector<std::string>> FromProfile(
    const google::protobuf::RepeatedPtrField<std::string>& values,
    const LoadedProfile& profile, const std::string& field) {
  Located<std::vector<std::string>> located{
      std::vector<std::string>(values.begin(), values.end()),
      profile.source.Locate(field),
      {}};
  for (int i = 0; i < values.size(); ++i) {
    located.element_locations.push_back(
        profile.source.Locate(absl::StrCat(field, "[", i, "]")));
  }
  return located;
}

// One context of a selection, with where each of its settings was given.
struct ContextEntry {
  Located<std::string> name;
  // The output folder as given; empty for the name.
  Located<std::string> folder;
  std::optional<Located<std::string>> remote_identity;
  // True when remote_identity comes from --contexts (it then overrides
  // --remote_identity, not the other way round).
  bool identity_from_flag = false;
  std::optional<Located<std::vector<std::string>>> namespaces;
  std::optional<Located<std::vector<std::string>>> subjects;
  std::optional<Located<bool>> create_service_account;
};

const LoadedProfile* FindProfile(const LoadedBundle& bundle,
                                 const std::string& profile_name) {
  const auto found = bundle.profiles.find(profile_name);
  return found == bundle.profiles.end() ? nullptr : &found->second;
}

// The contexts a profile lists, as entries.
std::vector<ContextEntry> ProfileContexts(const LoadedProfile& profile) {
  std::vector<ContextEntry> entries;
  const auto& contexts = profile.proto.contexts();
  for (int i = 0; i < contexts.size(); ++i) {
    const v1::ContextIdentity& context = contexts[i];
    const std::string field = absl::StrCat("contexts[", i, "]");
    ContextEntry entry;
    entry.name = FromProfile(context.name(), profile,
                             context.name().empty() ? field : field + ".name");
    entry.folder = FromProfile(context.folder(), profile, field + ".folder");
    if (!context.remote_identity().empty()) {
      entry.remote_identity = FromProfile(context.remote_identity(), profile,
                                          field + ".remote_identity");
    }
    if (!context.namespaces().empty()) {
      entry.namespaces =
          FromProfile(context.namespaces(), profile, field + ".namespaces");
    }
    if (!context.subjects().empty()) {
      entry.subjects =
          FromProfile(context.subjects(), profile, field + ".subjects");
    }
    if (context.has_create_service_account()) {
      entry.create_service_account = Located<bool>{
          context.create_service_account(),
          profile.source.Locate(field + ".create_service_account"),
          {}};
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

// The contexts of a selection: --contexts (each bare name keeping the
// profile's settings for it) or the profile's, checked as ResolveSelections
// says. Where the contexts were given is returned in `location`.
std::vector<ContextEntry> SelectedContexts(const LoadedBundle& bundle,
                                           const LoadedProfile* profile,
                                           const SelectionOverrides& overrides,
                                           SourceLocation* location,
                                           IssueList* issues) {
  const std::vector<ContextEntry> listed = profile == nullptr
                                               ? std::vector<ContextEntry>{}
                                               : ProfileContexts(*profile);
  std::vector<ContextEntry> entries;
  if (overrides.contexts) {
    *location = overrides.contexts->location;
    if (overrides.contexts->value.empty()) {
      issues->AddError(*location,
                       "names no context; write CONTEXT=IDENTITY or CONTEXT, "
                       "comma-separated");
    }
    for (const std::string& text : overrides.contexts->value) {
      const size_t equals = text.rfind('=');
      const std::string name = text.substr(0, equals);
      ContextEntry entry;
      entry.name = {name, overrides.contexts->location, {}};
      for (const ContextEntry& candidate : listed) {
        if (candidate.name.value == name) entry = candidate;
      }
      if (equals != std::string::npos) {
        const std::string identity = text.substr(equals + 1);
        if (identity.empty()) {
          issues->AddError(
              overrides.contexts->location,
              absl::StrCat("entry \"", absl::CEscape(text),
                           "\" names no identity; write CONTEXT=IDENTITY (a "
                           "service account or a mode) or just CONTEXT"));
        }
        entry.remote_identity =
            Located<std::string>{identity, overrides.contexts->location, {}};
        entry.identity_from_flag = true;
      }
      entries.push_back(std::move(entry));
    }
  } else {
    entries = listed;
    if (profile != nullptr) *location = profile->source.Locate("contexts");
  }
  if (entries.empty()) return entries;

  if (bundle.proto.application().contexts_config_key().empty()) {
    issues->AddError(
        *location,
        absl::StrCat("bundle \"", bundle.proto.name(),
                     "\" declares no application.contexts_config_key, so its "
                     "selections cannot list contexts"));
  }
  std::map<std::string, const ContextEntry*> names;
  std::map<std::string, const ContextEntry*> folders;
  for (const ContextEntry& entry : entries) {
    const std::string& name = entry.name.value;
    const bool printable = std::all_of(name.begin(), name.end(), [](char c) {
      return !absl::ascii_iscntrl(static_cast<unsigned char>(c));
    });
    if (name.empty()) {
      issues->AddError(entry.name.location,
                       "a context needs the name the kubeconfig gives it");
      continue;
    }
    if (!printable || FindInvalidUtf8(name) != absl::string_view::npos) {
      issues->AddError(entry.name.location,
                       absl::StrCat("context \"", absl::CEscape(name),
                                    "\" has control characters or is not "
                                    "valid UTF-8; write the kubeconfig's "
                                    "context name"));
      continue;
    }
    if (!names.emplace(name, &entry).second) {
      issues->AddError(
          entry.name.location,
          absl::StrCat(
              "context \"", name, "\" is listed twice",
              names.at(name)->name.location == entry.name.location
                  ? ""
                  : absl::StrCat(" (first at ",
                                 names.at(name)->name.location.ToString(), ")"),
              "; list each context once"));
      continue;
    }
    const bool named_folder = !entry.folder.value.empty();
    const std::string folder = named_folder ? entry.folder.value : name;
    if (!IsDns1123Label(folder)) {
      issues->AddError(
          named_folder ? entry.folder.location : entry.name.location,
          named_folder
              ? absl::StrCat("folder \"", absl::CEscape(folder),
                             "\" is not a DNS-1123 label: at most 63 "
                             "characters of a-z, 0-9 and \"-\", starting and "
                             "ending with a letter or digit")
              : absl::StrCat(
                    "context \"", absl::CEscape(name),
                    "\" cannot name its output folder: it is not a DNS-1123 "
                    "label (at most 63 characters of a-z, 0-9 and \"-\", "
                    "starting and ending with a letter or digit); ",
                    entry.name.location.line < 0
                        ? "list it in a profile's contexts with folder: "
                          "\"NAME\""
                        : "add folder: \"NAME\" to its contexts entry"));
      continue;
    }
    if (!folders.emplace(folder, &entry).second) {
      issues->AddError(
          named_folder ? entry.folder.location : entry.name.location,
          absl::StrCat("contexts \"", folders.at(folder)->name.value,
                       "\" and \"", name, "\" would share the output folder \"",
                       folder, "\"; give one of them another folder"));
    }
  }
  return entries;
}

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

// ResolveSelection for one context of the selection (none when null).
Selection ResolveOne(const LoadedBundle& bundle,
                     const std::string& profile_name,
                     const SelectionOverrides& overrides,
                     const ContextEntry* context, IssueList* issues) {
  Selection selection;
  selection.profile_name = profile_name;
  const v1::Defaults& defaults = bundle.proto.defaults();

  Located<std::vector<std::string>> features;
  Located<std::vector<std::string>> namespaces{
      {defaults.namespace_()}, bundle.source.Locate("defaults.namespace"), {}};
  Located<std::string> service_account{
      defaults.service_account(),
      bundle.source.Locate("defaults.service_account"),
      {}};
  // Where the account and the identity were last set: kBundle, kProfile,
  // kContext (the profile's entry for the context) or kFlag. A higher layer
  // wins over a lower one; within one layer, an account and an identity that
  // disagree are an error.
  enum Layer { kBundle, kProfile, kContext, kFlag };
  Layer account_layer = kBundle;
  Layer identity_layer = kBundle;
  Located<std::string> remote_identity{
      defaults.remote_identity(),
      bundle.source.Locate("defaults.remote_identity"),
      {}};
  Located<std::vector<std::string>> subjects;
  std::optional<Located<bool>> create_service_account;
  const v1::HelmChart& chart = bundle.proto.helm_chart();
  Located<std::string> chart_release =
      chart.default_release().empty()
          ? Located<std::string>{chart.name(),
                                 bundle.source.Locate("helm_chart.name"),
                                 {}}
          : Located<std::string>{
                chart.default_release(),
                bundle.source.Locate("helm_chart.default_release"),
                {}};
  bool chart_release_given = false;
  std::optional<Located<v1::BootstrapMode>> bootstrap;

  if (!profile_name.empty()) {
    const auto found = bundle.profiles.find(profile_name);
    if (found == bundle.profiles.end()) {
      std::vector<std::string> names;
      for (const auto& [name, profile] : bundle.profiles) names.push_back(name);
      issues->AddError(
          {"--profile"},
          absl::StrCat("bundle \"", bundle.proto.name(), "\" has no profile \"",
                       profile_name, "\"", DidYouMean(profile_name, names),
                       "; its profiles: ", absl::StrJoin(names, ", ")));
      return selection;
    }
    const LoadedProfile& profile = found->second;
    const v1::Profile& proto = profile.proto;
    features = FromProfile(proto.features(), profile, "features");
    if (!proto.namespace_().empty() && !proto.namespaces().empty()) {
      issues->AddError(profile.source.Locate("namespaces"),
                       "set either namespace or namespaces, not both");
    } else if (!proto.namespace_().empty()) {
      namespaces = {
          {proto.namespace_()}, profile.source.Locate("namespace"), {}};
    } else if (!proto.namespaces().empty()) {
      namespaces = FromProfile(proto.namespaces(), profile, "namespaces");
    }
    if (!proto.service_account().empty()) {
      service_account =
          FromProfile(proto.service_account(), profile, "service_account");
      account_layer = kProfile;
    }
    if (!proto.remote_identity().empty()) {
      remote_identity =
          FromProfile(proto.remote_identity(), profile, "remote_identity");
      identity_layer = kProfile;
    }
    subjects = FromProfile(proto.subjects(), profile, "subjects");
    if (proto.cluster_scope() != v1::CLUSTER_SCOPE_UNSPECIFIED) {
      selection.cluster_scope = proto.cluster_scope();
    }
    if (proto.has_create_service_account()) {
      create_service_account =
          Located<bool>{proto.create_service_account(),
                        profile.source.Locate("create_service_account"),
                        {}};
    }
    if (!proto.chart_release().empty()) {
      chart_release =
          FromProfile(proto.chart_release(), profile, "chart_release");
      chart_release_given = true;
    }
    if (proto.bootstrap() != v1::BOOTSTRAP_MODE_UNSPECIFIED) {
      bootstrap = Located<v1::BootstrapMode>{
          proto.bootstrap(), profile.source.Locate("bootstrap"), {}};
    }
    selection.allowances.assign(proto.allow().begin(), proto.allow().end());
  }
  if (context != nullptr) {
    selection.context = context->name.value;
    selection.context_folder = context->folder.value.empty()
                                   ? context->name.value
                                   : context->folder.value;
    if (context->namespaces) namespaces = *context->namespaces;
    if (context->subjects) subjects = *context->subjects;
    if (context->create_service_account) {
      create_service_account = context->create_service_account;
    }
    if (context->remote_identity && !context->identity_from_flag) {
      remote_identity = *context->remote_identity;
      identity_layer = kContext;
    }
  }
  if (overrides.features) features = *overrides.features;
  if (overrides.namespaces) namespaces = *overrides.namespaces;
  if (overrides.service_account) {
    service_account = *overrides.service_account;
    account_layer = kFlag;
  }
  if (overrides.remote_identity) {
    remote_identity = *overrides.remote_identity;
    identity_layer = kFlag;
  }
  // --contexts=NAME=IDENTITY is more specific than --remote_identity.
  if (context != nullptr && context->remote_identity &&
      context->identity_from_flag) {
    remote_identity = *context->remote_identity;
    identity_layer = kFlag;
  }
  if (overrides.chart_release) {
    chart_release = *overrides.chart_release;
    chart_release_given = true;
  }
  if (overrides.bootstrap) bootstrap = overrides.bootstrap;
  // An account named at a higher layer than the identity means that custom
  // account; an account below the identity's layer gives way to it.
  if (account_layer > identity_layer) remote_identity.value.clear();
  const bool account_conflicts =
      account_layer != kBundle && account_layer == identity_layer;
  if (overrides.subjects) subjects = *overrides.subjects;
  if (overrides.create_service_account) {
    create_service_account = overrides.create_service_account;
  }
  if (overrides.cluster_scope &&
      overrides.cluster_scope->value != v1::CLUSTER_SCOPE_UNSPECIFIED) {
    selection.cluster_scope = overrides.cluster_scope->value;
  }

  // The Helm release.
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
  } else if (chart_release_given) {
    issues->AddError(chart_release.location,
                     absl::StrCat("bundle \"", bundle.proto.name(),
                                  "\" has no Helm chart; remove the chart "
                                  "release"));
  }

  // Features: known, then closed under `requires`.
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

  // Namespaces.
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

  // Identity: a mode of the application, or a custom service account.
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
    return selection;
  }
  if (selection.identity_mode) {
    const v1::IdentityMode& mode = *selection.identity_mode;
    selection.remote_identity = mode.name();
    selection.service_account = mode.service_account();
    if (account_conflicts && service_account.value != mode.service_account()) {
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
    if (mode.service_account().empty()) {
      if (create_service_account && create_service_account->value) {
        const bool flag = create_service_account->location.line < 0;
        issues->AddError(create_service_account->location,
                         absl::StrCat(mode.name(),
                                      " has no service account to create; "
                                      "remove ",
                                      flag ? "--create_service_account"
                                           : "create_service_account: true"));
      }
      if (subjects.value.empty()) {
        const bool flag = remote_identity.location.line < 0;
        issues->AddError(
            remote_identity.location,
            absl::StrCat(mode.name(),
                         " binds the roles to kubeconfig identities, but none "
                         "were given; add ",
                         flag ? "--subjects=User:NAME (or Group:NAME)"
                              : "subjects: \"User:NAME\" (or Group:NAME) "
                                "beside it, or --subjects"));
      }
    }
  } else {
    // A custom account: --remote_identity names it, or defaults to it.
    if (!identity.empty()) {
      if (account_conflicts && service_account.value != identity) {
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
          absl::StrCat("service account \"",
                       absl::CEscape(service_account.value),
                       "\" is not a DNS-1123 subdomain: at most 253 characters "
                       "of a-z, 0-9, \"-\" and \".\", each dot-separated part "
                       "starting and ending with a letter or digit"));
    }
    selection.service_account = service_account.value;
    selection.remote_identity = service_account.value;
  }
  selection.identity_location = remote_identity.location;
  BootstrapSelectionInput bootstrap_input;
  bootstrap_input.mode =
      selection.identity_mode ? &*selection.identity_mode : nullptr;
  bootstrap_input.identity_location = remote_identity.location;
  if (bootstrap) {
    bootstrap_input.bootstrap = bootstrap->value;
    bootstrap_input.bootstrap_location = bootstrap->location;
  }
  bootstrap_input.subject_count = subjects.value.size();
  bootstrap_input.namespace_count = selection.namespaces.size();
  bootstrap_input.namespaces_location = namespaces.location;
  bootstrap_input.namespace_only = selection.namespace_only();
  if (create_service_account) {
    bootstrap_input.create_service_account_given = true;
    bootstrap_input.create_service_account_location =
        create_service_account->location;
  }
  selection.bootstrap = ResolveBootstrapMode(bootstrap_input, issues);
  selection.create_service_account =
      !selection.service_account.empty() && !selection.bootstraps() &&
      (!create_service_account || create_service_account->value);

  std::set<Subject> extra;
  for (size_t i = 0; i < subjects.value.size(); ++i) {
    Subject subject;
    if (ParseSubject(subjects.value[i], subjects.ElementLocation(i), &subject,
                     issues)) {
      extra.insert(subject);
    }
  }
  for (const Subject& account : selection.ServiceAccounts())
    extra.erase(account);
  selection.extra_subjects.assign(extra.begin(), extra.end());
  return selection;
}

}  // namespace

std::vector<Selection> ResolveSelections(const LoadedBundle& bundle,
                                         const std::string& profile_name,
                                         const SelectionOverrides& overrides,
                                         IssueList* issues) {
  SourceLocation contexts_location;
  const std::vector<ContextEntry> contexts =
      SelectedContexts(bundle, FindProfile(bundle, profile_name), overrides,
                       &contexts_location, issues);
  if (contexts.empty()) {
    return {ResolveOne(bundle, profile_name, overrides, nullptr, issues)};
  }
  // Mistakes outside the contexts' own settings would show once per context.
  std::set<std::tuple<Severity, SourceLocation, std::string>> reported;
  for (const Issue& issue : issues->issues()) {
    reported.insert({issue.severity, issue.location, issue.message});
  }
  std::vector<Selection> selections;
  for (const ContextEntry& context : contexts) {
    IssueList context_issues;
    selections.push_back(
        ResolveOne(bundle, profile_name, overrides, &context, &context_issues));
    for (const Issue& issue : context_issues.issues()) {
      if (!reported.insert({issue.severity, issue.location, issue.message})
               .second) {
        continue;
      }
      IssueList one;
      switch (issue.severity) {
        case Severity::kError:
          one.AddError(issue.location, issue.message);
          break;
        case Severity::kWarning:
          one.AddWarning(issue.location, issue.message);
          break;
        case Severity::kNote:
          one.AddNote(issue.location, issue.message);
          break;
      }
      issues->Append(one);
    }
  }
  // Two contexts on one cluster with the same identity would write the same
  // cluster-scoped object names, each binding its own subjects.
  for (size_t later = 1; later < selections.size(); ++later) {
    for (size_t earlier = 0; earlier < later; ++earlier) {
      const Selection& a = selections[earlier];
      const Selection& b = selections[later];
      if (a.remote_identity != b.remote_identity ||
          (a.namespaces == b.namespaces &&
           a.extra_subjects == b.extra_subjects)) {
        continue;
      }
      issues->AddWarning(
          contexts[later].name.location,
          absl::StrCat("contexts \"", a.context, "\" and \"", b.context,
                       "\" both use identity \"", a.remote_identity,
                       "\" for other namespaces or subjects; if they reach one "
                       "cluster, each folder's ClusterRoleBinding replaces the "
                       "other's: give one of them another service account"));
      break;
    }
  }
  return selections;
}

Selection ResolveSelection(const LoadedBundle& bundle,
                           const std::string& profile_name,
                           const SelectionOverrides& overrides,
                           IssueList* issues) {
  std::vector<Selection> selections =
      ResolveSelections(bundle, profile_name, overrides, issues);
  if (selections.size() > 1) {
    std::vector<std::string> names;
    for (const Selection& selection : selections) {
      names.push_back(selection.context);
    }
    const LoadedProfile* profile = FindProfile(bundle, profile_name);
    issues->AddError(
        overrides.contexts   ? overrides.contexts->location
        : profile != nullptr ? profile->source.Locate("contexts")
                             : SourceLocation{"--profile"},
        absl::StrCat("this selection has ", names.size(), " contexts (",
                     absl::StrJoin(names, ", "),
                     "), each compiled into its own folder; look at one: "
                     "--contexts=",
                     names.front(), ", or its output folder"));
  }
  return std::move(selections.front());
}

}  // namespace rbacc
