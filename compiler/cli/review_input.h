// Loading the policy a review command looks at, with input mistakes printed
// the way `compile` prints them. Shared by diff, explain, can-i and graph.
#ifndef RBACC_COMPILER_CLI_REVIEW_INPUT_H_
#define RBACC_COMPILER_CLI_REVIEW_INPUT_H_

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "compiler/common/authorizer.h"
#include "compiler/review/policy_input.h"

namespace rbacc {

// Loads `spec` (see LoadPolicyInput) into `input`. Prints the issues (errors
// with their source lines) or the error status on `err`. Returns true when
// `input` holds a usable policy; false after printing why not.
bool LoadReviewInput(const PolicySpec& spec, const std::string& workspace_root,
                     std::ostream& err, PolicyInput* input);

// Returns the spec for the selection flags of explain, can-i and graph: a
// YAML file or output folder when `yaml_path` is set, else `profile` or the
// overrides' features of `bundle` (kDefaultBundle when empty).
PolicySpec SelectionSpec(const std::string& yaml_path,
                         const std::string& bundle, const std::string& profile,
                         const SelectionOverrides& overrides);

// Returns the identity review commands ask for: `as` (with `as_groups`, see
// UserFromAs) when set, else the compiled selection's service account, else
// the first ServiceAccount of the YAML. Returns false (after printing why on
// `err`) when there is none, or when `as_groups` is given without `as` (the
// API server refuses that impersonation).
bool ResolveUser(const PolicyInput& input, const std::string& as,
                 const std::vector<std::string>& as_groups, std::ostream& err,
                 UserInfo* user);

// One evaluation of a request: who asks, and in which namespace ("" for a
// cluster-wide request).
struct Evaluation {
  UserInfo user;
  std::string namespace_name;
};

// Returns who asks where, as can-i and explain answer: cluster-wide with
// `all_namespaces`; in `request_namespace` when given; else, for a
// selection with several target namespaces, once per target namespace (by
// that namespace's service account when `default_identity`, i.e. no --as was
// given, else by `user`); else in DefaultRequestNamespace.
std::vector<Evaluation> Evaluations(
    const PolicyInput& input, const UserInfo& user, bool default_identity,
    const std::optional<std::string>& request_namespace, bool all_namespaces);

// Returns what an evaluation asks as, for stderr or a heading: "as
// system:serviceaccount:ns:sky-sa (groups a, b) in namespace ns", or "...
// cluster-wide".
std::string EvaluationText(const Evaluation& evaluation);

// Returns the namespace requests are asked in by default: the selection's
// target namespace, else the first ServiceAccount's namespace, else
// "default".
std::string DefaultRequestNamespace(const PolicyInput& input);

}  // namespace rbacc

#endif  // RBACC_COMPILER_CLI_REVIEW_INPUT_H_
