#include "compiler/lint/lint.h"

#include <algorithm>
#include <initializer_list>
#include <iterator>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/container/node_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "compiler/common/authorizer.h"
#include "compiler/common/parallel.h"
#include "compiler/common/policy_rule.h"
#include "compiler/lint/broad_subject.h"
#include "compiler/lint/identity_cost.h"
#include "compiler/lint/system_namespace.h"
#include "compiler/lint/unused_permission.h"
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

// True when `rule` allows one of `verbs` on group/resource[/subresource] (for
// some object name).
template <typename Verbs>
bool GrantsAny(const PolicyRule& rule, const Verbs& verbs,
               absl::string_view group, absl::string_view resource,
               absl::string_view subresource = "") {
  // Most rules name another group or resource: answered before any request
  // (RuleAllows requires both to match).
  if (!ApiGroupMatches(rule, group)) return false;
  std::string combined;
  if (!subresource.empty()) combined = absl::StrCat(resource, "/", subresource);
  if (!ResourceMatches(rule, subresource.empty() ? resource : combined,
                       subresource)) {
    return false;
  }
  return std::any_of(
      std::begin(verbs), std::end(verbs), [&](absl::string_view verb) {
        if (!VerbMatches(rule, verb)) return false;
        Request request;
        request.verb = std::string(verb);
        request.api_group = std::string(group);
        request.resource = std::string(resource);
        request.subresource = std::string(subresource);
        request.name =
            rule.resource_names.empty() ? "" : rule.resource_names.front();
        return RuleAllows(rule, request);
      });
}

