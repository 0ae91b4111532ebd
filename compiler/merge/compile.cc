#include "compiler/merge/compile.h"

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "compiler/common/call_citation.h"
#include "compiler/common/names.h"
#include "compiler/common/parallel.h"
#include "compiler/merge/bootstrap_objects.h"
#include "compiler/merge/compile_objects.h"

namespace rbacc {
namespace {

using compile_internal::BuildObjects;
using compile_internal::IdentityModeIndex;
using ::rbacc::v1::ConfigValue;

// A run of one feature's declared rules, and where in a role's list they go.
struct DeclaredRange {
  const google::protobuf::RepeatedPtrField<v1::Rule>* rules;
  // The rules' field path in the feature file, e.g. "cluster_rules".
  std::string path;
  const LoadedFeature* feature;
  std::vector<DeclaredRule>* list;
  size_t offset;
  // Citations of the bundle's recorded calls, by id.
  const std::map<std::string, std::string>* citations;
};

// The citations of the calls `rule` serves, joined (RuleSource::serves) in
// the order of `serves`; a call site cited by two calls of one client method
// is listed once.
std::string ServedCalls(const v1::Rule& rule,
                        const std::map<std::string, std::string>& citations) {
  std::vector<absl::string_view> served;
  for (const std::string& id : rule.serves()) {
    const auto found = citations.find(id);
    if (found == citations.end()) continue;
    if (std::find(served.begin(), served.end(), found->second) !=
        served.end()) {
      continue;
    }
    served.push_back(found->second);
  }
  return absl::StrJoin(served, ", ");
}

// Fills the range's place in its list.
void FillDeclared(const DeclaredRange& range) {
  for (int i = 0; i < range.rules->size(); ++i) {
    const v1::Rule& rule = (*range.rules)[i];
    DeclaredRule& declared = (*range.list)[range.offset + i];
    declared.rule = ToPolicyRule(rule);
    declared.source.feature = range.feature->proto.name();
    declared.source.reason = rule.reason();
    if (rule.serves_size() > 0) {
      declared.source.serves = ServedCalls(rule, *range.citations);
    }
    declared.source.location =
        range.feature->source.Locate(absl::StrCat(range.path, "[", i, "]"));
  }
}

// Records `rules` as left out of a namespace-only compilation.
void AddDropped(const google::protobuf::RepeatedPtrField<v1::Rule>& rules,
                const std::string& path, const LoadedFeature& feature,
                RoleScope scope, const std::string& namespace_name,
                std::vector<DroppedRule>* dropped) {
  for (int i = 0; i < rules.size(); ++i) {
    DroppedRule entry;
    entry.scope = scope;
    entry.namespace_name = namespace_name;
    entry.rule = ToPolicyRule(rules[i]);
    entry.source.feature = feature.proto.name();
    entry.source.reason = rules[i].reason();
    entry.source.location =
        feature.source.Locate(absl::StrCat(path, "[", i, "]"));
    entry.source.resources = entry.rule.non_resource_urls.empty()
                                 ? entry.rule.resources
                                 : entry.rule.non_resource_urls;
    std::sort(entry.source.resources.begin(), entry.source.resources.end());
    entry.when_denied = rules[i].when_denied();
    dropped->push_back(std::move(entry));
  }
}

// Key and value of a ConfigValue, for comparing values set by different
// features.
std::string ValueIdentity(const ConfigValue& value) {
  ConfigValue copy = value;
  copy.clear_key();
  return copy.SerializeAsString();
}

// Merges config values: later layers override earlier ones; within the
// features' layer two features setting one key differently is an error.
class ConfigMerger {
 public:
  // Sets values that features may override.
  void SetBase(const ConfigValue& value) { values_[value.key()] = {value, ""}; }

