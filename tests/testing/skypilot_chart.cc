// SkyPilot's chart templates/rbac.yaml and templates/system-rbac.yaml as C++:
// values are read with yaml-cpp, which reports malformed YAML by throwing;
// RenderSkyPilotChartRbac turns every exception into an InvalidArgumentError.
#include "tests/testing/skypilot_chart.h"

#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "compiler/common/policy_rule.h"
#include "compiler/common/rbac_objects.h"
#include "yaml-cpp/yaml.h"

namespace rbacc::testing {
namespace {

// The namespace system-rbac.yaml puts the system components in.
constexpr char kSystemNamespace[] = "skypilot-system";

absl::Status ErrorAt(const YAML::Node& node, absl::string_view message) {
  const YAML::Mark mark = node.Mark();
  return absl::InvalidArgumentError(
      mark.is_null() ? absl::StrCat("values: ", message)
                     : absl::StrCat("values:", mark.line + 1, ":",
                                    mark.column + 1, ": ", message));
}

// The node at `dotted_key` ("rbac.create"), or an undefined node when a key on
// the way is missing or not a mapping.
YAML::Node ValueAt(const YAML::Node& values, absl::string_view dotted_key) {
  YAML::Node node = values;
  for (absl::string_view key : absl::StrSplit(dotted_key, '.')) {
    if (!node.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
    // Const access: indexing a non-const node would add the key.
    const YAML::Node child = std::as_const(node)[std::string(key)];
    if (!child.IsDefined()) return YAML::Node(YAML::NodeType::Undefined);
    node.reset(child);
  }
  return node;
}

// True when Helm would treat the value as not given (missing or null).
bool IsUnset(const YAML::Node& node) {
  return !node.IsDefined() || node.IsNull();
}

// The boolean at `dotted_key`, or `fallback` when it is not given.
absl::StatusOr<bool> ReadBool(const YAML::Node& values,
                              absl::string_view dotted_key, bool fallback) {
  const YAML::Node node = ValueAt(values, dotted_key);
  if (IsUnset(node)) return fallback;
  bool value = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
    return ErrorAt(node, absl::StrCat(dotted_key, " is not a boolean"));
  }
  return value;
}

// The string at `dotted_key`, or `fallback` when it is not given or empty (as
// the chart's `default` treats it).
absl::StatusOr<std::string> ReadString(const YAML::Node& values,
                                       absl::string_view dotted_key,
                                       const std::string& fallback) {
  const YAML::Node node = ValueAt(values, dotted_key);
  if (IsUnset(node)) return fallback;
  if (!node.IsScalar()) {
    return ErrorAt(node, absl::StrCat(dotted_key, " is not a string"));
  }
  return node.Scalar().empty() ? fallback : node.Scalar();
}

// A list of strings of a rule, e.g. its verbs; empty when not given.
absl::StatusOr<std::vector<std::string>> ReadStrings(const YAML::Node& node,
                                                     absl::string_view what) {
  std::vector<std::string> strings;
  if (IsUnset(node)) return strings;
  if (!node.IsSequence()) {
    return ErrorAt(node, absl::StrCat(what, " is not a list"));
  }
  for (const YAML::Node& element : node) {
    if (!element.IsScalar()) {
      return ErrorAt(element, absl::StrCat(what,
                                           " has an element that is not "
                                           "a string"));
    }
    strings.push_back(element.Scalar());
  }
  return strings;
}

// The rule list at `dotted_key` (rbac.namespaceRules, rbac.clusterRules).
absl::StatusOr<std::vector<PolicyRule>> ReadRules(
    const YAML::Node& values, absl::string_view dotted_key) {
  const YAML::Node node = ValueAt(values, dotted_key);
  if (IsUnset(node)) {
    return ErrorAt(values,
                   absl::StrCat(dotted_key,
                                " is not given: the chart's default rules "
                                "would apply, which this renderer does not "
                                "model"));
  }
  if (!node.IsSequence()) {
    return ErrorAt(node, absl::StrCat(dotted_key, " is not a list"));
  }
  std::vector<PolicyRule> rules;
  for (const YAML::Node& entry : node) {
    if (!entry.IsMap()) {
      return ErrorAt(entry, absl::StrCat(dotted_key,
                                         " has a rule that is not "
                                         "a mapping"));
    }
    PolicyRule rule;
    for (const auto& field : entry) {
      const std::string key = field.first.Scalar();
      std::vector<std::string>* target =
          key == "apiGroups"         ? &rule.api_groups
          : key == "resources"       ? &rule.resources
          : key == "verbs"           ? &rule.verbs
          : key == "resourceNames"   ? &rule.resource_names
          : key == "nonResourceURLs" ? &rule.non_resource_urls
                                     : nullptr;
      if (target == nullptr) {
        return ErrorAt(field.first,
                       absl::StrCat("unknown field \"", key, "\" in a rule of ",
                                    dotted_key));
      }
      absl::StatusOr<std::vector<std::string>> strings =
          ReadStrings(field.second, absl::StrCat(dotted_key, " ", key));
      if (!strings.ok()) return strings.status();
      *target = *std::move(strings);
    }
    rules.push_back(std::move(rule));
  }
  return rules;
}

PolicyRule Rule(std::vector<std::string> api_groups,
                std::vector<std::string> resources,
                std::vector<std::string> verbs,
                std::vector<std::string> resource_names = {}) {
  PolicyRule rule;
  rule.api_groups = std::move(api_groups);
  rule.resources = std::move(resources);
  rule.verbs = std::move(verbs);
  rule.resource_names = std::move(resource_names);
  return rule;
}

// A Role (namespace_name set) or ClusterRole and its binding to `account`.
void AddBoundRole(const std::string& role_name, const std::string& binding_name,
                  const std::string& namespace_name,
                  const std::vector<PolicyRule>& rules, const Subject& account,
                  RbacObjects& objects) {
  RoleObject role;
  role.metadata = {role_name, namespace_name, {}};
  for (const PolicyRule& rule : rules) role.rules.push_back({rule, {}});
  objects.roles.push_back(std::move(role));
  objects.bindings.push_back({{binding_name, namespace_name, {}},
                              namespace_name.empty() ? "ClusterRole" : "Role",
                              role_name,
                              {account}});
}

absl::StatusOr<RbacObjects> Render(const YAML::Node& values,
                                   const HelmRelease& release) {
  RbacObjects objects;
  const absl::StatusOr<bool> create = ReadBool(values, "rbac.create", true);
  if (!create.ok()) return create.status();
  if (!*create) return objects;
  const absl::StatusOr<bool> manage_rbac =
      ReadBool(values, "rbac.manageRbacPolicies", true);
  if (!manage_rbac.ok()) return manage_rbac.status();
  const absl::StatusOr<bool> manage_system =
      ReadBool(values, "rbac.manageSystemComponents", true);
  if (!manage_system.ok()) return manage_system.status();
  const absl::StatusOr<std::string> account_name = ReadString(
      values, "rbac.serviceAccountName", absl::StrCat(release.name, "-api-sa"));
  if (!account_name.ok()) return account_name.status();
  const absl::StatusOr<std::string> role_namespace =
      ReadString(values, "kubernetesCredentials.inclusterNamespace",
                 release.namespace_name);
  if (!role_namespace.ok()) return role_namespace.status();
  absl::StatusOr<std::vector<PolicyRule>> cluster_rules =
      ReadRules(values, "rbac.clusterRules");
  if (!cluster_rules.ok()) return cluster_rules.status();
  absl::StatusOr<std::vector<PolicyRule>> namespace_rules =
      ReadRules(values, "rbac.namespaceRules");
  if (!namespace_rules.ok()) return namespace_rules.status();

  // templates/rbac.yaml
  const Subject account{"ServiceAccount", *account_name,
                        release.namespace_name};
  objects.service_accounts.push_back(
      {*account_name, release.namespace_name, {}});
  const std::vector<PolicyRule> namespaced_rbac_rules = {
      Rule({"rbac.authorization.k8s.io"}, {"roles", "rolebindings"}, {"*"}),
      Rule({""}, {"serviceaccounts"}, {"*"})};
  if (*manage_rbac) {
    cluster_rules->push_back(Rule({"rbac.authorization.k8s.io"},
                                  {"clusterroles", "clusterrolebindings"},
                                  {"*"}));
  }
  cluster_rules->push_back(
      Rule({"storage.k8s.io"}, {"storageclasses"}, {"get", "list", "watch"}));
  const std::string api_role = absl::StrCat(release.name, "-api-role");
  const std::string api_binding =
      absl::StrCat(release.name, "-api-role-binding");
  AddBoundRole(api_role, api_binding, "", *cluster_rules, account, objects);
  if (*role_namespace != release.namespace_name) {
    objects.namespaces.push_back({*role_namespace, "", {}});
  }
  if (*manage_rbac) {
    namespace_rules->insert(namespace_rules->end(),
                            namespaced_rbac_rules.begin(),
                            namespaced_rbac_rules.end());
  }
  AddBoundRole(api_role, api_binding, *role_namespace, *namespace_rules,
               account, objects);

  // templates/system-rbac.yaml
  if (!*manage_system) return objects;
  objects.namespaces.push_back({kSystemNamespace, "", {}});
  std::vector<PolicyRule> system_rules = {
      Rule({"apps"}, {"daemonsets"}, {"*"})};
  if (*manage_rbac) {
    system_rules.insert(system_rules.end(), namespaced_rbac_rules.begin(),
                        namespaced_rbac_rules.end());
  }
  AddBoundRole(absl::StrCat(release.name, "-system-role"),
               absl::StrCat(release.name, "-system-role-binding"),
               kSystemNamespace, system_rules, account, objects);
  if (*manage_rbac) {
    AddBoundRole(absl::StrCat(release.name, "-system-cluster-role"),
                 absl::StrCat(release.name, "-system-cluster-role-binding"), "",
                 {Rule({""}, {"namespaces"}, {"get", "list", "watch", "create"},
                       {kSystemNamespace})},
                 account, objects);
  }
  return objects;
}

}  // namespace

absl::StatusOr<RbacObjects> RenderSkyPilotChartRbac(
    absl::string_view values_yaml, const HelmRelease& release) {
  try {
    const YAML::Node values = YAML::Load(std::string(values_yaml));
    if (!IsUnset(values) && !values.IsMap()) {
      return ErrorAt(values, "the values are not a mapping");
    }
    return Render(values, release);
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(
        e.mark.is_null() ? absl::StrCat("values: ", e.msg)
                         : absl::StrCat("values:", e.mark.line + 1, ":",
                                        e.mark.column + 1, ": ", e.msg));
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("values: ", e.what()));
  }
}

}  // namespace rbacc::testing
