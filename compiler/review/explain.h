// Why a policy grants what it grants: every rule with the features, places
// and reasons behind it; and for one request, the chain that allows it
// (binding -> role -> rule -> feature -> reason) or, when nothing does, the
// closest rule and why it does not match.
#ifndef RBACC_COMPILER_REVIEW_EXPLAIN_H_
#define RBACC_COMPILER_REVIEW_EXPLAIN_H_

#include <string>
#include <vector>

#include "compiler/common/authorizer.h"
#include "compiler/common/policy_rule.h"
#include "compiler/common/rbac_objects.h"
#include "compiler/review/grants.h"
#include "compiler/review/policy_input.h"

namespace rbacc {

// A binding, its role and one rule of the role.
struct RuleChain {
  ObjectRef binding;
  ObjectRef role;
  CompiledRule rule;
  // From ExplainPolicyRequest: declared rules of the role that grant the
  // request too but were dropped as covered by a rule of the role.
  std::vector<RuleSource> covered;
};

// The answer for one request.
struct RequestExplanation {
  bool allowed = false;
  // When allowed: every rule that allows the request, with its binding and
  // role, in object order.
  std::vector<RuleChain> granting;
  // When denied and some rule is bound to the user: the rule that matches the
  // most parts of the request (scope, verb, group, resource, name).
  std::vector<RuleChain> closest;
  // Why `closest` does not match, one phrase per part that differs.
  std::vector<std::string> mismatches;
};

// Explains whether `user` may make `request` under `objects`, by the
// authorizer's semantics (Authorizer::Allows gives the same answer).
RequestExplanation ExplainRequest(const RbacObjects& objects,
                                  const UserInfo& user, const Request& request);

// Explains `request` for a loaded policy as ExplainRequest does for its
// objects, with each granting chain naming only what grants the request: the
// rule's sources whose declared rules (PolicyInput::declared_rules) allow it,
// and in `covered` the role's declared rules dropped as covered that allow it
// too; so the features named are exactly those whose declared rules grant
// the request. For YAML, the sources kept are those naming the requested
// resource or URL.
RequestExplanation ExplainPolicyRequest(const PolicyInput& input,
                                        const UserInfo& user,
                                        const Request& request);

// Returns the explanation as text: "yes: <request>" and one chain per granting
// rule, or "no: <request>" with the closest rule and its mismatches.
std::string RenderRequestExplanation(const RequestExplanation& explanation,
                                     const Request& request);

// Returns every rule of every role of `input` with the binding that uses the
// role and, per resource, the features, file:line and reasons behind it (a
// built-in ClusterRole nothing binds, added only for aggregation, is left
// out);
// for a compiled selection also the permissions dropped as covered and by
// which rule, and the rules a namespace-only selection leaves out.
std::string RenderPolicyExplanation(const PolicyInput& input);

// Returns a rule as a phrase: its verbs in Kubernetes' order, then its
// resources (prefixed "<group>/" outside the core group) or URLs, then its
// names: "get, list, watch nodes", "* pods, pods/exec", "get secrets names a".
std::string RuleText(const PolicyRule& rule);

}  // namespace rbacc

#endif  // RBACC_COMPILER_REVIEW_EXPLAIN_H_
