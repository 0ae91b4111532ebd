// Kubernetes' rules for object names and label keys and values
// (k8s.io/apimachinery/pkg/util/validation), and "did you mean" suggestions.
#ifndef RBACC_COMPILER_COMMON_NAMES_H_
#define RBACC_COMPILER_COMMON_NAMES_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace rbacc {

// True for a DNS-1123 label: at most 63 characters of [a-z0-9-], starting and
// ending alphanumeric. Namespaces must be labels.
bool IsDns1123Label(absl::string_view name);

// True for a DNS-1123 subdomain: at most 253 characters in all, dot-separated
// parts of [a-z0-9-] starting and ending alphanumeric (Kubernetes sets no
// per-part limit). Service account names must be subdomains.
bool IsDns1123Subdomain(absl::string_view name);

// True for a name Helm accepts as a release name (helm's ValidateReleaseName):
// at most 53 characters, dot-separated parts of [a-z0-9-] starting and ending
// alphanumeric. The limit leaves room for the suffixes charts add to it.
bool IsHelmReleaseName(absl::string_view name);

// True for a name Kubernetes accepts as a path segment (Role, ClusterRole and
// binding names): non-empty, at most 253 characters, not "." or "..", and
// without "/" or "%".
bool IsPathSegmentName(absl::string_view name);

// True for a label key: an optional DNS-1123 subdomain prefix and "/", then a
// name of at most 63 characters of [A-Za-z0-9-_.] starting and ending
// alphanumeric.
bool IsLabelKey(absl::string_view key);

// True for a label value: empty, or at most 63 characters of [A-Za-z0-9-_.]
// starting and ending alphanumeric.
bool IsLabelValue(absl::string_view value);

// Returns the byte offset of the first invalid UTF-8 sequence in `text`
// (overlong forms, surrogates and code points past U+10FFFF are invalid), or
// absl::string_view::npos when `text` is valid UTF-8.
size_t FindInvalidUtf8(absl::string_view text);

// Returns the candidate closest to `input` by edit distance when it is close
// enough to be a likely typo (distance at most a third of the input's length
// rounded up, at least 1), or "" when none is. Ties go to the candidate that
// sorts first.
std::string ClosestMatch(absl::string_view input,
                         const std::vector<std::string>& candidates);

// Returns " (did you mean \"x\"?)" for ClosestMatch's answer, or "" when there
// is none.
std::string DidYouMean(absl::string_view input,
                       const std::vector<std::string>& candidates);

// Expands the placeholders {service_account} and {namespace} in
// `name_template` (an object name template of a bundle). Returns the name;
// unknown placeholders are left as they are (ValidateBundle reports them).
std::string ExpandNameTemplate(absl::string_view name_template,
                               absl::string_view service_account,
                               absl::string_view namespace_name);

}  // namespace rbacc

#endif  // RBACC_COMPILER_COMMON_NAMES_H_
