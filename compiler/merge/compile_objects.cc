#include "compiler/merge/compile_objects.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "compiler/common/rbac_objects.h"

namespace rbacc {
namespace compile_internal {
namespace {

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

// Binds each of policy->roles: cluster and fixed-namespace roles to every
// account; a target namespace's Role to the account of that namespace. Extra
// subjects get all. Sets policy->subjects.
void BindRoles(const Selection& selection, const std::vector<Subject>& accounts,
               const std::map<std::string, std::string>& labels,
               CompiledPolicy* policy) {
  RbacObjects& objects = policy->objects;
  std::vector<Subject> all_subjects = accounts;
  all_subjects.insert(all_subjects.end(), selection.extra_subjects.begin(),
                      selection.extra_subjects.end());
  std::sort(all_subjects.begin(), all_subjects.end());
  policy->subjects = all_subjects;
  for (const ScopedRole& role : policy->roles) {
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
}

// Sorts each kind of object by namespace and name.
void SortObjects(RbacObjects& objects) {
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
}

}  // namespace

int IdentityModeIndex(const LoadedBundle& bundle,
                      const v1::IdentityMode& mode) {
  const auto& modes = bundle.proto.application().identity_modes();
  for (int i = 0; i < modes.size(); ++i) {
    if (modes[i].name() == mode.name()) return i;
  }
  return 0;
}

void BuildObjects(const LoadedBundle& bundle, const Selection& selection,
                  const std::vector<BootstrapObjectRef>& bootstrap_objects,
                  CompiledPolicy* policy, IssueList* issues) {
  const v1::Bundle& proto = bundle.proto;
  std::map<std::string, std::string> labels(proto.defaults().labels().begin(),
                                            proto.defaults().labels().end());
  RbacObjects& objects = policy->objects;
  for (const ScopedRole& role : policy->roles) {
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
  BindRoles(selection, accounts, labels, policy);
  if (selection.bootstraps()) {
    AddBootstrappedObjects(bundle, *selection.identity_mode, bootstrap_objects,
                           selection, &objects);
  }
  SortObjects(objects);
  CheckUniqueObjects(objects, bundle.source.Locate("defaults.object_names"),
                     issues);
}

}  // namespace compile_internal
}  // namespace rbacc
