#include "compiler/lint/lint.h"

#include <algorithm>
#include <initializer_list>
#include <iterator>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "compiler/common/authorizer.h"
#include "compiler/common/policy_rule.h"
#include "compiler/merge/compact.h"
#include "compiler/merge/compile.h"

namespace rbacc {
namespace {

constexpr char kAll[] = "*";
constexpr char kRbacGroup[] = "rbac.authorization.k8s.io";

const std::vector<std::string>& WriteVerbs() {
  static const auto* const kVerbs = new std::vector<std::string>{
      "create", "update", "patch", "delete", "deletecollection"};
  return *kVerbs;
}

// Verbs that other authorization checks ask for, never served as requests.
bool IsSpecialVerb(const std::string& verb) {
  static const auto* const kSpecial = new std::set<std::string>{
      "use", "bind", "escalate", "impersonate", "approve", "sign", "attest"};
  return kSpecial->count(verb) > 0;
}

// A declared rule with where it is granted.
struct DeclaredPlace {
  const v1::Rule* rule;
  PolicyRule policy_rule;
  std::string feature;
  SourceLocation location;
  bool cluster_scope;
  // "cluster-wide", "in namespace default", ...
  std::string scope_text;
};

// True when `rule` allows `verb` on group/resource[/subresource] (for some
// object name).
bool Grants(const PolicyRule& rule, absl::string_view verb,
            absl::string_view group, absl::string_view resource,
            absl::string_view subresource = "") {
  // Most rules name another group or verb: answered without a request.
  if (!ApiGroupMatches(rule, group) || !VerbMatches(rule, verb)) return false;
  Request request;
  request.verb = std::string(verb);
  request.api_group = std::string(group);
  request.resource = std::string(resource);
  request.subresource = std::string(subresource);
  request.name = rule.resource_names.empty() ? "" : rule.resource_names.front();
  return RuleAllows(rule, request);
}

template <typename Verbs>
bool GrantsAny(const PolicyRule& rule, const Verbs& verbs,
               absl::string_view group, absl::string_view resource,
               absl::string_view subresource = "") {
  // No verb matches a rule of another group.
  if (!ApiGroupMatches(rule, group)) return false;
  return std::any_of(std::begin(verbs), std::end(verbs),
                     [&](absl::string_view verb) {
                       return Grants(rule, verb, group, resource, subresource);
                     });
}

constexpr absl::string_view kReadVerbs[] = {"get", "list", "watch"};
constexpr absl::string_view kUpdateVerbs[] = {"update", "patch"};

// The request verbs the catalogue serves for the rule's named resources, in
// Kubernetes' order; what "*" could be narrowed to.
std::vector<std::string> ServedVerbs(const PolicyRule& rule,
                                     const ResourceCatalog& catalog) {
  std::set<std::string> verbs;
  for (const std::string& group : rule.api_groups) {
    for (const std::string& resource : rule.resources) {
      const size_t slash = resource.find('/');
      const v1::ApiResource* found =
          catalog.Find(group, resource.substr(0, slash));
      if (found == nullptr) continue;
      if (slash == std::string::npos) {
        verbs.insert(found->verbs().begin(), found->verbs().end());
      } else if (const v1::ApiSubresource* sub =
                     FindSubresource(*found, resource.substr(slash + 1))) {
        verbs.insert(sub->verbs().begin(), sub->verbs().end());
      }
    }
  }
  std::vector<std::string> result;
  for (const std::string& verb : verbs) {
    if (!IsSpecialVerb(verb)) result.push_back(verb);
  }
  SortVerbs(result);
  return result;
}

std::string Quoted(const std::vector<std::string>& values) {
  std::vector<std::string> quoted;
  for (const std::string& value : values)
    quoted.push_back(absl::StrCat("\"", value, "\""));
  return absl::StrCat("[", absl::StrJoin(quoted, ", "), "]");
}

// "every group", "the core group" or "group apps, batch".
std::string GroupsText(const std::vector<std::string>& groups) {
  if (std::count(groups.begin(), groups.end(), kAll) > 0) return "every group";
  if (groups.size() == 1 && groups[0].empty()) return "the core group";
  return absl::StrCat("group ", absl::StrJoin(groups, ", "));
}

// Runs every rule-level check on one declared rule.
class RuleLinter {
 public:
  RuleLinter(const DeclaredPlace& place, const ResourceCatalog& catalog,
             std::vector<LintFinding>* findings)
      : place_(place),
        rule_(place.policy_rule),
        catalog_(catalog),
        findings_(findings) {}