// True when `rule` allows `verb` on group/resource[/subresource] (for some
// object name).
bool Grants(const PolicyRule& rule, absl::string_view verb,
            absl::string_view group, absl::string_view resource,
            absl::string_view subresource = "") {
  return GrantsAny(rule, std::initializer_list<absl::string_view>{verb}, group,
                   resource, subresource);
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

// Returns `text` kept for the life of the process, each distinct text once:
// for the suggestions computed from the catalogue, which are few (one per set
// of verbs it serves) and shared by many findings. Safe to call from several
// threads.
absl::string_view KeptText(std::string text) {
  static std::mutex mutex;
  static auto* const texts = new absl::node_hash_set<std::string>();
  const std::lock_guard<std::mutex> lock(mutex);
  return *texts->insert(std::move(text)).first;
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

// Rules declared together and granted in one scope: a feature's
// namespace_rules or cluster_rules, or one entry of its fixed_namespace_rules.
struct RuleGroup {
  const LoadedFeature* feature;
  const google::protobuf::RepeatedPtrField<v1::Rule>* rules;
  // The rules' field path in the feature file, e.g. "namespace_rules".
  std::string path;
  bool cluster_scope;
  // "cluster-wide", "in namespace default", ...
  std::string scope_text;
  // The feature file's place among the linted files in path order (one for
  // each path), so that findings sort without comparing paths.
  int file_rank;
  // For one entry of fixed_namespace_rules: its namespace.
  std::string fixed_namespace = "";
};

// One declared rule: the index-th rule of its group.
struct DeclaredPlace {
  const RuleGroup* group;
  int index;

  const v1::Rule& rule() const { return (*group->rules)[index]; }
};

// A check of a pods or nodes subresource.
struct SubresourceCheck {
  absl::string_view resource;
  absl::string_view subresource;
  absl::string_view id;
  // What the subresource lets the account do.
  absl::string_view risk;
  absl::string_view suggestion;
};

constexpr char kPodsSubresourceSuggestion[] =
    "grant it in a namespaced rule only where the application needs it, and "
    "with resource_names where the pods are known";

constexpr SubresourceCheck kSubresourceChecks[] = {
    {"pods", "exec", "pods-exec", "run any command in every pod it can reach",
     kPodsSubresourceSuggestion},
    {"pods", "attach", "pods-attach",
     "attach to the processes of every pod it can reach",
     kPodsSubresourceSuggestion},
    {"pods", "portforward", "pods-portforward",
     "open network connections into every pod it can reach",
     kPodsSubresourceSuggestion},
    {"pods", "ephemeralcontainers", "pods-ephemeralcontainers",
     "add debug containers, with any image, to running pods",
     kPodsSubresourceSuggestion},
    {"nodes", "proxy", "nodes-proxy",
     "call the kubelet API of every node, which bypasses audit and admission",
     "remove it; read node and pod metrics through the metrics API "
     "(metrics.k8s.io) instead"},
};

// What linting every declared rule reads, prepared once per LintPolicy.
struct LintContext {
  const ResourceCatalog* catalog;
  // The core-group subresource each of kSubresourceChecks names, as the
  // catalogue serves it; null where it serves none.
  std::vector<const v1::ApiSubresource*> subresources;
  // The rules of the compiled ClusterRole; null when there are none.
  const RuleCoverage* cluster_coverage;
  // The recorded calls of the selected features and identity mode; null when
  // the bundle records no calls.
  const std::vector<const v1::ApiCall*>* calls = nullptr;
};

// Runs every rule-level check on one declared rule.
class RuleLinter {
 public:
  RuleLinter(const DeclaredPlace& place, const PolicyRule& rule,
             const LintContext& context, std::vector<LintFinding>* findings)
      : place_(place),
        group_(*place.group),
        rule_(rule),
        context_(context),
        findings_(findings) {}

  void Run() {
    CheckWildcards();
    for (size_t i = 0; i < std::size(kSubresourceChecks); ++i) {
      CheckSubresource(kSubresourceChecks[i], context_.subresources[i]);
    }
    if (group_.cluster_scope && GrantsAny(rule_, kReadVerbs, "", "secrets")) {
      Add("secrets-read-cluster-wide",
          "reads secrets in every namespace, including service account tokens "
          "and other applications' credentials",
          "grant secrets in a namespaced rule, and name them with "
          "resource_names where possible");
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
            absl::StrCat("can write ", resource, " ", group_.scope_text,
                         ", and so grant itself or others more access"),
            "grant get, list and watch only; create RBAC objects through "
            "rbacc");
        break;
      }
    }
    if (Grants(rule_, "create", "", "serviceaccounts", "token")) {
      Add("serviceaccount-token-create",
          absl::StrCat("can mint tokens for service accounts ",
                       group_.scope_text, ", and act with their permissions"),
          "limit serviceaccounts/token with resource_names to the accounts it "
          "needs");
    }
    if (Grants(rule_, "approve", "certificates.k8s.io", "signers") ||
        GrantsAny(rule_, kUpdateVerbs, "certificates.k8s.io",
                  "certificatesigningrequests", "approval")) {
      Add("csr-approve",
          "can approve certificate signing requests, which can issue client "
          "certificates for any user",
          "remove approve; limit signers with resource_names to one signer if "
          "needed");
    }
    if (group_.cluster_scope) {
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
          "cluster-wide APIs",
          "install CRDs with the application's installer; grant get, list and "
          "watch");
    }
    if (!group_.cluster_scope && context_.cluster_coverage != nullptr &&
        context_.cluster_coverage->Covers(rule_)) {
      Add("namespaced-covered-by-cluster",
          absl::StrCat(
              "the ClusterRole already grants everything this rule grants ",
              group_.scope_text),
          "keep it only if the namespaced Role must outlive the ClusterRole; "
          "otherwise remove it");
    }
    if (context_.calls != nullptr) {
      const std::optional<UnusedPermission> unused = FindUnusedPermission(
          rule_, {group_.cluster_scope, group_.fixed_namespace},
          *context_.calls);
      if (unused.has_value()) {
        Add("unused-permission", unused->message, KeptText(unused->suggestion));
      }
    }
  }

 private:
  // `suggestion` must be a literal or a KeptText.
  void Add(absl::string_view id, std::string message,
           absl::string_view suggestion) {
    LintFinding finding;
    finding.check = FindLintCheck(id);
    finding.feature = group_.feature->proto.name();
    finding.message = std::move(message);
    finding.suggestion = suggestion;
    for (const v1::LintAllowance& allowance : place_.rule().allow()) {
      if (allowance.id() == id) {
        finding.acknowledged = true;
        finding.acknowledgement = allowance.reason();
      }
    }
    findings_->push_back(std::move(finding));
  }

  // The rule's resources or URLs, as the wildcard findings name them.
  std::string Targets() const {
    return absl::StrJoin(rule_.non_resource_urls.empty()
                             ? rule_.resources
                             : rule_.non_resource_urls,
                         ", ");
  }

  void CheckWildcards() {
    if (std::count(rule_.verbs.begin(), rule_.verbs.end(), kAll) > 0) {
      const std::vector<std::string> served =
          ServedVerbs(rule_, *context_.catalog);
      Add("wildcard-verbs",
          absl::StrCat(
              "verbs \"*\" grant every verb on ", Targets(), " ",
              group_.scope_text,
              ", including verbs added later and special verbs such as "
              "escalate, bind and impersonate where they apply"),
          served.empty()
              ? "list the verbs the application uses"
              : KeptText(absl::StrCat(
                    "verbs: ", Quoted(served),
                    ", less the ones the application does not use")));
    }
    const bool any_resource =
        std::any_of(rule_.resources.begin(), rule_.resources.end(),
                    [](const std::string& resource) {
                      return resource == "*" || resource[0] == '*';
                    });
    if (any_resource) {
      Add("wildcard-resources",
          absl::StrCat("resources \"*\" grant every resource of ",
                       GroupsText(rule_.api_groups), " ", group_.scope_text,
                       ", including resources added later"),
          "list the resources the application uses");
    }
    if (std::count(rule_.api_groups.begin(), rule_.api_groups.end(), kAll) >
        0) {
      const std::string targets = Targets();
      Add("wildcard-api-groups",
          absl::StrCat("api_groups \"*\" grant ",
                       targets == "*" ? "every resource" : targets,
                       " in every API group, including CRDs installed later"),
          "list the API groups the resources belong to");
    }
  }

  // `served` is the subresource as the catalogue serves it, or null.
  void CheckSubresource(const SubresourceCheck& check,
                        const v1::ApiSubresource* served) {
    if (served == nullptr || !ApiGroupMatches(rule_, "")) return;
    if (!GrantsAny(rule_, served->verbs(), "", check.resource,
                   check.subresource)) {
      return;
    }
    Add(check.id,
        absl::StrCat(check.resource, "/", check.subresource,
                     " lets the account ", check.risk, " ", group_.scope_text),
        check.suggestion);
  }

  const DeclaredPlace& place_;
  const RuleGroup& group_;
  const PolicyRule& rule_;
  const LintContext& context_;
  std::vector<LintFinding>* findings_;
};