  // Sets a feature's value at `location`.
  void SetFromFeature(const ConfigValue& value, const std::string& feature,
                      const SourceLocation& location, IssueList* issues) {
    auto found = values_.find(value.key());
    if (found != values_.end() && !found->second.feature.empty() &&
        ValueIdentity(found->second.value) != ValueIdentity(value)) {
      issues->AddError(
          location,
          absl::StrCat("feature \"", feature, "\" sets \"", value.key(),
                       "\" to another value than feature \"",
                       found->second.feature,
                       "\" does; selected together they conflict"));
      return;
    }
    values_[value.key()] = {value, feature};
  }

  // Reports keys nested inside other keys' values ("a" and "a.b"), then returns
  // the values sorted by key.
  std::vector<ConfigValue> Finish(const SourceLocation& location,
                                  IssueList* issues) const {
    std::vector<ConfigValue> result;
    for (const auto& [key, entry] : values_) {
      const auto next = values_.upper_bound(key);
      if (next != values_.end() && absl::StartsWith(next->first, key + ".")) {
        issues->AddError(
            location,
            absl::StrCat("config key \"", next->first, "\" is inside \"", key,
                         "\", which already has a value"));
      }
      result.push_back(entry.value);
    }
    return result;
  }

 private:
  struct Entry {
    ConfigValue value;
    // The feature that set it, or "" for a base value.
    std::string feature;
  };
  std::map<std::string, Entry> values_;
};

// Adds to the launcher's declared rules what the application's bootstrap of
// `objects` needs (LauncherBootstrapRules), each from the mode's object in
// bundle.textproto, in the role of the object's namespace (or the ClusterRole).
void AddLauncherRules(
    const LoadedBundle& bundle, const v1::IdentityMode& mode,
    const std::vector<BootstrapObjectRef>& objects, const Selection& selection,
    std::vector<DeclaredRule>* namespace_rules,
    std::vector<DeclaredRule>* cluster_rules,
    std::map<std::string, std::vector<DeclaredRule>>* fixed_rules) {
  const std::string path = absl::StrCat("application.identity_modes[",
                                        IdentityModeIndex(bundle, mode), "]");
  for (LauncherRule& launcher : LauncherBootstrapRules(
           objects, selection.bootstrap, selection.primary_namespace())) {
    DeclaredRule declared;
    declared.rule = std::move(launcher.rule);
    declared.source.feature = mode.name();
    declared.source.reason = std::move(launcher.reason);
    declared.source.location = bundle.source.Locate(absl::StrCat(
        path, ".bootstrap_objects[", objects[launcher.object].index, "]"));
    if (launcher.cluster) {
      cluster_rules->push_back(std::move(declared));
    } else if (launcher.namespace_name == selection.primary_namespace()) {
      namespace_rules->push_back(std::move(declared));
    } else {
      (*fixed_rules)[launcher.namespace_name].push_back(std::move(declared));
    }
  }
}

// The names of the compiled roles and bindings: the bundle's defaults, or the
// identity mode's.
struct RoleNames {
  // What {service_account} stands for: the account, or for a mode without one
  // the mode's name in lower case ("local-credentials").
  std::string account;
  v1::ObjectNames names;
  // Fixed namespace -> the mode's name for its Role (and RoleBinding).
  std::map<std::string, std::string> fixed_role_names;
  std::map<std::string, std::string> fixed_binding_names;