  void Run() {
    CheckWildcards();
    const std::string pods_suggestion =
        "grant it in a namespaced rule only where the application needs it, "
        "and with resource_names where the pods are known";
    CheckSubresource("", "pods", "exec", "pods-exec",
                     "run any command in every pod it can reach",
                     pods_suggestion);
    CheckSubresource("", "pods", "attach", "pods-attach",
                     "attach to the processes of every pod it can reach",
                     pods_suggestion);
    CheckSubresource("", "pods", "portforward", "pods-portforward",
                     "open network connections into every pod it can reach",
                     pods_suggestion);
    CheckSubresource("", "pods", "ephemeralcontainers",
                     "pods-ephemeralcontainers",
                     "add debug containers, with any image, to running pods",
                     pods_suggestion);
    CheckSubresource("", "nodes", "proxy", "nodes-proxy",
                     "call the kubelet API of every node, which bypasses audit "
                     "and admission",
                     "remove it; read node and pod metrics through the "
                     "metrics API (metrics.k8s.io) instead");
    if (place_.cluster_scope && GrantsAny(rule_, kReadVerbs, "", "secrets")) {
      Add("secrets-read-cluster-wide",
          "reads secrets in every namespace, including service account tokens "
          "and "
          "other applications' credentials",
          "grant secrets in a namespaced rule, and name them with "
          "resource_names "
          "where possible");
    }
    for (const absl::string_view resource : {"roles", "clusterroles"}) {
      if (Grants(rule_, "escalate", kRbacGroup, resource)) {
        Add("escalate-verb",
            absl::StrCat("grants \"escalate\" on ", resource,
                         ", which lets it write roles with permissions it does "
                         "not have"),
            "remove escalate; have an administrator create the roles");
        break;
      }
    }
    for (const absl::string_view resource : {"roles", "clusterroles"}) {
      if (Grants(rule_, "bind", kRbacGroup, resource)) {
        Add("bind-verb",
            absl::StrCat(
                "grants \"bind\" on ", resource,
                ", which lets it bind roles with permissions it does not have"),
            "remove bind, or limit it with resource_names to the roles it must "
            "bind");
        break;
      }
    }
    for (const auto& [group, resource] :
         std::initializer_list<std::pair<absl::string_view, absl::string_view>>{
             {"", "users"},
             {"", "groups"},
             {"", "serviceaccounts"},
             {"authentication.k8s.io", "uids"},
             {"authentication.k8s.io", "userextras"}}) {
      if (Grants(rule_, "impersonate", group, resource)) {
        Add("impersonate-verb",
            absl::StrCat("grants \"impersonate\" on ", resource,
                         ", which lets it act as other identities with their "
                         "permissions"),
            "remove impersonate, or limit it with resource_names to specific "
            "identities");
        break;
      }
    }
    for (const absl::string_view resource :
         {"roles", "rolebindings", "clusterroles", "clusterrolebindings"}) {
      if (GrantsAny(rule_, WriteVerbs(), kRbacGroup, resource)) {
        Add("rbac-write",
            absl::StrCat("can write ", resource, " ", place_.scope_text,
                         ", and so grant itself or others more access"),
            "grant get, list and watch only; create RBAC objects through "
            "rbacc");
        break;
      }
    }
    if (Grants(rule_, "create", "", "serviceaccounts", "token")) {
      Add("serviceaccount-token-create",
          absl::StrCat("can mint tokens for service accounts ",
                       place_.scope_text, ", and act with their permissions"),
          "limit serviceaccounts/token with resource_names to the accounts it "
          "needs");
    }
    if (Grants(rule_, "approve", "certificates.k8s.io", "signers") ||
        GrantsAny(rule_, kUpdateVerbs, "certificates.k8s.io",
                  "certificatesigningrequests", "approval")) {
      Add("csr-approve",
          "can approve certificate signing requests, which can issue client "
          "certificates "
          "for any user",
          "remove approve; limit signers with resource_names to one signer if "
          "needed");
    }
    if (place_.cluster_scope) {
      for (const auto& [group, resource] : std::initializer_list<
               std::pair<absl::string_view, absl::string_view>>{
               {"", "pods"},
               {"", "replicationcontrollers"},
               {"apps", "deployments"},
               {"apps", "daemonsets"},
               {"apps", "statefulsets"},
               {"apps", "replicasets"},
               {"batch", "jobs"},
               {"batch", "cronjobs"}}) {
        if (Grants(rule_, "create", group, resource)) {
          Add("cluster-workload-create",
              absl::StrCat(
                  "can create ", resource,
                  " in every namespace, and so run code with any service "
                  "account there"),
              "grant create in a namespaced rule for the namespaces it works "
              "in");
          break;
        }
      }
    }
    for (const absl::string_view resource :
         {"mutatingwebhookconfigurations", "validatingwebhookconfigurations",
          "validatingadmissionpolicies", "validatingadmissionpolicybindings"}) {
      if (GrantsAny(rule_, WriteVerbs(), "admissionregistration.k8s.io",
                    resource)) {
        Add("admission-webhook-write",
            absl::StrCat(
                "can write ", resource,
                ", which intercept or reject every matching API request"),
            "grant get, list and watch only");
        break;
      }
    }
    if (GrantsAny(rule_, WriteVerbs(), "apiextensions.k8s.io",
                  "customresourcedefinitions")) {
      Add("crd-write",
          "can create and change CustomResourceDefinitions, which define "
          "cluster-wide "
          "APIs",
          "install CRDs with the application's installer; grant get, list and "
          "watch");
    }
  }