bool IdLess(const LintFinding& a, const LintFinding& b) {
  return absl::string_view(a.check->id) < absl::string_view(b.check->id);
}

// What linting one declared rule found, every item at the rule's location.
struct LintedPlace {
  // In ID order.
  std::vector<LintFinding> findings;
  std::vector<UnusedAllowance> unused_allowances;
};

LintedPlace LintPlace(const DeclaredPlace& place, const LintContext& context) {
  LintedPlace linted;
  const PolicyRule rule = ToPolicyRule(place.rule());
  RuleLinter(place, rule, context, &linted.findings).Run();
  std::vector<absl::string_view> unused_ids;
  for (const v1::LintAllowance& allowance : place.rule().allow()) {
    const bool used =
        std::any_of(linted.findings.begin(), linted.findings.end(),
                    [&](const LintFinding& finding) {
                      return finding.check->id == allowance.id();
                    });
    if (!used) unused_ids.push_back(allowance.id());
  }
  if (linted.findings.empty() && unused_ids.empty()) return linted;
  // Located only here: finding a field's position costs more than the checks.
  const RuleGroup& group = *place.group;
  const SourceLocation location = group.feature->source.Locate(
      absl::StrCat(group.path, "[", place.index, "]"));
  for (LintFinding& finding : linted.findings) finding.location = location;
  for (const absl::string_view id : unused_ids) {
    linted.unused_allowances.push_back({location, std::string(id)});
  }
  std::stable_sort(linted.findings.begin(), linted.findings.end(), IdLess);
  return linted;
}