  // `name_template` with its placeholders filled for `namespace_name`.
  std::string Expand(const std::string& name_template,
                     const std::string& namespace_name) const {
    return ExpandNameTemplate(name_template, account, namespace_name);
  }
};

// The names of the selection's roles: a bootstrapping mode's launcher names,
// else the mode's names over the bundle's defaults.
RoleNames ChooseRoleNames(const v1::Bundle& proto, const Selection& selection) {
  RoleNames role_names;
  role_names.account = !selection.service_account.empty()
                           ? selection.service_account
                       : selection.identity_mode
                           ? absl::AsciiStrToLower(absl::StrReplaceAll(
                                 selection.identity_mode->name(), {{"_", "-"}}))
                           : "";
  v1::ObjectNames& names = role_names.names;
  names = proto.defaults().object_names();
  if (selection.bootstraps()) {
    // The launcher's roles, under the mode's names for them.
    names = selection.identity_mode->launcher_object_names();
    for (const auto& [namespace_name, fixed_names] :
         selection.identity_mode->launcher_fixed_namespace_names()) {
      role_names.fixed_role_names[namespace_name] = fixed_names.role();
      role_names.fixed_binding_names[namespace_name] =
          fixed_names.role_binding();
    }
  } else if (selection.identity_mode) {
    const v1::ObjectNames& mode_names = selection.identity_mode->object_names();
    if (!mode_names.role().empty()) names.set_role(mode_names.role());
    if (!mode_names.role_binding().empty()) {
      names.set_role_binding(mode_names.role_binding());
    }
    if (!mode_names.cluster_role().empty()) {
      names.set_cluster_role(mode_names.cluster_role());
    }
    if (!mode_names.cluster_role_binding().empty()) {
      names.set_cluster_role_binding(mode_names.cluster_role_binding());
    }
    role_names.fixed_role_names.insert(
        selection.identity_mode->fixed_namespace_role_names().begin(),
        selection.identity_mode->fixed_namespace_role_names().end());
  }
  return role_names;
}

// The selected features' declared rules, by the role they go to.
struct DeclaredRules {
  std::vector<DeclaredRule> cluster_rules;
  std::vector<DeclaredRule> namespace_rules;
  // Fixed namespace -> its Role's rules.
  std::map<std::string, std::vector<DeclaredRule>> fixed_rules;
};

// Gathers the declared rules by scope, features in name order; within one the
// namespace rules, the cluster rules, then fixed namespaces by name. For a
// namespace-only selection, records the cluster and fixed-namespace rules in
// shared->dropped_rules instead. Sets shared->feature_summaries. The lists are
// sized first and filled from every core (each rule's place is looked up in
// its file), so no list grows while it is filled.
DeclaredRules GatherDeclaredRules(const LoadedBundle& bundle,
                                  const Selection& selection,
                                  SharedRoleRules* shared) {
  DeclaredRules declared;
  std::map<std::string, std::string> citations;
  if (bundle.calls.has_value()) {
    for (const v1::ApiCall& call : bundle.calls->proto.calls()) {
      citations.emplace(call.id(), CallCitation(call));
    }
  }
  std::vector<DeclaredRange> ranges;
  const auto add_range =
      [&](const google::protobuf::RepeatedPtrField<v1::Rule>& rules,
          std::string path, const LoadedFeature& feature,
          std::vector<DeclaredRule>* list, size_t* size) {
        ranges.push_back(
            {&rules, std::move(path), &feature, list, *size, &citations});
        *size += rules.size();
      };
  size_t namespace_size = 0;
  size_t cluster_size = 0;
  std::map<std::string, size_t> fixed_sizes;
  for (const std::string& name : selection.features) {
    const LoadedFeature& feature = bundle.features.at(name);
    const v1::Feature& f = feature.proto;
    shared->feature_summaries[name] = f.summary();
    add_range(f.namespace_rules(), "namespace_rules", feature,
              &declared.namespace_rules, &namespace_size);
    if (selection.namespace_only()) {
      AddDropped(f.cluster_rules(), "cluster_rules", feature,
                 RoleScope::kCluster, "", &shared->dropped_rules);
    } else {
      add_range(f.cluster_rules(), "cluster_rules", feature,
                &declared.cluster_rules, &cluster_size);
    }
    std::vector<int> fixed_order(f.fixed_namespace_rules_size());
    for (int i = 0; i < f.fixed_namespace_rules_size(); ++i) fixed_order[i] = i;
    std::stable_sort(fixed_order.begin(), fixed_order.end(), [&](int a, int b) {
      return f.fixed_namespace_rules(a).namespace_() <
             f.fixed_namespace_rules(b).namespace_();
    });
    for (const int i : fixed_order) {
      const v1::FixedNamespaceGrant& grant = f.fixed_namespace_rules(i);
      std::string path = absl::StrCat("fixed_namespace_rules[", i, "].rules");
      if (selection.namespace_only()) {
        AddDropped(grant.rules(), path, feature, RoleScope::kFixedNamespace,
                   grant.namespace_(), &shared->dropped_rules);
      } else {
        add_range(grant.rules(), std::move(path), feature,
                  &declared.fixed_rules[grant.namespace_()],
                  &fixed_sizes[grant.namespace_()]);
      }
    }
  }
  declared.namespace_rules.resize(namespace_size);
  declared.cluster_rules.resize(cluster_size);
  for (auto& [namespace_name, rules] : declared.fixed_rules) {
    rules.resize(fixed_sizes[namespace_name]);
  }
  ParallelFor(ranges.size(), [&](size_t i) { FillDeclared(ranges[i]); });
  return declared;
}

// Layers the selected features' app config and Helm values over the bases.
// A feature that lost rules to a namespace-only compilation does not work, so
// its app config keys, which turn it on, go to `policy->dropped_app_config`.
void MergeFeatureConfig(const LoadedBundle& bundle, const Selection& selection,
                        ConfigMerger* app_config, ConfigMerger* helm_values,
                        CompiledPolicy* policy, IssueList* issues) {
  for (const std::string& name : selection.features) {
    const LoadedFeature& feature = bundle.features.at(name);
    const v1::Feature& f = feature.proto;
    const bool lost_rules = std::any_of(
        policy->dropped_rules.begin(), policy->dropped_rules.end(),
        [&](const DroppedRule& rule) { return rule.source.feature == name; });
    for (int i = 0; lost_rules && i < f.app_config_size(); ++i) {
      policy->dropped_app_config.push_back({name, f.app_config(i).key()});
    }
    for (int i = 0; !lost_rules && i < f.app_config_size(); ++i) {
      app_config->SetFromFeature(
          f.app_config(i), name,
          feature.source.Locate(absl::StrCat("app_config[", i, "]")), issues);
    }
    for (int i = 0; i < f.helm_values_size(); ++i) {
      helm_values->SetFromFeature(
          f.helm_values(i), name,
          feature.source.Locate(absl::StrCat("helm_values[", i, "]")), issues);
    }
  }
}

// Compacts each role's rules on its own, so all at once, into `compacted`. A
// list is freed as soon as it is compacted, while the others may still be
// compacting.
void CompactRoles(DeclaredRules& declared, SharedRoleRules& compacted) {
  compacted.has_cluster_rules = !declared.cluster_rules.empty();
  compacted.has_namespace_rules = !declared.namespace_rules.empty();
  std::vector<std::vector<DeclaredRule>*> to_compact = {
      &declared.cluster_rules, &declared.namespace_rules};
  for (auto& [namespace_name, rules] : declared.fixed_rules) {
    compacted.fixed_places[namespace_name] = to_compact.size();
    to_compact.push_back(&rules);
  }
  compacted.rules.resize(to_compact.size());
  ParallelFor(to_compact.size(), [&](size_t i) {
    compacted.rules[i] = CompactRules(*to_compact[i]);
    std::vector<DeclaredRule>().swap(*to_compact[i]);
  });
}

// Gathers the declared rules of `selection` (with the launcher's rules for
// `bootstrap_objects` of a bootstrapping mode) and compacts each role's.
SharedRoleRules MakeRoleRules(
    const LoadedBundle& bundle, const Selection& selection,
    const std::vector<BootstrapObjectRef>& bootstrap_objects) {
  SharedRoleRules role_rules;
  DeclaredRules declared = GatherDeclaredRules(bundle, selection, &role_rules);
  if (selection.bootstraps()) {
    AddLauncherRules(bundle, *selection.identity_mode, bootstrap_objects,
                     selection, &declared.namespace_rules,
                     &declared.cluster_rules, &declared.fixed_rules);
  }
  CompactRoles(declared, role_rules);
  return role_rules;
}

// The SharedRoleRules of one compilation: either kept for others in a
// RoleRulesMemo (each role's rules are then copied) or its own (moved).
class RoleRulesSource {
 public:
  explicit RoleRulesSource(std::shared_ptr<const SharedRoleRules> shared)
      : shared_(std::move(shared)), rules_(shared_.get()) {}
  explicit RoleRulesSource(SharedRoleRules owned)
      : owned_(std::move(owned)), rules_(&owned_) {}
  RoleRulesSource(const RoleRulesSource&) = delete;
  RoleRulesSource& operator=(const RoleRulesSource&) = delete;