 private:
  void Add(const std::string& id, const std::string& message,
           const std::string& suggestion) {
    LintFinding finding;
    finding.check = FindLintCheck(id);
    finding.location = place_.location;
    finding.feature = place_.feature;
    finding.message = message;
    finding.suggestion = suggestion;
    for (const v1::LintAllowance& allowance : place_.rule->allow()) {
      if (allowance.id() == id) {
        finding.acknowledged = true;
        finding.acknowledgement = allowance.reason();
      }
    }
    findings_->push_back(std::move(finding));
  }

  void CheckWildcards() {
    const std::string targets =
        absl::StrJoin(rule_.non_resource_urls.empty() ? rule_.resources
                                                      : rule_.non_resource_urls,
                      ", ");
    if (std::count(rule_.verbs.begin(), rule_.verbs.end(), kAll) > 0) {
      const std::vector<std::string> served = ServedVerbs(rule_, catalog_);
      Add("wildcard-verbs",
          absl::StrCat(
              "verbs \"*\" grant every verb on ", targets, " ",
              place_.scope_text,
              ", including verbs added later and special verbs such as "
              "escalate, bind and impersonate where they apply"),
          served.empty()
              ? "list the verbs the application uses"
              : absl::StrCat("verbs: ", Quoted(served),
                             ", less the ones the application does not use"));
    }
    const bool any_resource =
        std::any_of(rule_.resources.begin(), rule_.resources.end(),
                    [](const std::string& resource) {
                      return resource == "*" || resource[0] == '*';
                    });
    if (any_resource) {
      Add("wildcard-resources",
          absl::StrCat("resources \"*\" grant every resource of ",
                       GroupsText(rule_.api_groups), " ", place_.scope_text,
                       ", including resources added later"),
          "list the resources the application uses");
    }
    if (std::count(rule_.api_groups.begin(), rule_.api_groups.end(), kAll) >
        0) {
      Add("wildcard-api-groups",
          absl::StrCat("api_groups \"*\" grant ",
                       targets == "*" ? "every resource" : targets,
                       " in every API group, including CRDs installed later"),
          "list the API groups the resources belong to");
    }
  }

  void CheckSubresource(absl::string_view group, absl::string_view resource,
                        absl::string_view subresource, const std::string& id,
                        absl::string_view risk, const std::string& suggestion) {
    if (!ApiGroupMatches(rule_, group)) return;
    const v1::ApiResource* found = catalog_.Find(group, resource);
    const v1::ApiSubresource* sub =
        found == nullptr ? nullptr : FindSubresource(*found, subresource);
    if (sub == nullptr) return;
    if (!GrantsAny(rule_, sub->verbs(), group, resource, subresource)) return;
    Add(id,
        absl::StrCat(resource, "/", subresource, " lets the account ", risk,
                     " ", place_.scope_text),
        suggestion);
  }