// The recorded calls of the features and identity mode `policy` selects.
std::vector<const v1::ApiCall*> SelectedCalls(const LoadedBundle& bundle,
                                              const CompiledPolicy& policy) {
  std::vector<const v1::ApiCall*> calls;
  if (!bundle.calls.has_value()) return calls;
  const Selection& selection = policy.selection;
  const std::string mode =
      selection.identity_mode ? selection.identity_mode->name() : "";
  const auto contains = [](const auto& values, const std::string& value) {
    return std::find(values.begin(), values.end(), value) != values.end();
  };
  for (const v1::ApiCall& call : bundle.calls->proto.calls()) {
    const bool selected = std::any_of(
        call.features().begin(), call.features().end(),
        [&](const std::string& f) { return contains(selection.features, f); });
    if (selected && (call.identity_modes().empty() ||
                     contains(call.identity_modes(), mode))) {
      calls.push_back(&call);
    }
  }
  return calls;
}

// Declared rules linted per task: enough that handing out a task costs little
// against linting its rules.
constexpr size_t kPlacesPerTask = 256;

// Stands for the target namespaces in the messages of findings kept in a
// DeclaredLintMemo, which selections with other namespaces share. Control
// characters appear in no other part of a message (validation rejects them in
// policy strings, and names are DNS labels).
constexpr char kTargetNamespacesPlaceholder[] = "\x01target namespaces\x01";

// "in namespace a" or "in namespaces a, b".
std::string TargetNamespacesText(const Selection& selection) {
  return absl::StrCat(
      selection.namespaces.size() > 1 ? "in namespaces " : "in namespace ",
      absl::StrJoin(selection.namespaces, ", "));
}

// Lints the declared rules of the features `policy` compiled, each finding on
// a rule of the target namespaces' Role naming them as `target_text`.
LintResult LintDeclaredRules(const LoadedBundle& bundle,
                             const CompiledPolicy& policy,
                             const ResourceCatalog& catalog,
                             const std::string& target_text) {
  std::vector<const LoadedFeature*> features;
  std::vector<absl::string_view> paths;
  for (const std::string& name : policy.selection.features) {
    features.push_back(&bundle.features.at(name));
    paths.push_back(features.back()->source.display_path);
  }
  std::sort(paths.begin(), paths.end());
  paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
  const auto file_rank = [&](const LoadedFeature& feature) {
    return static_cast<int>(std::lower_bound(paths.begin(), paths.end(),
                                             feature.source.display_path) -
                            paths.begin());
  };

  std::vector<RuleGroup> groups;
  for (const LoadedFeature* feature : features) {
    const v1::Feature& f = feature->proto;
    const int rank = file_rank(*feature);
    groups.push_back({feature, &f.namespace_rules(), "namespace_rules", false,
                      target_text, rank});
    groups.push_back({feature, &f.cluster_rules(), "cluster_rules", true,
                      "cluster-wide", rank});
    for (int i = 0; i < f.fixed_namespace_rules_size(); ++i) {
      const v1::FixedNamespaceGrant& grant = f.fixed_namespace_rules(i);
      groups.push_back({feature, &grant.rules(),
                        absl::StrCat("fixed_namespace_rules[", i, "].rules"),
                        false,
                        absl::StrCat("in namespace ", grant.namespace_()), rank,
                        grant.namespace_()});
    }
  }
  std::vector<DeclaredPlace> places;
  for (const RuleGroup& group : groups) {
    for (int i = 0; i < group.rules->size(); ++i) places.push_back({&group, i});
  }

  std::vector<PolicyRule> cluster_rules;
  for (const ScopedRole& role : policy.roles) {
    if (role.scope != RoleScope::kCluster) continue;
    for (const CompiledRule& rule : role.rules.rules)
      cluster_rules.push_back(rule.rule);
  }
  const RuleCoverage cluster_coverage(cluster_rules);
  LintContext context{&catalog, {}, nullptr};
  for (const SubresourceCheck& check : kSubresourceChecks) {
    const v1::ApiResource* found = catalog.Find("", check.resource);
    context.subresources.push_back(
        found == nullptr ? nullptr
                         : FindSubresource(*found, check.subresource));
  }
  if (!cluster_rules.empty()) context.cluster_coverage = &cluster_coverage;
  const std::vector<const v1::ApiCall*> calls = SelectedCalls(bundle, policy);
  if (bundle.calls.has_value()) context.calls = &calls;

  std::vector<LintedPlace> linted(places.size());
  ParallelFor(
      places.size(),
      [&](size_t i) { linted[i] = LintPlace(places[i], context); },
      kPlacesPerTask);

  // Findings in order of place, then ID, as a stable sort of all of them
  // would give: the places with findings sorted by location (in declaration
  // order where equal), then, where several places share a location (a rule
  // whose position was not recorded), their findings sorted by ID together.
  std::vector<size_t> found;
  size_t finding_count = 0;
  for (size_t i = 0; i < linted.size(); ++i) {
    if (linted[i].findings.empty()) continue;
    found.push_back(i);
    finding_count += linted[i].findings.size();
  }
  const auto place_key = [&](size_t i) {
    const SourceLocation& location = linted[i].findings.front().location;
    return std::make_tuple(places[i].group->file_rank, location.line,
                           location.column);
  };
  std::stable_sort(found.begin(), found.end(), [&](size_t a, size_t b) {
    return place_key(a) < place_key(b);
  });
  LintResult result;
  result.findings.reserve(finding_count);
  for (size_t run = 0; run < found.size();) {
    size_t end = run + 1;
    while (end < found.size() && place_key(found[end]) == place_key(found[run]))
      ++end;
    const size_t first = result.findings.size();
    for (size_t k = run; k < end; ++k) {
      std::vector<LintFinding>& findings = linted[found[k]].findings;
      std::move(findings.begin(), findings.end(),
                std::back_inserter(result.findings));
    }
    if (end - run > 1) {
      std::stable_sort(result.findings.begin() + first, result.findings.end(),
                       IdLess);
    }
    run = end;
  }
  for (LintedPlace& place : linted) {
    std::move(place.unused_allowances.begin(), place.unused_allowances.end(),
              std::back_inserter(result.unused_allowances));
  }
  return result;
}

}  // namespace