  const SharedRoleRules& rules() const { return *rules_; }

  // The compacted rules at `place`: a copy when shared, else moved out (so
  // taken once).
  CompactedRules Take(size_t place) {
    if (shared_ != nullptr) return shared_->rules[place];
    return std::move(owned_.rules[place]);
  }

 private:
  std::shared_ptr<const SharedRoleRules> shared_;
  SharedRoleRules owned_;
  const SharedRoleRules* rules_;
};

// Adds the ClusterRole and each target namespace's Role (all with the same
// rules) to policy->roles, when they have rules.
void AddTargetRoles(const Selection& selection, const RoleNames& names,
                    RoleRulesSource& compacted, CompiledPolicy* policy) {
  const std::string& primary_namespace = selection.primary_namespace();
  if (compacted.rules().has_cluster_rules) {
    policy->roles.push_back(
        {RoleScope::kCluster,
         "",
         names.Expand(names.names.cluster_role(), primary_namespace),
         names.Expand(names.names.cluster_role_binding(), primary_namespace),
         compacted.Take(0),
         {}});
  }
  if (!compacted.rules().has_namespace_rules) return;
  CompactedRules rules = compacted.Take(1);
  for (size_t i = 0; i < selection.namespaces.size(); ++i) {
    const std::string& namespace_name = selection.namespaces[i];
    policy->roles.push_back(
        {RoleScope::kTargetNamespace,
         namespace_name,
         names.Expand(names.names.role(), namespace_name),
         names.Expand(names.names.role_binding(), namespace_name),
         {},
         {}});
    // Every namespace's Role holds the same rules; the last takes them.
    policy->roles.back().rules =
        i + 1 < selection.namespaces.size() ? rules : std::move(rules);
  }
}

// Adds each fixed namespace's Role, by namespace name, to policy->roles and
// switches on its Helm value; lists the fixed namespaces to create whose rules
// a namespace-only selection dropped in policy->dropped_namespaces.
void AddFixedNamespaceRoles(const v1::Bundle& proto, const Selection& selection,
                            const RoleNames& names, RoleRulesSource& compacted,
                            ConfigMerger* helm_values, CompiledPolicy* policy) {
  const std::string& primary_namespace = selection.primary_namespace();
  std::vector<v1::FixedNamespace> fixed_namespaces(
      proto.fixed_namespaces().begin(), proto.fixed_namespaces().end());
  std::sort(fixed_namespaces.begin(), fixed_namespaces.end(),
            [](const v1::FixedNamespace& a, const v1::FixedNamespace& b) {
              return a.name() < b.name();
            });
  for (const v1::FixedNamespace& fixed : fixed_namespaces) {
    const bool dropped =
        std::any_of(policy->dropped_rules.begin(), policy->dropped_rules.end(),
                    [&](const DroppedRule& rule) {
                      return rule.namespace_name == fixed.name();
                    });
    if (dropped && fixed.create()) {
      policy->dropped_namespaces.push_back(fixed.name());
    }
    const std::map<std::string, size_t>& fixed_places =
        compacted.rules().fixed_places;
    const auto place = fixed_places.find(fixed.name());
    if (place == fixed_places.end()) continue;
    const auto mode_role_name = names.fixed_role_names.find(fixed.name());
    policy->roles.push_back(
        {RoleScope::kFixedNamespace, fixed.name(),
         names.Expand(mode_role_name != names.fixed_role_names.end()
                          ? mode_role_name->second
                          : fixed.role_name(),
                      primary_namespace),
         names.Expand(names.fixed_binding_names.count(fixed.name()) > 0
                          ? names.fixed_binding_names.at(fixed.name())
                          : fixed.role_binding_name(),
                      primary_namespace),
         compacted.Take(place->second), fixed});
    if (!fixed.helm_switch().empty()) {
      ConfigValue on;
      on.set_key(fixed.helm_switch());
      on.set_bool_value(true);
      helm_values->SetBase(on);
    }
  }
}

}  // namespace

PolicyRule ToPolicyRule(const v1::Rule& rule) {
  PolicyRule policy_rule;
  policy_rule.api_groups.assign(rule.api_groups().begin(),
                                rule.api_groups().end());
  policy_rule.resources.assign(rule.resources().begin(),
                               rule.resources().end());
  policy_rule.verbs.assign(rule.verbs().begin(), rule.verbs().end());
  policy_rule.resource_names.assign(rule.resource_names().begin(),
                                    rule.resource_names().end());
  policy_rule.non_resource_urls.assign(rule.non_resource_urls().begin(),
                                       rule.non_resource_urls().end());
  return policy_rule;
}

std::string SharedRulesKey(const Selection& selection) {
  std::string key =
      absl::StrCat(absl::StrJoin(selection.features, ","), "|",
                   selection.namespace_only() ? "namespaced" : "", "|");
  if (selection.identity_mode) {
    absl::StrAppend(&key, selection.identity_mode->name());
  }
  if (selection.bootstraps()) {
    absl::StrAppend(&key, "|", static_cast<int>(selection.bootstrap), "|",
                    selection.primary_namespace());
  }
  return key;
}

CompiledPolicy CompilePolicy(const LoadedBundle& bundle,
                             const Selection& selection,
                             const std::string& regenerate_command,
                             RoleRulesMemo* memo, IssueList* issues) {
  const v1::Bundle& proto = bundle.proto;
  CompiledPolicy policy;
  policy.bundle_name = proto.name();
  policy.bundle_digest = bundle.digest;
  policy.application_name = proto.application().name();
  policy.application_config_file = proto.application().config_file();
  policy.selection = selection;
  policy.regenerate_command = regenerate_command;
  const RoleNames names = ChooseRoleNames(proto, selection);

  // Config: the identity and the chart's values are the bases features
  // override.
  ConfigMerger app_config;
  ConfigMerger helm_values;
  ConfigValue identity;
  identity.set_key(proto.application().identity_config_key());
  identity.set_string_value(selection.remote_identity);
  app_config.SetBase(identity);
  for (const ConfigValue& value : proto.helm_chart().values()) {
    helm_values.SetBase(value);
  }

  std::vector<BootstrapObjectRef> bootstrap_objects;
  if (selection.bootstraps()) {
    bootstrap_objects =
        SelectedBootstrapObjects(*selection.identity_mode, selection.features,
                                 selection.primary_namespace());
  }
  const auto make_role_rules = [&] {
    return MakeRoleRules(bundle, selection, bootstrap_objects);
  };
  RoleRulesSource compacted =
      memo != nullptr ? RoleRulesSource(memo->Get(SharedRulesKey(selection),
                                                  make_role_rules))
                      : RoleRulesSource(make_role_rules());
  policy.feature_summaries = compacted.rules().feature_summaries;
  policy.dropped_rules = compacted.rules().dropped_rules;
  MergeFeatureConfig(bundle, selection, &app_config, &helm_values, &policy,
                     issues);

  AddTargetRoles(selection, names, compacted, &policy);
  AddFixedNamespaceRoles(proto, selection, names, compacted, &helm_values,
                         &policy);
  BuildObjects(bundle, selection, bootstrap_objects, &policy, issues);

  policy.app_config =
      app_config.Finish(bundle.source.Locate("application"), issues);
  if (proto.has_helm_chart()) {
    policy.helm_values =
        helm_values.Finish(bundle.source.Locate("helm_chart"), issues);
  }
  return policy;
}

}  // namespace rbacc
