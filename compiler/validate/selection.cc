#include "compiler/validate/selection.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "compiler/common/names.h"

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

Selection ResolveSelection(const LoadedBundle& bundle,
                           const std::string& profile_name,
                           const SelectionOverrides& overrides,
                           IssueList* issues) {
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
  // Where the account and the identity were last set: kBundle, kProfile or
  // kFlag. A higher layer wins over a lower one; within one layer, an account
  // and an identity that disagree are an error.
  enum Layer { kBundle, kProfile, kFlag };
  Layer account_layer = kBundle;
  Layer identity_layer = kBundle;
  Located<std::string> remote_identity{
      defaults.remote_identity(),
      bundle.source.Locate("defaults.remote_identity"),
      {}};
  Located<std::vector<std::string>> subjects;
  std::optional<Located<bool>> create_service_account;

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
        issues->AddError(create_service_account->location,
                         absl::StrCat(mode.name(),
                                      " has no service account to create; "
                                      "remove --create_service_account"));
      }
      if (subjects.value.empty()) {
        issues->AddError(
            remote_identity.location,
            absl::StrCat(
                mode.name(),
                " binds the roles to kubeconfig identities, but none "
                "were given; add --subjects=User:NAME (or Group:NAME)"));
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
  selection.create_service_account =
      !selection.service_account.empty() &&
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

}  // namespace rbacc
