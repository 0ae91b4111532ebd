// The contexts of a selection, and ResolveSelections / ResolveSelection: one
// selection per context (see selection.h).
#include "compiler/resolve/selection_contexts.h"

#include <algorithm>
#include <map>
#include <optional>
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

namespace rbacc {
namespace selection_internal {
namespace {

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

// The entries --contexts lists (`overrides.contexts`), each bare name keeping
// the settings `listed` (the profile's contexts) gives it.
std::vector<ContextEntry> ContextsFromFlag(
    const std::vector<ContextEntry>& listed,
    const SelectionOverrides& overrides, IssueList* issues) {
  std::vector<ContextEntry> entries;
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
  return entries;
}

// Checks each context's name and output folder: named, printable UTF-8, listed
// once, a DNS-1123 label folder, no folder shared.
void CheckContextNames(const std::vector<ContextEntry>& entries,
                       IssueList* issues) {
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
}

}  // namespace

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

const LoadedProfile* FindProfile(const LoadedBundle& bundle,
                                 const std::string& profile_name) {
  const auto found = bundle.profiles.find(profile_name);
  return found == bundle.profiles.end() ? nullptr : &found->second;
}

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
    entries = ContextsFromFlag(listed, overrides, issues);
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
  CheckContextNames(entries, issues);
  return entries;
}

}  // namespace selection_internal

namespace {

using selection_internal::ContextEntry;
using selection_internal::FindProfile;
using selection_internal::ResolveOne;
using selection_internal::SelectedContexts;

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
