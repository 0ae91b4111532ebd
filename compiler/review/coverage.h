// `rbacc coverage`: the application's recorded calls (calls.proto) evaluated
// against what a compilation grants the identity making each one, with
// Kubernetes' RBAC semantics (compiler/common/authorizer.h).
//
//   CoverageTarget target;  // the objects, features, namespaces, identities
//   const CoverageReport report = EvaluateCoverage(calls, target);
//   std::cout << RenderCoverage(report, CoverageFormat::kText);
//   return report.fails() ? 1 : 0;
#ifndef RBACC_COMPILER_REVIEW_COVERAGE_H_
#define RBACC_COMPILER_REVIEW_COVERAGE_H_

#include <optional>
#include <string>
#include <vector>

#include "compiler/common/authorizer.h"
#include "compiler/common/call_citation.h"
#include "compiler/common/rbac_objects.h"
#include "proto/rbacc/v1/calls.pb.h"

namespace rbacc {

// One identity a call is evaluated as.
struct CoverageIdentity {
  // As a binding subject would name it: "User:alice",
  // "ServiceAccount:default/sky-sa".
  std::string label;
  UserInfo user;
  // For an account of one target namespace (each target namespace binds its
  // own): that namespace, whose CALL_SCOPE_TARGET_NAMESPACE calls alone it
  // makes; "" for an identity that makes them in every target namespace.
  std::string target_namespace;
};

// What to evaluate the calls against.
struct CoverageTarget {
  // How to name it in the report, e.g. "skypilot:full".
  std::string label;
  // The objects the compilation (or the RBAC YAML) holds.
  RbacObjects objects;
  // The selected features: calls of other features are not evaluated. Unset
  // for RBAC YAML, whose features are unknown: every call is evaluated.
  std::optional<std::vector<std::string>> features;
  // The target namespaces (CALL_SCOPE_TARGET_NAMESPACE calls are evaluated in
  // each); at least one.
  std::vector<std::string> namespaces;
  // The identity mode the compilation is for (IdentityMode.name); "" for a
  // custom service account. Calls recorded for other modes only are skipped.
  std::string identity_mode;
  // True when the compilation pre-creates the objects the application's
  // bootstrap creates or patches when missing or different (an identity mode's
  // bootstrap_objects, written exactly as the application's template writes
  // them): the bootstrap's create and patch calls (calls recorded for some
  // identity modes only) are then not made, and not evaluated.
  bool bootstrap_objects_precreated = false;
  // Who makes CALL_IDENTITY_LAUNCHER calls: each is evaluated separately.
  std::vector<CoverageIdentity> launchers;
  // Who makes CALL_IDENTITY_POD calls.
  std::vector<CoverageIdentity> pods;
  // Notes on how the identities were chosen (e.g. that no launcher was given
  // and the service account stands for it), printed with the report.
  std::vector<std::string> notes;
};

// One call denied to one identity.
struct DeniedCall {
  const v1::ApiCall* call = nullptr;
  // The feature it is reported under: the first of the call's features that
  // the target selects (the call's first feature for RBAC YAML).
  std::string feature;
  // CoverageIdentity::label of the identity denied.
  std::string identity;
  // The request's namespace; "" for a cluster-wide request.
  std::string namespace_name;
};

// The result of evaluating every call of a record against one target.
struct CoverageReport {
  std::string label;
  // CallRecord.source, for the report's header.
  v1::CallSource source;
  std::vector<std::string> notes;
  // The calls evaluated (of the selected features and identity mode).
  int evaluated_calls = 0;
  // The calls skipped as belonging to features or identity modes the target
  // does not select.
  int skipped_calls = 0;
  // Denials, grouped by feature (in the order of the target's features, then
  // by name), then in the record's order.
  std::vector<DeniedCall> denied;

  // True when a call the application does not tolerate a 403 on
  // (FORBIDDEN_FAILS) is denied.
  bool fails() const;
};

// Evaluates each call of `calls` whose features the target selects (and whose
// identity modes include the target's, when the call names any): as each
// identity that makes it, in each namespace its scope addresses (the target
// namespaces, the named namespace, or cluster-wide for CALL_SCOPE_CLUSTER and
// CALL_SCOPE_ALL_NAMESPACES). The report keeps pointers into `calls`, which
// must outlive it. Never fails.
CoverageReport EvaluateCoverage(const v1::CallRecord& calls,
                                const CoverageTarget& target);

// How RenderCoverage prints a report.
enum class CoverageFormat { kText, kJson, kMarkdown };

// Returns the report: a header (the target, the calls' source, the notes, how
// many calls were evaluated and denied), then the denied calls by feature,
// each with its site (short file name:line), client method, request, identity,
// operation and "fails" or "degrades". JSON is one object; Markdown a table
// per feature. Never fails.
std::string RenderCoverage(const CoverageReport& report, CoverageFormat format);

}  // namespace rbacc

#endif  // RBACC_COMPILER_REVIEW_COVERAGE_H_
