#include "compiler/review/importer.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "compiler/common/names.h"
#include "compiler/common/policy_rule.h"
#include "compiler/common/rbac_objects.h"
#include "compiler/review/grants.h"

namespace rbacc {
namespace {

std::string Quoted(const std::string& text) {
  return absl::StrCat("\"", absl::Utf8SafeCEscape(text), "\"");
}

// `  field: "a"` or `  field: ["a", "b"]`; nothing for an empty list.
std::string Field(const std::string& indent, const std::string& field,
                  const std::vector<std::string>& values) {
  if (values.empty()) return "";
  if (values.size() == 1) {
    return absl::StrCat(indent, field, ": ", Quoted(values[0]), "\n");
  }
  std::vector<std::string> quoted;
  for (const std::string& value : values) quoted.push_back(Quoted(value));
  return absl::StrCat(indent, field, ": [", absl::StrJoin(quoted, ", "), "]\n");
}

// One rule as a text-format message named `field`.
std::string RuleMessage(const std::string& indent, const std::string& field,
                        const CompiledRule& compiled, const ObjectRef& role,
                        const std::string& source_name) {
  const PolicyRule& rule = compiled.rule;
  std::string reason;
  int line = -1;
  if (!compiled.sources.empty()) {
    reason = compiled.sources.front().reason;
    line = compiled.sources.front().location.line;
  }
  if (reason.empty()) {
    reason = line >= 0 ? absl::StrCat("Imported from ", source_name, ":",
                                      line + 1, " (", role.ToString(), ").")
                       : absl::StrCat("Imported from ", source_name, " (",
                                      role.ToString(), ").");
  }
  const std::string inner = absl::StrCat(indent, "  ");
  return absl::StrCat(indent, field, " {\n",
                      Field(inner, "api_groups", rule.api_groups),
                      Field(inner, "resources", rule.resources),
                      Field(inner, "verbs", rule.verbs),
                      Field(inner, "resource_names", rule.resource_names),
                      Field(inner, "non_resource_urls", rule.non_resource_urls),
                      inner, "reason: ", Quoted(reason), "\n", indent, "}\n");
}

}  // namespace

std::string FeatureNameFromFile(const std::string& path) {
  const std::string stem = std::filesystem::path(path).stem().string();
  std::string name;
  for (const char c : absl::AsciiStrToLower(stem)) {
    if (absl::ascii_isalnum(c)) {
      name += c;
    } else if (!name.empty() && name.back() != '-') {
      name += '-';
    }
  }
  while (!name.empty() && name.back() == '-') name.pop_back();
  return name.empty() ? "imported" : name.substr(0, 63);
}

std::string ImportedSubjects::Flags() const {
  std::vector<std::string> flags = {
      absl::StrCat("--namespace=", absl::StrJoin(namespaces, ","))};
  if (service_account.empty()) {
    flags.push_back(
        "--remote_identity=MODE (an identity mode of the bundle without an "
        "account)");
  } else {
    flags.push_back(absl::StrCat("--service_account=", service_account));
    if (!create_service_account) {
      flags.push_back("--create_service_account=false");
    }
  }
  std::vector<std::string> subjects;
  for (const Subject& subject : other_subjects) {
    subjects.push_back(
        subject.kind == "ServiceAccount"
            ? absl::StrCat("ServiceAccount:", subject.namespace_name, "/",
                           subject.name)
            : absl::StrCat(subject.kind, ":", subject.name));
  }
  if (!subjects.empty()) {
    flags.push_back(absl::StrCat("--subjects=", absl::StrJoin(subjects, ",")));
  }
  return absl::StrJoin(flags, " ");
}

ImportedSubjects ImportSubjects(const RbacObjects& objects) {
  // Every subject bound, accounts with their namespace, in binding order.
  std::vector<Subject> bound;
  for (const BindingObject& binding : objects.bindings) {
    for (Subject subject : binding.subjects) {
      if (subject.kind == "ServiceAccount" && subject.namespace_name.empty()) {
        subject.namespace_name = binding.metadata.namespace_name;
      }
      if (std::find(bound.begin(), bound.end(), subject) == bound.end()) {
        bound.push_back(subject);
      }
    }
  }
  // The account: the first bound one the YAML creates, else the first bound
  // one; its namespaces are those it is bound in under that name.
  const auto created = [&](const Subject& account) {
    return std::any_of(objects.service_accounts.begin(),
                       objects.service_accounts.end(),
                       [&](const ObjectMeta& meta) {
                         return meta.name == account.name &&
                                meta.namespace_name == account.namespace_name;
                       });
  };
  std::vector<Subject> accounts;
  for (const Subject& subject : bound) {
    if (subject.kind == "ServiceAccount") accounts.push_back(subject);
  }
  ImportedSubjects imported;
  const auto first_created =
      std::find_if(accounts.begin(), accounts.end(), created);
  if (first_created != accounts.end()) {
    imported.service_account = first_created->name;
  } else if (!accounts.empty()) {
    imported.service_account = accounts.front().name;
  }
  bool all_created = true;
  for (const Subject& account : accounts) {
    if (account.name != imported.service_account) continue;
    all_created &= created(account);
    if (std::find(imported.namespaces.begin(), imported.namespaces.end(),
                  account.namespace_name) == imported.namespaces.end()) {
      imported.namespaces.push_back(account.namespace_name);
    }
  }
  imported.create_service_account =
      !imported.service_account.empty() && all_created;
  if (imported.namespaces.empty()) {
    for (const BindingObject& binding : objects.bindings) {
      if (binding.is_cluster_binding()) continue;
      imported.namespaces.push_back(binding.metadata.namespace_name);
      break;
    }
  }
  if (imported.namespaces.empty()) imported.namespaces.push_back("default");
  for (const Subject& subject : bound) {
    const bool is_account =
        subject.kind == "ServiceAccount" &&
        subject.name == imported.service_account &&
        std::find(imported.namespaces.begin(), imported.namespaces.end(),
                  subject.namespace_name) != imported.namespaces.end();
    if (!is_account) imported.other_subjects.push_back(subject);
  }
  std::sort(imported.other_subjects.begin(), imported.other_subjects.end());
  return imported;
}

namespace {

// The roles the bindings refer to.
struct BoundRoles {
  // Roles by the binding's namespace ("" = cluster), each once, in the order
  // bound.
  std::map<std::string, std::vector<const RoleObject*>> by_scope;
  // Every role some binding refers to.
  std::set<const RoleObject*> bound;
};

// The roles of `objects` that a binding refers to.
BoundRoles FindBoundRoles(const RbacObjects& objects) {
  BoundRoles roles;
  std::set<std::pair<std::string, const RoleObject*>> seen;
  for (const BindingObject& binding : objects.bindings) {
    const RoleObject* role = FindBoundRole(objects, binding);
    if (role == nullptr) continue;
    roles.bound.insert(role);
    const std::string scope = binding.metadata.namespace_name;
    if (seen.insert({scope, role}).second) {
      roles.by_scope[scope].push_back(role);
    }
  }
  return roles;
}

// The rules the roles bound in `scope` hold, in order.
std::vector<PolicyRule> RulesIn(const BoundRoles& roles,
                                const std::string& scope) {
  std::vector<PolicyRule> rules;
  const auto found = roles.by_scope.find(scope);
  if (found == roles.by_scope.end()) return rules;
  for (const RoleObject* role : found->second) {
    for (const CompiledRule& rule : role->rules) rules.push_back(rule.rule);
  }
  return rules;
}

// Namespaces whose roles become fixed_namespace_rules.
struct FixedScopes {
  // Those outside the target namespaces, and target namespaces granting
  // something else than the primary one, in name order.
  std::vector<std::string> scopes;
  // The target namespaces among them.
  std::vector<std::string> differing_targets;
};

// The namespaces of `roles` to import as fixed_namespace_rules.
FixedScopes ChooseFixedScopes(const BoundRoles& roles,
                              const ImportedSubjects& subjects) {
  const std::string& target_namespace = subjects.namespaces.front();
  FixedScopes fixed;
  for (const auto& scoped : roles.by_scope) {
    const std::string& scope = scoped.first;
    if (scope.empty() || scope == target_namespace) continue;
    const bool is_target =
        std::find(subjects.namespaces.begin(), subjects.namespaces.end(),
                  scope) != subjects.namespaces.end();
    if (is_target &&
        RulesIn(roles, scope) == RulesIn(roles, target_namespace)) {
      continue;
    }
    fixed.scopes.push_back(scope);
    if (is_target) fixed.differing_targets.push_back(scope);
  }
  return fixed;
}

// Comment lines on the namespaces the bundle must declare: those created
// outside the target namespaces, and those granted in but not created.
std::string NamespaceNotes(const RbacObjects& objects,
                           const ImportedSubjects& subjects,
                           const FixedScopes& fixed) {
  std::string out;
  const auto is_target = [&](const std::string& name) {
    return std::find(subjects.namespaces.begin(), subjects.namespaces.end(),
                     name) != subjects.namespaces.end();
  };
  for (const ObjectMeta& meta : objects.namespaces) {
    if (is_target(meta.name)) continue;
    absl::StrAppend(&out, "# It creates Namespace ", meta.name,
                    ": declare it in bundle.textproto as fixed_namespaces { "
                    "name: ",
                    Quoted(meta.name), " create: true ... }.\n");
  }
  for (const std::string& scope : fixed.scopes) {
    const bool created =
        std::any_of(objects.namespaces.begin(), objects.namespaces.end(),
                    [&](const ObjectMeta& meta) { return meta.name == scope; });
    if (!created) {
      absl::StrAppend(&out, "# It grants in namespace ", scope,
                      ": declare it in bundle.textproto as fixed_namespaces { "
                      "name: ",
                      Quoted(scope), " create: false ... }.\n");
    }
  }
  return out;
}

// Comment lines on the other subjects bound to some of the roles only.
std::string SubjectNotes(const RbacObjects& objects,
                         const ImportedSubjects& subjects) {
  std::string out;
  for (const Subject& subject : subjects.other_subjects) {
    const bool everywhere = std::all_of(
        objects.bindings.begin(), objects.bindings.end(),
        [&](const BindingObject& binding) {
          return FindBoundRole(objects, binding) == nullptr ||
                 std::any_of(binding.subjects.begin(), binding.subjects.end(),
                             [&](Subject bound_subject) {
                               if (bound_subject.namespace_name.empty() &&
                                   bound_subject.kind == "ServiceAccount") {
                                 bound_subject.namespace_name =
                                     binding.metadata.namespace_name;
                               }
                               return bound_subject == subject;
                             });
        });
    if (!everywhere) {
      absl::StrAppend(&out, "# ", SubjectText(subject),
                      " is bound to some of the roles only; --subjects binds "
                      "it to all of them.\n");
    }
  }
  return out;
}

// The feature file's header comment: where it was imported from, how to
// compile it, and what the import could not carry over.
std::string HeaderComment(const RbacObjects& objects,
                          const ImportOptions& options,
                          const ImportedSubjects& subjects,
                          const BoundRoles& roles, const FixedScopes& fixed) {
  const std::string& target_namespace = subjects.namespaces.front();
  std::string out = absl::StrCat(
      "# proto-file: proto/rbacc/v1/policy.proto\n"
      "# proto-message: rbacc.v1.Feature\n#\n"
      "# Imported by `rbacc import` from ",
      options.source_name,
      subjects.namespaces.size() > 1 ? " (target namespaces "
                                     : " (target namespace ",
      absl::StrJoin(subjects.namespaces, ", "),
      subjects.service_account.empty()
          ? ""
          : absl::StrCat(", service account ", subjects.service_account),
      ").\n# Compile it for the subjects it binds: ", subjects.Flags(), "\n");
  absl::StrAppend(&out, NamespaceNotes(objects, subjects, fixed),
                  SubjectNotes(objects, subjects));
  for (const std::string& scope : fixed.differing_targets) {
    absl::StrAppend(&out, "# Its roles in target namespace ", scope,
                    " grant something else than in ", target_namespace,
                    ": imported as fixed_namespace_rules, which bind every "
                    "account in ",
                    scope, ".\n");
  }
  // "ClusterRole <name>" of each role a bound aggregated ClusterRole took
  // rules from: those rules are imported as the aggregated role's.
  std::set<std::string> aggregated;
  for (const RoleObject* role : roles.bound) {
    for (const CompiledRule& rule : role->rules) {
      for (const RuleSource& source : rule.sources) {
        if (!source.aggregated_from.empty()) {
          aggregated.insert(source.aggregated_from);
        }
      }
    }
  }
  for (const RoleObject& role : objects.roles) {
    if (roles.bound.count(&role) == 0) {
      const std::string name =
          ObjectRef{role.is_cluster_role() ? "ClusterRole" : "Role",
                    role.metadata.namespace_name, role.metadata.name}
              .ToString();
      absl::StrAppend(
          &out, "# Not imported: ", name,
          aggregated.count(name) > 0
              ? " is bound by nothing itself; its rules are imported as "
                "those of the ClusterRole that aggregates it.\n"
              : " is bound by nothing, so it grants nothing.\n");
    }
  }
  return out;
}

// The rules of the roles bound in `scope`, each a message named `field`.
std::string RulesOf(const BoundRoles& roles, const std::string& scope,
                    const std::string& indent, const std::string& field,
                    const std::string& source_name) {
  std::string text;
  const auto found = roles.by_scope.find(scope);
  if (found == roles.by_scope.end()) return text;
  for (const RoleObject* role : found->second) {
    const ObjectRef role_ref{role->is_cluster_role() ? "ClusterRole" : "Role",
                             role->metadata.namespace_name,
                             role->metadata.name};
    for (const CompiledRule& rule : role->rules) {
      absl::StrAppend(&text,
                      RuleMessage(indent, field, rule, role_ref, source_name));
    }
  }
  return text;
}

}  // namespace

absl::StatusOr<std::string> ImportFeature(const RbacObjects& objects,
                                          const ImportOptions& options) {
  if (!IsDns1123Label(options.feature_name)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "feature name \"", options.feature_name,
        "\" is not a DNS-1123 label (lower-case letters, digits and \"-\")"));
  }
  const ImportedSubjects subjects = ImportSubjects(objects);
  const std::string& target_namespace = subjects.namespaces.front();
  const BoundRoles roles = FindBoundRoles(objects);
  if (roles.bound.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(options.source_name,
                     ": no binding refers to a role in it; nothing to import"));
  }
  const FixedScopes fixed = ChooseFixedScopes(roles, subjects);

  std::string out = HeaderComment(objects, options, subjects, roles, fixed);
  absl::StrAppend(
      &out, "\nname: ", Quoted(options.feature_name), "\nsummary: ",
      Quoted(absl::StrCat("Imported from ", options.source_name, ".")), "\n");
  const std::string namespace_rules = RulesOf(
      roles, target_namespace, "", "namespace_rules", options.source_name);
  if (!namespace_rules.empty()) absl::StrAppend(&out, "\n", namespace_rules);
  const std::string cluster_rules =
      RulesOf(roles, "", "", "cluster_rules", options.source_name);
  if (!cluster_rules.empty()) absl::StrAppend(&out, "\n", cluster_rules);
  for (const std::string& scope : fixed.scopes) {
    absl::StrAppend(
        &out, "\nfixed_namespace_rules {\n  namespace: ", Quoted(scope), "\n",
        RulesOf(roles, scope, "  ", "rules", options.source_name), "}\n");
  }
  return out;
}

}  // namespace rbacc
