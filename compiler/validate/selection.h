// Resolves what one compilation is for: the features (with what they require)
// and the parameters, layered as bundle defaults < profile < command-line
// flags, each checked where it was given.
#ifndef RBACC_COMPILER_VALIDATE_SELECTION_H_
#define RBACC_COMPILER_VALIDATE_SELECTION_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compiler/common/issue.h"
#include "compiler/common/rbac_objects.h"
#include "compiler/common/source_location.h"
#include "compiler/load/bundle_loader.h"

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
  std::optional<Located<std::string>> namespace_name;
  std::optional<Located<std::string>> service_account;
  std::optional<Located<std::string>> remote_identity;
  std::optional<Located<std::vector<std::string>>> subjects;
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
  // Target namespace.
  std::string namespace_name;
  // Service account the roles are bound to; the bundle creates it.
  std::string service_account;
  // What the app config's identity key says: the service account's name.
  std::string remote_identity;
  // Subjects bound to every role besides the service account, sorted.
  std::vector<Subject> extra_subjects;
};

// Builds the selection for `profile_name` (or, when empty, an ad-hoc selection
// that must have overrides.features) from the bundle's defaults, the profile
// and `overrides`. Adds an issue for: an unknown profile or feature (with a
// suggestion), an empty feature list, a namespace that is not a DNS-1123 label,
// a service account that is not a DNS-1123 subdomain, a remote identity that is
// not the service account, and subjects not of the form User:NAME, Group:NAME
// or ServiceAccount:NAMESPACE/NAME. Returns what it could resolve; it is only
// meaningful when no error was added.
Selection ResolveSelection(const LoadedBundle& bundle,
                           const std::string& profile_name,
                           const SelectionOverrides& overrides,
                           IssueList* issues);

// Parses "User:alice", "Group:ml-team" or "ServiceAccount:ns/name". Returns
// false (and adds an issue at `location`) when `text` is none of these or the
// names are invalid.
bool ParseSubject(const std::string& text, const SourceLocation& location,
                  Subject* subject, IssueList* issues);

}  // namespace rbacc

#endif  // RBACC_COMPILER_VALIDATE_SELECTION_H_
