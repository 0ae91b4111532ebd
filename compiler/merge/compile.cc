#include "compiler/merge/compile.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "compiler/common/call_citation.h"
#include "compiler/common/names.h"
#include "compiler/common/parallel.h"
#include "compiler/merge/bootstrap_objects.h"

namespace rbacc {
namespace {

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

// The citations of the calls `rule` serves, joined (RuleSource::serves).
std::string ServedCalls(const v1::Rule& rule,
                        const std::map<std::string, std::string>& citations) {
  std::string served;
  for (const std::string& id : rule.serves()) {
    const auto found = citations.find(id);
    if (found == citations.end()) continue;
    absl::StrAppend(&served, served.empty() ? "" : ", ", found->second);
  }
  return served;
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

ObjectMeta Meta(const std::string& name, const std::string& namespace_name,
                const std::map<std::string, std::string>& labels) {
  return ObjectMeta{name, namespace_name, labels};
}

void CheckUniqueObjects(const RbacObjects& objects,
                        const SourceLocation& location, IssueList* issues) {
  std::set<std::tuple<std::string, std::string, std::string>> seen;
  const auto check = [&](const std::string& kind, const ObjectMeta& meta) {
    if (!seen.insert({kind, meta.namespace_name, meta.name}).second) {
      issues->AddError(
          location,
          absl::StrCat(
              "two ", kind, " objects are named \"", meta.name, "\"",
              meta.namespace_name.empty()
                  ? ""
                  : absl::StrCat(" in namespace \"", meta.namespace_name, "\""),
              "; give them different names in "
              "bundle.textproto"));
    }
  };
  for (const ObjectMeta& meta : objects.namespaces) check("Namespace", meta);
  for (const ObjectMeta& meta : objects.service_accounts)
    check("ServiceAccount", meta);
  for (const RoleObject& role : objects.roles) {
    check(role.is_cluster_role() ? "ClusterRole" : "Role", role.metadata);
  }
  for (const BindingObject& binding : objects.bindings) {
    check(binding.is_cluster_binding() ? "ClusterRoleBinding" : "RoleBinding",
          binding.metadata);
  }
}

// The index of `mode` in the bundle's identity modes, for locating its fields.
int IdentityModeIndex(const LoadedBundle& bundle,
                      const v1::IdentityMode& mode) {
  const auto& modes = bundle.proto.application().identity_modes();
  for (int i = 0; i < modes.size(); ++i) {
    if (modes[i].name() == mode.name()) return i;
  }
  return 0;
}

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

// Adds the objects the application bootstraps to `objects`: with
// BOOTSTRAP_PRECREATE all of them, exactly as its template writes them; with
// BOOTSTRAP_GRANT only its Namespaces (the launcher's own Roles live in them).
// A Namespace the bundle already creates is replaced by the template's.
void AddBootstrappedObjects(const LoadedBundle& bundle,
                            const v1::IdentityMode& mode,
                            const std::vector<BootstrapObjectRef>& selected,
                            const Selection& selection, RbacObjects* objects) {
  std::vector<BootstrapObjectRef> created;
  for (const BootstrapObjectRef& object : selected) {
    if (selection.bootstrap == v1::BOOTSTRAP_PRECREATE ||
        object.proto->kind() == "Namespace") {
      created.push_back(object);
    }
  }
  const std::string path = absl::StrCat("application.identity_modes[",
                                        IdentityModeIndex(bundle, mode), "]");
  RbacObjects bootstrapped;
  AppendBootstrapObjects(
      created, mode.name(), selection.primary_namespace(),
      [&](int object, int rule) {
        return bundle.source.Locate(absl::StrCat(
            path, ".bootstrap_objects[", object, "].rules[", rule, "]"));
      },
      &bootstrapped);
  for (const ObjectMeta& meta : bootstrapped.namespaces) {
    objects->namespaces.erase(
        std::remove_if(objects->namespaces.begin(), objects->namespaces.end(),
                       [&](const ObjectMeta& existing) {
                         return existing.name == meta.name;
                       }),
        objects->namespaces.end());
  }
  const auto append = [](auto& to, auto& from) {
    to.insert(to.end(), std::make_move_iterator(from.begin()),
              std::make_move_iterator(from.end()));
  };
  append(objects->namespaces, bootstrapped.namespaces);
  append(objects->service_accounts, bootstrapped.service_accounts);
  append(objects->roles, bootstrapped.roles);
  append(objects->bindings, bootstrapped.bindings);
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

CompiledPolicy CompilePolicy(const LoadedBundle& bundle,
                             const Selection& selection,
                             const std::string& regenerate_command,
                             IssueList* issues) {
  const v1::Bundle& proto = bundle.proto;
  CompiledPolicy policy;
  policy.bundle_name = proto.name();
  policy.bundle_digest = bundle.digest;
  policy.application_name = proto.application().name();
  policy.application_config_file = proto.application().config_file();
  policy.selection = selection;
  policy.regenerate_command = regenerate_command;

  // Names: {service_account} is the account, or for a mode without one the
  // mode's name in lower case ("local-credentials").
  const std::string name_account =
      !selection.service_account.empty() ? selection.service_account
      : selection.identity_mode
          ? absl::AsciiStrToLower(absl::StrReplaceAll(
                selection.identity_mode->name(), {{"_", "-"}}))
          : "";
  const auto expand = [&](const std::string& name_template,
                          const std::string& namespace_name) {
    return ExpandNameTemplate(name_template, name_account, namespace_name);
  };
  v1::ObjectNames names = proto.defaults().object_names();
  std::map<std::string, std::string> fixed_role_names;
  std::map<std::string, std::string> fixed_binding_names;
  if (selection.bootstraps()) {
    // The launcher's roles, under the mode's names for them.
    names = selection.identity_mode->launcher_object_names();
    for (const auto& [namespace_name, fixed_names] :
         selection.identity_mode->launcher_fixed_namespace_names()) {
      fixed_role_names[namespace_name] = fixed_names.role();
      fixed_binding_names[namespace_name] = fixed_names.role_binding();
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
    fixed_role_names.insert(
        selection.identity_mode->fixed_namespace_role_names().begin(),
        selection.identity_mode->fixed_namespace_role_names().end());
  }
  const std::string& primary_namespace = selection.primary_namespace();

  // Gather declared rules by scope, features in name order.
  std::vector<DeclaredRule> cluster_rules;
  std::vector<DeclaredRule> namespace_rules;
  std::map<std::string, std::vector<DeclaredRule>> fixed_rules;
  ConfigMerger app_config;
  ConfigMerger helm_values;
  ConfigValue identity;
  identity.set_key(proto.application().identity_config_key());
  identity.set_string_value(selection.remote_identity);
  app_config.SetBase(identity);
  for (const ConfigValue& value : proto.helm_chart().values()) {
    helm_values.SetBase(value);
  }
  // Where each run of declared rules goes: features in order, within one the
  // namespace rules, the cluster rules, then fixed namespaces by name. The
  // lists are sized first and filled from every core (each rule's place is
  // looked up in its file), so no list grows while it is filled.
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
    policy.feature_summaries[name] = f.summary();
    add_range(f.namespace_rules(), "namespace_rules", feature, &namespace_rules,
              &namespace_size);
    if (selection.namespace_only()) {
      AddDropped(f.cluster_rules(), "cluster_rules", feature,
                 RoleScope::kCluster, "", &policy.dropped_rules);
    } else {
      add_range(f.cluster_rules(), "cluster_rules", feature, &cluster_rules,
                &cluster_size);
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
                   grant.namespace_(), &policy.dropped_rules);
      } else {
        add_range(grant.rules(), std::move(path), feature,
                  &fixed_rules[grant.namespace_()],
                  &fixed_sizes[grant.namespace_()]);
      }
    }
  }
  namespace_rules.resize(namespace_size);
  cluster_rules.resize(cluster_size);
  for (auto& [namespace_name, rules] : fixed_rules) {
    rules.resize(fixed_sizes[namespace_name]);
  }
  ParallelFor(ranges.size(), [&](size_t i) { FillDeclared(ranges[i]); });
  std::vector<BootstrapObjectRef> bootstrap_objects;
  if (selection.bootstraps()) {
    const v1::IdentityMode& mode = *selection.identity_mode;
    bootstrap_objects =
        SelectedBootstrapObjects(mode, selection.features, primary_namespace);
    AddLauncherRules(bundle, mode, bootstrap_objects, selection,
                     &namespace_rules, &cluster_rules, &fixed_rules);
  }

  for (const std::string& name : selection.features) {
    const LoadedFeature& feature = bundle.features.at(name);
    const v1::Feature& f = feature.proto;
    const bool lost_rules = std::any_of(
        policy.dropped_rules.begin(), policy.dropped_rules.end(),
        [&](const DroppedRule& rule) { return rule.source.feature == name; });
    for (int i = 0; lost_rules && i < f.app_config_size(); ++i) {
      policy.dropped_app_config.push_back({name, f.app_config(i).key()});
    }
    for (int i = 0; !lost_rules && i < f.app_config_size(); ++i) {
      app_config.SetFromFeature(
          f.app_config(i), name,
          feature.source.Locate(absl::StrCat("app_config[", i, "]")), issues);
    }
    for (int i = 0; i < f.helm_values_size(); ++i) {
      helm_values.SetFromFeature(
          f.helm_values(i), name,
          feature.source.Locate(absl::StrCat("helm_values[", i, "]")), issues);
    }
  }

  // Each role's rules are compacted on their own, so all at once.
  // A list is freed as soon as it is compacted, while the others may still be
  // compacting.
  const bool has_cluster_rules = !cluster_rules.empty();
  const bool has_namespace_rules = !namespace_rules.empty();
  std::vector<std::vector<DeclaredRule>*> to_compact = {&cluster_rules,
                                                        &namespace_rules};
  for (auto& [namespace_name, rules] : fixed_rules) {
    to_compact.push_back(&rules);
  }
  std::vector<CompactedRules> compacted_roles(to_compact.size());
  ParallelFor(to_compact.size(), [&](size_t i) {
    compacted_roles[i] = CompactRules(*to_compact[i]);
    std::vector<DeclaredRule>().swap(*to_compact[i]);
  });
  if (has_cluster_rules) {
    policy.roles.push_back(
        {RoleScope::kCluster,
         "",
         expand(names.cluster_role(), primary_namespace),
         expand(names.cluster_role_binding(), primary_namespace),
         std::move(compacted_roles[0]),
         {}});
  }
  if (has_namespace_rules) {
    CompactedRules compacted = std::move(compacted_roles[1]);
    for (size_t i = 0; i < selection.namespaces.size(); ++i) {
      const std::string& namespace_name = selection.namespaces[i];
      policy.roles.push_back({RoleScope::kTargetNamespace,
                              namespace_name,
                              expand(names.role(), namespace_name),
                              expand(names.role_binding(), namespace_name),
                              {},
                              {}});
      // Every namespace's Role holds the same rules; the last takes them.
      policy.roles.back().rules = i + 1 < selection.namespaces.size()
                                      ? compacted
                                      : std::move(compacted);
    }
  }
  std::vector<v1::FixedNamespace> fixed_namespaces(
      proto.fixed_namespaces().begin(), proto.fixed_namespaces().end());
  std::sort(fixed_namespaces.begin(), fixed_namespaces.end(),
            [](const v1::FixedNamespace& a, const v1::FixedNamespace& b) {
              return a.name() < b.name();
            });
  for (const v1::FixedNamespace& fixed : fixed_namespaces) {
    const bool dropped =
        std::any_of(policy.dropped_rules.begin(), policy.dropped_rules.end(),
                    [&](const DroppedRule& rule) {
                      return rule.namespace_name == fixed.name();
                    });
    if (dropped && fixed.create()) {
      policy.dropped_namespaces.push_back(fixed.name());
    }
    const auto rules = fixed_rules.find(fixed.name());
    if (rules == fixed_rules.end()) continue;
    const auto mode_role_name = fixed_role_names.find(fixed.name());
    policy.roles.push_back(
        {RoleScope::kFixedNamespace, fixed.name(),
         expand(mode_role_name != fixed_role_names.end()
                    ? mode_role_name->second
                    : fixed.role_name(),
                primary_namespace),
         expand(fixed_binding_names.count(fixed.name()) > 0
                    ? fixed_binding_names.at(fixed.name())
                    : fixed.role_binding_name(),
                primary_namespace),
         std::move(
             compacted_roles[2 + std::distance(fixed_rules.begin(), rules)]),
         fixed});
    if (!fixed.helm_switch().empty()) {
      ConfigValue on;
      on.set_key(fixed.helm_switch());
      on.set_bool_value(true);
      helm_values.SetBase(on);
    }
  }

  // Objects.
  std::map<std::string, std::string> labels(proto.defaults().labels().begin(),
                                            proto.defaults().labels().end());
  RbacObjects& objects = policy.objects;
  for (const ScopedRole& role : policy.roles) {
    if (role.scope == RoleScope::kFixedNamespace &&
        role.fixed_namespace.create()) {
      objects.namespaces.push_back(Meta(role.namespace_name, "", labels));
    }
  }
  // In a bootstrapping mode the account is bound only by the application's
  // own objects; the compiled roles are the launcher's.
  const std::vector<Subject> accounts = selection.bootstraps()
                                            ? std::vector<Subject>()
                                            : selection.ServiceAccounts();
  if (selection.create_service_account) {
    for (const Subject& account : accounts) {
      objects.service_accounts.push_back(
          Meta(account.name, account.namespace_name, labels));
    }
  }
  // Cluster and fixed-namespace roles are bound to every account; a target
  // namespace's Role to the account of that namespace. Extra subjects get all.
  std::vector<Subject> all_subjects = accounts;
  all_subjects.insert(all_subjects.end(), selection.extra_subjects.begin(),
                      selection.extra_subjects.end());
  std::sort(all_subjects.begin(), all_subjects.end());
  policy.subjects = all_subjects;
  for (const ScopedRole& role : policy.roles) {
    std::vector<Subject> subjects = all_subjects;
    if (role.scope == RoleScope::kTargetNamespace) {
      subjects = selection.extra_subjects;
      for (const Subject& account : accounts) {
        if (account.namespace_name == role.namespace_name) {
          subjects.push_back(account);
        }
      }
      std::sort(subjects.begin(), subjects.end());
    }
    const bool cluster = role.scope == RoleScope::kCluster;
    objects.roles.push_back(
        {Meta(role.role_name, role.namespace_name, labels), role.rules.rules});
    objects.bindings.push_back(
        {Meta(role.binding_name, role.namespace_name, labels),
         cluster ? "ClusterRole" : "Role", role.role_name, subjects});
  }
  if (selection.bootstraps()) {
    AddBootstrappedObjects(bundle, *selection.identity_mode, bootstrap_objects,
                           selection, &objects);
  }
  std::sort(objects.service_accounts.begin(), objects.service_accounts.end(),
            [](const ObjectMeta& a, const ObjectMeta& b) {
              return std::tie(a.namespace_name, a.name) <
                     std::tie(b.namespace_name, b.name);
            });
  const auto by_place = [](const auto& a, const auto& b) {
    return std::tie(a.metadata.namespace_name, a.metadata.name) <
           std::tie(b.metadata.namespace_name, b.metadata.name);
  };
  std::sort(objects.roles.begin(), objects.roles.end(), by_place);
  std::sort(objects.bindings.begin(), objects.bindings.end(), by_place);
  std::sort(
      objects.namespaces.begin(), objects.namespaces.end(),
      [](const ObjectMeta& a, const ObjectMeta& b) { return a.name < b.name; });
  CheckUniqueObjects(objects, bundle.source.Locate("defaults.object_names"),
                     issues);

  policy.app_config =
      app_config.Finish(bundle.source.Locate("application"), issues);
  if (proto.has_helm_chart()) {
    policy.helm_values =
        helm_values.Finish(bundle.source.Locate("helm_chart"), issues);
  }
  return policy;
}

}  // namespace rbacc
