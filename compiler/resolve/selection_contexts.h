// The contexts of a selection (a profile's `contexts` or --contexts), and
// reading profile fields with their locations. Private to compiler/resolve;
// shared by selection.cc and selection_contexts.cc.
#ifndef RBACC_COMPILER_RESOLVE_SELECTION_CONTEXTS_H_
#define RBACC_COMPILER_RESOLVE_SELECTION_CONTEXTS_H_

#include <optional>
#include <string>
#include <vector>

#include "compiler/common/issue.h"
#include "compiler/common/source_location.h"
#include "compiler/load/bundle_loader.h"
#include "compiler/resolve/selection.h"

namespace rbacc {
namespace selection_internal {

// `value`, located at the profile's `field`.
Located<std::string> FromProfile(const std::string& value,
                                 const LoadedProfile& profile,
                                 const std::string& field);

// `values`, located at the profile's `field`, each element at `field[i]`.
Located<std::vector<std::string>> FromProfile(
    const google::protobuf::RepeatedPtrField<std::string>& values,
    const LoadedProfile& profile, const std::string& field);

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

// The bundle's profile named `profile_name`, or nullptr when it has none.
const LoadedProfile* FindProfile(const LoadedBundle& bundle,
                                 const std::string& profile_name);

// The contexts of a selection: --contexts (each bare name keeping the
// profile's settings for it) or the profile's, checked as ResolveSelections
// says. Where the contexts were given is returned in `location`.
std::vector<ContextEntry> SelectedContexts(const LoadedBundle& bundle,
                                           const LoadedProfile* profile,
                                           const SelectionOverrides& overrides,
                                           SourceLocation* location,
                                           IssueList* issues);

// ResolveSelection for one context of the selection (none when null): the
// settings layered bundle < profile < context < flags, then each checked
// (selection.cc).
Selection ResolveOne(const LoadedBundle& bundle,
                     const std::string& profile_name,
                     const SelectionOverrides& overrides,
                     const ContextEntry* context, IssueList* issues);

}  // namespace selection_internal
}  // namespace rbacc

#endif  // RBACC_COMPILER_RESOLVE_SELECTION_CONTEXTS_H_
