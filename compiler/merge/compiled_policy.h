// The result of compiling a selection: roles by scope, the Kubernetes objects,
// and the values the application config and Helm values receive. Every emitter
// reads only this (and the bundle's mapping for Helm).
#ifndef RBACC_COMPILER_MERGE_COMPILED_POLICY_H_
#define RBACC_COMPILER_MERGE_COMPILED_POLICY_H_

#include <map>
#include <string>
#include <vector>

#include "compiler/common/rbac_objects.h"
#include "compiler/merge/compact.h"
#include "compiler/resolve/selection.h"
#include "proto/rbacc/v1/policy.pb.h"

namespace rbacc {

// Where a role's rules apply.
enum class RoleScope {
  // The ClusterRole: everywhere.
  kCluster,
  // The Role in the target namespace.
  kTargetNamespace,
  // The Role in one of the bundle's fixed namespaces.
  kFixedNamespace,
};

// One role of the compilation, with its binding's name. Only roles with rules
// exist.
struct ScopedRole {
  RoleScope scope = RoleScope::kCluster;
  // The role's namespace; empty for the ClusterRole.
  std::string namespace_name;
  std::string role_name;
  std::string binding_name;
  // The compacted rules and the permissions dropped as covered.
  CompactedRules rules;
  // For kFixedNamespace: the bundle's declaration of the namespace.
  v1::FixedNamespace fixed_namespace;
};

// A declared rule a compilation left out because its selection is
// namespace-only (Selection::namespace_only): a cluster rule or a rule in a
// fixed namespace.
struct DroppedRule {
  // kCluster or kFixedNamespace.
  RoleScope scope = RoleScope::kCluster;
  // For kFixedNamespace: the fixed namespace; empty for kCluster.
  std::string namespace_name;
  // The rule as declared.
  PolicyRule rule;
  // The feature, reason and place that declare it (resources: the rule's
  // resources or URLs).
  RuleSource source;
  // v1::Rule::when_denied: what stops working without it; may be empty.
  std::string when_denied;
};

// An application config key a namespace-only compilation left out: a feature
// that lost some of its grants (DroppedRule) does not work, so its keys, which
// turn it on in the application, are not set either.
struct DroppedConfigKey {
  // The feature that sets the key.
  std::string feature;
  // The key, e.g. "kubernetes.ports".
  std::string key;
};

// Everything one compilation produces.
struct CompiledPolicy {
  std::string bundle_name;
  // LoadedBundle::digest.
  std::string bundle_digest;
  // Application::name, e.g. "SkyPilot".
  std::string application_name;
  // Application::config_file, e.g. "~/.sky/config.yaml".
  std::string application_config_file;
  Selection selection;
  // Summary of each compiled feature, by name.
  std::map<std::string, std::string> feature_summaries;
  // Every subject the roles are bound to: the service account in each target
  // namespace and the extra subjects, sorted. (A target namespace's Role binds
  // only that namespace's account and the extra subjects.)
  std::vector<Subject> subjects;
  // The command that regenerates these outputs, e.g.
  // "bazel run //compiler -- --bundle=skypilot --profile=full".
  std::string regenerate_command;
  // Roles in order: the ClusterRole, the Role of each target namespace, then
  // fixed namespaces by name.
  std::vector<ScopedRole> roles;
  // For a namespace-only selection: the declared rules left out, in feature
  // order, then cluster rules before fixed namespaces (by name), then
  // declaration order.
  std::vector<DroppedRule> dropped_rules;
  // For a namespace-only selection: the Namespaces the bundle would have
  // created, sorted.
  std::vector<std::string> dropped_namespaces;
  // For a namespace-only selection: the app_config keys of the features that
  // lost rules, in feature order, then declaration order.
  std::vector<DroppedConfigKey> dropped_app_config;
  // The objects rbac.yaml holds, each kind sorted by (namespace, name).
  RbacObjects objects;
  // The config snippet's values (the identity and the features' keys), sorted
  // by key.
  std::vector<v1::ConfigValue> app_config;
  // The Helm values: the chart's defaults, the features' values and the fixed
  // namespaces' switches, by key. Empty when the bundle has no Helm chart.
  std::vector<v1::ConfigValue> helm_values;
};

}  // namespace rbacc

#endif  // RBACC_COMPILER_MERGE_COMPILED_POLICY_H_