LintResult LintPolicy(const LoadedBundle& bundle, const CompiledPolicy& policy,
                      const ResourceCatalog& catalog, DeclaredLintMemo* memo) {
  const std::string target_text = TargetNamespacesText(policy.selection);
  LintResult result;
  if (memo == nullptr) {
    result = LintDeclaredRules(bundle, policy, catalog, target_text);
  } else {
    result = *memo->Get(SharedRulesKey(policy.selection), [&] {
      return LintDeclaredRules(bundle, policy, catalog,
                               kTargetNamespacesPlaceholder);
    });
    for (LintFinding& finding : result.findings) {
      if (absl::StrContains(finding.message, kTargetNamespacesPlaceholder)) {
        finding.message = absl::StrReplaceAll(
            finding.message, {{kTargetNamespacesPlaceholder, target_text}});
      }
    }
  }
  if (std::optional<LintFinding> cost =
          IdentityModeCostFinding(bundle, policy)) {
    result.findings.push_back(std::move(*cost));
  }
  for (LintFinding& finding : BroadSubjectFindings(policy.selection)) {
    result.findings.push_back(std::move(finding));
  }
  for (LintFinding& finding : SystemNamespaceFindings(policy)) {
    result.findings.push_back(std::move(finding));
  }
  return result;
}

bool ReportedFindings::Insert(const LintFinding& finding) {
  const SourceLocation& at = finding.location;
  return findings_
      .emplace(FileNumber(at.file), at.line, at.column, finding.check)
      .second;
}

bool ReportedFindings::Insert(const UnusedAllowance& unused) {
  const SourceLocation& at = unused.location;
  return unused_.emplace(FileNumber(at.file), at.line, at.column, unused.id)
      .second;
}

int ReportedFindings::FileNumber(const std::string& path) {
  return file_numbers_.try_emplace(path, static_cast<int>(file_numbers_.size()))
      .first->second;
}

}  // namespace rbacc