  const DeclaredPlace& place_;
  const PolicyRule& rule_;
  const ResourceCatalog& catalog_;
  std::vector<LintFinding>* findings_;
};

void AddPlaces(const google::protobuf::RepeatedPtrField<v1::Rule>& rules,
               const std::string& path, const LoadedFeature& feature,
               bool cluster_scope, const std::string& scope_text,
               std::vector<DeclaredPlace>* places) {
  for (int i = 0; i < rules.size(); ++i) {
    places->push_back({&rules[i], ToPolicyRule(rules[i]), feature.proto.name(),
                       feature.source.Locate(absl::StrCat(path, "[", i, "]")),
                       cluster_scope, scope_text});
  }
}

}  // namespace

LintResult LintPolicy(const LoadedBundle& bundle, const CompiledPolicy& policy,
                      const ResourceCatalog& catalog) {
  const std::string target_text =
      absl::StrCat(policy.selection.namespaces.size() > 1 ? "in namespaces "
                                                          : "in namespace ",
                   absl::StrJoin(policy.selection.namespaces, ", "));
  std::vector<DeclaredPlace> places;
  for (const std::string& name : policy.selection.features) {
    const LoadedFeature& feature = bundle.features.at(name);
    const v1::Feature& f = feature.proto;
    AddPlaces(f.namespace_rules(), "namespace_rules", feature, false,
              target_text, &places);
    AddPlaces(f.cluster_rules(), "cluster_rules", feature, true, "cluster-wide",
              &places);
    for (int i = 0; i < f.fixed_namespace_rules_size(); ++i) {
      const v1::FixedNamespaceGrant& grant = f.fixed_namespace_rules(i);
      AddPlaces(grant.rules(),
                absl::StrCat("fixed_namespace_rules[", i, "].rules"), feature,
                false, absl::StrCat("in namespace ", grant.namespace_()),
                &places);
    }
  }

  LintResult result;
  std::vector<PolicyRule> cluster_rules;
  for (const ScopedRole& role : policy.roles) {
    if (role.scope != RoleScope::kCluster) continue;
    for (const CompiledRule& rule : role.rules.rules)
      cluster_rules.push_back(rule.rule);
  }
  const RuleCoverage cluster_coverage(cluster_rules);
  for (const DeclaredPlace& place : places) {
    const size_t first = result.findings.size();
    RuleLinter(place, catalog, &result.findings).Run();
    if (!place.cluster_scope && !cluster_rules.empty() &&
        cluster_coverage.Covers(place.policy_rule)) {
      LintFinding finding;
      finding.check = FindLintCheck("namespaced-covered-by-cluster");
      finding.location = place.location;
      finding.feature = place.feature;
      finding.message = absl::StrCat(
          "the ClusterRole already grants everything this rule grants ",
          place.scope_text);
      finding.suggestion =
          "keep it only if the namespaced Role must outlive the ClusterRole; "
          "otherwise "
          "remove it";
      for (const v1::LintAllowance& allowance : place.rule->allow()) {
        if (allowance.id() == finding.check->id) {
          finding.acknowledged = true;
          finding.acknowledgement = allowance.reason();
        }
      }
      result.findings.push_back(std::move(finding));
    }
    for (int i = 0; i < place.rule->allow_size(); ++i) {
      const std::string& id = place.rule->allow(i).id();
      const bool used = std::any_of(
          result.findings.begin() + first, result.findings.end(),
          [&](const LintFinding& finding) { return finding.check->id == id; });
      if (!used) result.unused_allowances.push_back({place.location, id});
    }
  }
  std::stable_sort(result.findings.begin(), result.findings.end(),
                   [](const LintFinding& a, const LintFinding& b) {
                     if (!(a.location == b.location))
                       return a.location < b.location;
                     return absl::string_view(a.check->id) <
                            absl::string_view(b.check->id);
                   });
  return result;
}

}  // namespace rbacc
