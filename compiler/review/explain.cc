#include "compiler/review/explain.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "compiler/common/authorizer.h"
#include "compiler/common/policy_rule.h"
#include "compiler/common/rbac_objects.h"
#include "compiler/common/source_location.h"
#include "compiler/merge/compiled_policy.h"
#include "compiler/review/grants.h"
#include "compiler/review/policy_input.h"
#include "compiler/review/request_parser.h"

namespace rbacc {
namespace {

ObjectRef BindingRef(const BindingObject& binding) {
  return {binding.is_cluster_binding() ? "ClusterRoleBinding" : "RoleBinding",
          binding.metadata.namespace_name, binding.metadata.name};
}

ObjectRef RoleRef(const RoleObject& role) {
  return {role.is_cluster_role() ? "ClusterRole" : "Role",
          role.metadata.namespace_name, role.metadata.name};
}

std::string List(const std::vector<std::string>& values) {
  std::vector<std::string> shown;
  for (const std::string& value : values) {
    shown.push_back(value.empty() ? "\"\"" : value);
  }
  return absl::StrCat("[", absl::StrJoin(shown, ", "), "]");
}

// The parts of `request` that `rule` (bound by `binding`) does not match.
std::vector<std::string> Mismatches(const BindingObject& binding,
                                    const PolicyRule& rule,
                                    const Request& request) {
  std::vector<std::string> mismatches;
  if (!binding.is_cluster_binding() &&
      binding.metadata.namespace_name != request.namespace_name) {
    mismatches.push_back(absl::StrCat("its RoleBinding applies in namespace ",
                                      binding.metadata.namespace_name, ", not ",
                                      request.namespace_name.empty()
                                          ? "cluster-wide"
                                          : request.namespace_name));
  }
  if (!VerbMatches(rule, request.verb)) {
    mismatches.push_back(
        absl::StrCat("verb ", request.verb, " is not in ", List(rule.verbs)));
  }
  if (!request.is_resource_request) {
    if (!NonResourceUrlMatches(rule, request.path)) {
      mismatches.push_back(absl::StrCat("URL ", request.path,
                                        " is not matched by ",
                                        List(rule.non_resource_urls)));
    }
    return mismatches;
  }
  if (!ApiGroupMatches(rule, request.api_group)) {
    mismatches.push_back(absl::StrCat(
        "API group ", request.api_group.empty() ? "\"\"" : request.api_group,
        " is not in ", List(rule.api_groups)));
  }
  const std::string combined =
      request.subresource.empty()
          ? request.resource
          : absl::StrCat(request.resource, "/", request.subresource);
  if (!ResourceMatches(rule, combined, request.subresource)) {
    mismatches.push_back(absl::StrCat("resource ", combined, " is not in ",
                                      List(rule.resources)));
  }
  if (!ResourceNameMatches(rule, request.name)) {
    mismatches.push_back(request.name.empty()
                             ? absl::StrCat("the rule is limited to the names ",
                                            List(rule.resource_names),
                                            " and the request names none")
                             : absl::StrCat("name ", request.name,
                                            " is not in ",
                                            List(rule.resource_names)));
  }
  return mismatches;
}

std::string SourcesLines(const CompiledRule& rule, const std::string& indent) {
  std::string out;
  for (const RuleSource& source : rule.sources) {
    absl::StrAppend(&out, indent);
    if (!source.feature.empty()) {
      absl::StrAppend(&out, "feature ", source.feature, " ");
    }
    if (source.location.line >= 0) {
      absl::StrAppend(&out, source.location.file, ":", source.location.line + 1,
                      " ");
    }
    if (!source.aggregated_from.empty()) {
      absl::StrAppend(&out, "via aggregation from ", source.aggregated_from,
                      " ");
    }
    if (!source.resources.empty() &&
        source.resources.size() != (rule.rule.non_resource_urls.empty()
                                        ? rule.rule.resources.size()
                                        : rule.rule.non_resource_urls.size())) {
      absl::StrAppend(&out, "(", absl::StrJoin(source.resources, ", "), ") ");
    }
    absl::StrAppend(
        &out,
        "reason: ", source.reason.empty() ? "(none given)" : source.reason,
        source.serves.empty() ? "" : " Serves: ", source.serves, "\n");
  }
  return out;
}

std::string ChainText(const RuleChain& chain) {
  std::string out = absl::StrCat("  ", chain.binding.ToString(), "\n    -> ",
                                 chain.role.ToString(),
                                 "\n    -> rule: ", RuleText(chain.rule.rule),
                                 "\n", SourcesLines(chain.rule, "    -> "));
  for (const RuleSource& source : chain.covered) {
    absl::StrAppend(&out, "    -> also feature ", source.feature, " ",
                    source.location.ToString(),
                    " (dropped as covered) reason: ", source.reason, "\n");
  }
  return out;
}

// The compiled role of `input` named `name` in `namespace_name` ("" for the
// ClusterRole), or nullptr (also for YAML).
const ScopedRole* CompiledRole(const PolicyInput& input,
                               const std::string& namespace_name,
                               const std::string& name) {
  if (!input.compiled) return nullptr;
  for (const ScopedRole& role : input.compiled->roles) {
    if (role.namespace_name == namespace_name && role.role_name == name) {
      return &role;
    }
  }
  return nullptr;
}

// True when `source` of `rule` grants `request`: it holds one of the rule's
// resources (or URLs) the request asks for and, when `declared` knows its
// declaration, that declared rule allows the request.
bool SourceGrants(const CompiledRule& rule, const RuleSource& source,
                  const std::map<SourceLocation, PolicyRule>& declared,
                  const Request& request) {
  PolicyRule held = rule.rule;
  (held.non_resource_urls.empty() ? held.resources : held.non_resource_urls) =
      source.resources;
  if (!RuleAllows(held, request)) return false;
  if (declared.empty()) return true;
  const auto found = declared.find(source.location);
  return found != declared.end() && RuleAllows(found->second, request);
}

}  // namespace

std::string RuleText(const PolicyRule& rule) {
  std::vector<std::string> verbs = rule.verbs;
  SortVerbs(verbs);
  std::vector<std::string> targets;
  if (!rule.non_resource_urls.empty()) {
    targets = rule.non_resource_urls;
  } else {
    for (const std::string& group : rule.api_groups) {
      for (const std::string& resource : rule.resources) {
        targets.push_back(group.empty() ? resource
                                        : absl::StrCat(group, "/", resource));
      }
    }
  }
  std::string text = absl::StrCat(absl::StrJoin(verbs, ", "), " ",
                                  absl::StrJoin(targets, ", "));
  if (!rule.resource_names.empty()) {
    absl::StrAppend(&text, " names ", absl::StrJoin(rule.resource_names, ", "));
  }
  return text;
}

RequestExplanation ExplainRequest(const RbacObjects& objects,
                                  const UserInfo& user,
                                  const Request& request) {
  RequestExplanation explanation;
  size_t fewest = SIZE_MAX;
  for (const BindingObject& binding : objects.bindings) {
    const bool applies = BindingAppliesTo(binding, user);
    if (!applies) continue;
    const RoleObject* role = FindBoundRole(objects, binding);
    if (role == nullptr) continue;
    for (const CompiledRule& rule : role->rules) {
      const RuleChain chain{BindingRef(binding), RoleRef(*role), rule, {}};
      std::vector<std::string> mismatches =
          Mismatches(binding, rule.rule, request);
      if (mismatches.empty() && RuleAllows(rule.rule, request)) {
        explanation.allowed = true;
        explanation.granting.push_back(chain);
        continue;
      }
      if (mismatches.size() < fewest) {
        fewest = mismatches.size();
        explanation.closest = {chain};
        explanation.mismatches = std::move(mismatches);
      }
    }
  }
  if (explanation.allowed) {
    explanation.closest.clear();
    explanation.mismatches.clear();
  }
  return explanation;
}

RequestExplanation ExplainPolicyRequest(const PolicyInput& input,
                                        const UserInfo& user,
                                        const Request& request) {
  RequestExplanation explanation = ExplainRequest(input.objects, user, request);
  for (RuleChain& chain : explanation.granting) {
    std::vector<RuleSource> granting;
    for (const RuleSource& source : chain.rule.sources) {
      if (SourceGrants(chain.rule, source, input.declared_rules, request)) {
        granting.push_back(source);
      }
    }
    chain.rule.sources = std::move(granting);
    const ScopedRole* role =
        CompiledRole(input, chain.role.namespace_name, chain.role.name);
    if (role != nullptr) {
      for (const CoveredGrant& covered : role->rules.covered) {
        const bool listed =
            std::any_of(chain.covered.begin(), chain.covered.end(),
                        [&](const RuleSource& source) {
                          return source.location == covered.source->location;
                        });
        if (!listed && RuleAllows(*covered.grant, request)) {
          chain.covered.push_back(*covered.source);
        }
      }
    }
  }
  return explanation;
}

std::string RenderRequestExplanation(const RequestExplanation& explanation,
                                     const Request& request) {
  std::string out;
  if (explanation.allowed) {
    absl::StrAppend(&out, "yes: ", RequestText(request), " is allowed by\n");
    for (const RuleChain& chain : explanation.granting) {
      absl::StrAppend(&out, ChainText(chain));
    }
    return out;
  }
  absl::StrAppend(&out, "no: nothing allows ", RequestText(request), "\n");
  if (explanation.closest.empty()) {
    absl::StrAppend(&out, "  no binding applies to this subject\n");
    return out;
  }
  absl::StrAppend(&out, "closest rule:\n", ChainText(explanation.closest[0]),
                  "  it does not match because:\n");
  for (const std::string& mismatch : explanation.mismatches) {
    absl::StrAppend(&out, "    - ", mismatch, "\n");
  }
  return out;
}

std::string RenderPolicyExplanation(const PolicyInput& input) {
  std::string out;
  for (const RoleObject& role : input.objects.roles) {
    const ObjectRef role_ref = RoleRef(role);
    std::vector<std::string> bound_by;
    for (const BindingObject& binding : input.objects.bindings) {
      if (FindBoundRole(input.objects, binding) == &role) {
        bound_by.push_back(BindingRef(binding).ToString());
      }
    }
    // A built-in role added only as an aggregation source is not the input's.
    if (role.builtin && bound_by.empty()) continue;
    absl::StrAppend(
        &out, role_ref.ToString(), " (",
        bound_by.empty()
            ? "bound by nothing: grants nothing"
            : absl::StrCat("bound by ", absl::StrJoin(bound_by, ", ")),
        ")\n");
    for (const CompiledRule& rule : role.rules) {
      absl::StrAppend(&out, "  ", RuleText(rule.rule), "\n",
                      SourcesLines(rule, "    "));
    }
    const ScopedRole* scoped =
        CompiledRole(input, role.metadata.namespace_name, role.metadata.name);
    if (scoped != nullptr) {
      for (const CoveredGrant& covered : scoped->rules.covered) {
        absl::StrAppend(&out, "  (dropped: ", RuleText(*covered.grant),
                        " from feature ", covered.source->feature, " ",
                        covered.source->location.ToString(),
                        " is covered by feature ", covered.covered_by->feature,
                        " ", covered.covered_by->location.ToString(), ")\n");
      }
    }
  }
  if (input.compiled && !input.compiled->dropped_rules.empty()) {
    absl::StrAppend(&out, "Left out by cluster_scope none (not granted):\n");
    for (const DroppedRule& dropped : input.compiled->dropped_rules) {
      absl::StrAppend(
          &out, "  ",
          dropped.scope == RoleScope::kCluster
              ? "cluster-wide"
              : absl::StrCat("in namespace ", dropped.namespace_name),
          " ", RuleText(dropped.rule), "\n    feature ", dropped.source.feature,
          " ", dropped.source.location.file, ":",
          dropped.source.location.line + 1, " reason: ", dropped.source.reason,
          "\n");
      if (!dropped.when_denied.empty()) {
        absl::StrAppend(&out, "    without it: ", dropped.when_denied, "\n");
      }
    }
  }
  return out;
}

}  // namespace rbacc
