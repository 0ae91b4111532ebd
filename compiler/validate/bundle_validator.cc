#include "compiler/validate/bundle_validator.h"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "compiler/common/lint_checks.h"
#include "compiler/common/names.h"
#include "compiler/common/parallel.h"
#include "compiler/validate/bootstrap.h"
#include "compiler/validate/bundle_fields.h"
#include "compiler/validate/calls_validator.h"
#include "compiler/validate/catalog_checks.h"

namespace rbacc {
namespace {

using ::rbacc::v1::ConfigValue;
using ::rbacc::v1::Rule;

// The longest string rbacc accepts in a policy.
constexpr size_t kMaxStringLength = 4096;

// True for names of bundles, features and profiles: DNS-1123 labels.
bool IsPolicyName(absl::string_view name) { return IsDns1123Label(name); }

// True when `text` holds a control character (including newlines), which would
// let it break out of a YAML comment or a Markdown table cell.
bool HasControlCharacter(absl::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    return absl::ascii_iscntrl(static_cast<unsigned char>(c));
  });
}

// Where the rules of one list live in a file.
struct RuleListPlace {
  const SourceFile* source;
  // Field path of the list, e.g. "cluster_rules" or
  // "fixed_namespace_rules[0].rules".
  std::string path;
  // True for cluster rules: the only place non-resource URLs may appear.
  bool cluster_scope;
  // What the rules' groups, resources and verbs are checked against.
  const ResourceCatalog* catalog;
};

// Checks the strings of the field `field` of the rule at `rule_path`.
void CheckStrings(const google::protobuf::RepeatedPtrField<std::string>& values,
                  const std::string& rule_path, const char* field,
                  const char* what, bool allow_empty, const SourceFile& source,
                  IssueList* issues) {
  for (int i = 0; i < values.size(); ++i) {
    const std::string& value = values[i];
    // Located only when reported: most strings are fine.
    const auto location = [&] {
      return source.Locate(absl::StrCat(rule_path, ".", field, "[", i, "]"));
    };
    if (value.empty() && !allow_empty) {
      issues->AddError(location(), absl::StrCat("empty ", what, "; remove it"));
    } else if (value.size() > kMaxStringLength) {
      issues->AddError(location(),
                       absl::StrCat(what, " is longer than ", kMaxStringLength,
                                    " characters"));
    } else if (HasControlCharacter(value) || absl::StrContains(value, ' ')) {
      issues->AddError(
          location(), absl::StrCat(what, " \"", absl::CEscape(value),
                                   "\" contains a space or control character"));
    }
  }
}

// Each `allow` (the list at `path`, e.g. "cluster_rules[3].allow") must name
// a lint check and say why.
void CheckAllowances(
    const google::protobuf::RepeatedPtrField<v1::LintAllowance>& allowances,
    const SourceFile& source, const std::string& path, IssueList* issues) {
  for (int i = 0; i < allowances.size(); ++i) {
    const v1::LintAllowance& allowance = allowances[i];
    const auto location = [&] {
      return source.Locate(absl::StrCat(path, "[", i, "]"));
    };
    if (FindLintCheck(allowance.id()) == nullptr) {
      std::vector<std::string> ids;
      for (const LintCheck& check : LintChecks()) ids.push_back(check.id);
      issues->AddError(
          location(),
          absl::StrCat("allow names unknown lint check \"", allowance.id(),
                       "\"", DidYouMean(allowance.id(), ids),
                       "; `rbacc lint` prints the IDs"));
    }
    if (allowance.reason().empty() || HasControlCharacter(allowance.reason())) {
      issues->AddError(
          location(),
          "allow needs a one-line reason saying why the application "
          "needs what the check warns about");
    }
  }
}

// Checks the rule at `path` ("cluster_rules[3]") of `place`.
void CheckRule(const Rule& rule, const RuleListPlace& place,
               const std::string& path, IssueList* issues) {
  const SourceFile& source = *place.source;
  // Located only when reported: most rules are fine.
  const auto location = [&] { return source.Locate(path); };
  if (rule.reason().empty()) {
    issues->AddError(location(),
                     "rule has no reason; add `reason: \"...\"` saying why the "
                     "application needs it (it is written beside the rule in "
                     "every output)");
  } else if (HasControlCharacter(rule.reason()) ||
             rule.reason().size() > kMaxStringLength) {
    issues->AddError(source.Locate(absl::StrCat(path, ".reason")),
                     "reason must be one line of at most 4096 characters "
                     "without control characters");
  }
  if (HasControlCharacter(rule.when_denied()) ||
      rule.when_denied().size() > kMaxStringLength) {
    issues->AddError(source.Locate(absl::StrCat(path, ".when_denied")),
                     "when_denied must be one line of at most 4096 characters "
                     "without control characters");
  }
  if (rule.verbs().empty()) {
    issues->AddError(location(),
                     "rule has no verbs; add `verbs: [...]` (e.g. \"get\", "
                     "\"list\", \"watch\")");
  }
  const bool has_resources = !rule.resources().empty();
  const bool has_urls = !rule.non_resource_urls().empty();
  if (has_resources && has_urls) {
    issues->AddError(location(),
                     "rule has both resources and non_resource_urls, which "
                     "Kubernetes rejects; split it into two rules");
  } else if (!has_resources && !has_urls) {
    issues->AddError(location(),
                     "rule has neither resources nor non_resource_urls; add "
                     "`resources: [...]`");
  }
  if (has_resources && rule.api_groups().empty()) {
    issues->AddError(location(),
                     "rule has resources but no api_groups; add `api_groups: "
                     "\"\"` for the core group (pods, services, ...)");
  }
  if (has_urls && !place.cluster_scope) {
    issues->AddError(source.Locate(absl::StrCat(path, ".non_resource_urls[0]")),
                     "non_resource_urls are only allowed in cluster_rules "
                     "(Kubernetes ignores them in a Role)");
  }
  if (has_urls && !has_resources &&
      (!rule.api_groups().empty() || !rule.resource_names().empty())) {
    issues->AddError(
        location(),
        "a non-resource rule takes no api_groups or resource_names");
  }
  for (int i = 0; i < rule.non_resource_urls_size(); ++i) {
    const std::string& url = rule.non_resource_urls(i);
    const size_t star = url.find('*');
    if (url != "*" && (!absl::StartsWith(url, "/") ||
                       (star != std::string::npos && star != url.size() - 1))) {
      issues->AddError(
          source.Locate(absl::StrCat(path, ".non_resource_urls[", i, "]")),
          absl::StrCat("non-resource URL \"", url,
                       "\" must start with \"/\" and may only end in \"*\""));
    }
  }
  CheckStrings(rule.api_groups(), path, "api_groups", "API group",
               /*allow_empty=*/true, source, issues);
  CheckStrings(rule.resources(), path, "resources", "resource",
               /*allow_empty=*/false, source, issues);
  CheckStrings(rule.verbs(), path, "verbs", "verb",
               /*allow_empty=*/false, source, issues);
  CheckStrings(rule.resource_names(), path, "resource_names", "resource name",
               /*allow_empty=*/false, source, issues);
  CheckStrings(rule.non_resource_urls(), path, "non_resource_urls",
               "non-resource URL", /*allow_empty=*/false, source, issues);
  CheckRuleAgainstCatalog(rule, place.cluster_scope, *place.catalog, source,
                          path, issues);
  CheckAllowances(rule.allow(), source, path + ".allow", issues);
}

void CheckRules(const google::protobuf::RepeatedPtrField<Rule>& rules,
                const RuleListPlace& place, IssueList* issues) {
  // One path buffer for the list: its capacity is reused for every rule.
  std::string path;
  for (int i = 0; i < rules.size(); ++i) {
    path.assign(place.path);
    absl::StrAppend(&path, "[", i, "]");
    CheckRule(rules[i], place, path, issues);
  }
}

// Each value of `values` (the list at `path` of a feature in `source`) must
// have a well-formed key of its own and a value.
void CheckConfigValues(
    const google::protobuf::RepeatedPtrField<ConfigValue>& values,
    const std::string& path, const SourceFile& source, IssueList* issues) {
  // The first element setting each key.
  std::map<std::string, int> first_elements;
  for (int i = 0; i < values.size(); ++i) {
    const ConfigValue& value = values[i];
    const std::string element = absl::StrCat(path, "[", i, "]");
    const auto [first, inserted] = first_elements.emplace(value.key(), i);
    if (!inserted) {
      issues->AddError(
          source.Locate(element),
          absl::StrCat(
              path, " sets \"", value.key(), "\" twice (also at ",
              source.Locate(absl::StrCat(path, "[", first->second, "]"))
                  .ToString(),
              "); a key is set once: remove one"));
    }
    bool well_formed = !value.key().empty();
    for (absl::string_view part : absl::StrSplit(value.key(), '.')) {
      well_formed = well_formed && !part.empty() && !HasControlCharacter(part);
    }
    if (!well_formed) {
      issues->AddError(source.Locate(element),
                       absl::StrCat("config key \"", absl::CEscape(value.key()),
                                    "\" must be dot-separated non-empty names, "
                                    "e.g. \"kubernetes.ports\""));
    }
    if (value.value_case() == ConfigValue::VALUE_NOT_SET) {
      issues->AddError(source.Locate(element),
                       absl::StrCat("config key \"", value.key(),
                                    "\" has no value; set string_value, "
                                    "bool_value or int_value"));
    }
  }
}

void CheckNameTemplate(const std::string& name_template,
                       const std::string& path, const SourceFile& source,
                       IssueList* issues) {
  const std::string expanded =
      ExpandNameTemplate(name_template, "account", "namespace");
  if (name_template.empty()) {
    issues->AddError(source.Locate(path),
                     absl::StrCat(path, " is empty; give the object a name"));
  } else if (absl::StrContains(expanded, '{') ||
             absl::StrContains(expanded, '}')) {
    issues->AddError(source.Locate(path),
                     absl::StrCat("name \"", name_template,
                                  "\" uses an unknown placeholder; only "
                                  "{service_account} and {namespace} exist"));
  } else if (!IsPathSegmentName(expanded)) {
    issues->AddError(source.Locate(path),
                     absl::StrCat("name \"", name_template,
                                  "\" is not a valid object name (no \"/\" or "
                                  "\"%\", not \".\" or \"..\", at most 253 "
                                  "characters)"));
  }
}

// Reports `requires` cycles with a depth-first search in name order.
void CheckRequiresCycles(const LoadedBundle& bundle, IssueList* issues) {
  enum class Mark { kUnvisited, kInProgress, kDone };
  std::map<std::string, Mark> marks;
  std::vector<std::string> stack;
  std::set<std::string> reported;
  std::function<void(const std::string&)> visit = [&](const std::string& name) {
    const auto feature = bundle.features.find(name);
    if (feature == bundle.features.end()) return;
    marks[name] = Mark::kInProgress;
    stack.push_back(name);
    const v1::Feature& proto = feature->second.proto;
    for (int i = 0; i < proto.requires_size(); ++i) {
      const std::string& required = proto.requires(i);
      if (marks[required] == Mark::kInProgress) {
        const auto start = std::find(stack.begin(), stack.end(), required);
        std::vector<std::string> cycle(start, stack.end());
        cycle.push_back(required);
        if (reported.insert(name).second) {
          issues->AddError(
              feature->second.source.Locate(absl::StrCat("requires[", i, "]")),
              absl::StrCat("features require each other in a cycle: ",
                           absl::StrJoin(cycle, " -> "),
                           "; remove one of these requires"));
        }
      } else if (marks[required] == Mark::kUnvisited) {
        visit(required);
      }
    }
    stack.pop_back();
    marks[name] = Mark::kDone;
  };
  for (const auto& [name, feature] : bundle.features) {
    if (marks[name] == Mark::kUnvisited) visit(name);
  }
}

// What one feature's checks need besides the feature.
struct FeatureContext {
  // The features the bundle lists.
  const std::set<std::string>* listed;
  // The same, for suggestions.
  const std::vector<std::string>* feature_names;
  // The bundle's fixed namespaces.
  const std::set<std::string>* fixed_namespaces;
  const ResourceCatalog* catalog;
  // The bundle, for the config keys it owns.
  const v1::Bundle* bundle;
};

// Checks the feature `name` (its name, summary, requires, rules and config).
void CheckFeature(const std::string& name, const LoadedFeature& feature,
                  const FeatureContext& context, IssueList* issues) {
  const std::set<std::string>& listed = *context.listed;
  const std::set<std::string>& fixed_namespaces = *context.fixed_namespaces;
  const ResourceCatalog& catalog = *context.catalog;
  const v1::Feature& f = feature.proto;
  const SourceFile& fsource = feature.source;
  if (f.name() != name) {
    issues->AddError(fsource.Locate("name"),
                     absl::StrCat("feature name \"", f.name(),
                                  "\" differs from its file name \"", name,
                                  "\"; rename one so they match"));
  } else if (!IsPolicyName(name)) {
    issues->AddError(fsource.Locate("name"),
                     absl::StrCat("feature name \"", name,
                                  "\" must be lower case letters, digits and "
                                  "\"-\""));
  }
  if (f.summary().empty() || HasControlCharacter(f.summary())) {
    issues->AddError(fsource.Locate(f.summary().empty() ? "name" : "summary"),
                     "feature needs a one-line summary (`summary: \"...\"`)");
  }
  for (int i = 0; i < f.requires_size(); ++i) {
    if (listed.count(f.requires(i)) == 0) {
      issues->AddError(
          fsource.Locate(absl::StrCat("requires[", i, "]")),
          absl::StrCat("requires unknown feature \"", f.requires(i), "\"",
                       DidYouMean(f.requires(i), *context.feature_names)));
    }
  }
  CheckRules(f.namespace_rules(),
             {&fsource, "namespace_rules", false, &catalog}, issues);
  CheckRules(f.cluster_rules(), {&fsource, "cluster_rules", true, &catalog},
             issues);
  for (int i = 0; i < f.fixed_namespace_rules_size(); ++i) {
    const v1::FixedNamespaceGrant& grant = f.fixed_namespace_rules(i);
    const std::string path = absl::StrCat("fixed_namespace_rules[", i, "]");
    if (fixed_namespaces.count(grant.namespace_()) == 0) {
      issues->AddError(
          fsource.Locate(absl::StrCat(path, ".namespace")),
          absl::StrCat(
              "namespace \"", grant.namespace_(),
              "\" is not a fixed namespace of the bundle",
              DidYouMean(grant.namespace_(),
                         std::vector<std::string>(fixed_namespaces.begin(),
                                                  fixed_namespaces.end())),
              "; declare it in bundle.textproto's fixed_namespaces"));
    }
    CheckRules(grant.rules(),
               {&fsource, absl::StrCat(path, ".rules"), false, &catalog},
               issues);
  }
  CheckConfigValues(f.app_config(), "app_config", fsource, issues);
  CheckConfigValues(f.helm_values(), "helm_values", fsource, issues);
  CheckFeatureConfigKeys(*context.bundle, f, fsource, issues);
}

// Checks the bundle's name: a DNS-1123 label, the same as its folder's.
void CheckBundleName(const LoadedBundle& bundle, IssueList* issues) {
  const v1::Bundle& proto = bundle.proto;
  const SourceFile& source = bundle.source;
  const std::string folder =
      std::filesystem::path(bundle.directory).filename().string();
  if (!IsPolicyName(proto.name())) {
    issues->AddError(source.Locate("name"),
                     absl::StrCat("bundle name \"", proto.name(),
                                  "\" must be lower case letters, digits and "
                                  "\"-\" (a DNS-1123 label)"));
  } else if (!folder.empty() && folder != proto.name()) {
    issues->AddError(source.Locate("name"),
                     absl::StrCat("bundle name \"", proto.name(),
                                  "\" differs from its folder \"", folder,
                                  "\"; rename one so they match"));
  }
}

// Checks defaults.labels: each a valid Kubernetes label. Reads them in file
// order (the map's own order is not), so each error points at its label.
void CheckLabels(const v1::Defaults& defaults, const SourceFile& source,
                 IssueList* issues) {
  const google::protobuf::FieldDescriptor* labels_field =
      v1::Defaults::descriptor()->FindFieldByName("labels");
  const google::protobuf::Reflection* reflection = defaults.GetReflection();
  for (int i = 0; i < reflection->FieldSize(defaults, labels_field); ++i) {
    const google::protobuf::Message& entry =
        reflection->GetRepeatedMessage(defaults, labels_field, i);
    const google::protobuf::Descriptor* entry_type = entry.GetDescriptor();
    const std::string key =
        entry.GetReflection()->GetString(entry, entry_type->map_key());
    const std::string value =
        entry.GetReflection()->GetString(entry, entry_type->map_value());
    if (!IsLabelKey(key) || !IsLabelValue(value)) {
      issues->AddError(
          source.Locate(absl::StrCat("defaults.labels[", i, "]")),
          absl::StrCat("label ", key, "=", value,
                       " is not a valid Kubernetes label (keys and "
                       "values: at most 63 of [A-Za-z0-9-_.], "
                       "alphanumeric at both ends)"));
    }
  }
}

// Checks the bundle's defaults (namespace, service account, labels, object
// name templates) and that the application names its identity config key.
void CheckDefaults(const v1::Bundle& proto, const SourceFile& source,
                   IssueList* issues) {
  const v1::Defaults& defaults = proto.defaults();
  if (!IsDns1123Label(defaults.namespace_())) {
    issues->AddError(
        source.Locate("defaults.namespace"),
        absl::StrCat("defaults.namespace \"", defaults.namespace_(),
                     "\" is not a DNS-1123 label"));
  }
  if (!IsDns1123Subdomain(defaults.service_account())) {
    issues->AddError(
        source.Locate("defaults.service_account"),
        absl::StrCat("defaults.service_account \"", defaults.service_account(),
                     "\" is not a DNS-1123 subdomain"));
  }
  CheckLabels(defaults, source, issues);
  const v1::ObjectNames& names = defaults.object_names();
  CheckNameTemplate(names.role(), "defaults.object_names.role", source, issues);
  CheckNameTemplate(names.role_binding(), "defaults.object_names.role_binding",
                    source, issues);
  CheckNameTemplate(names.cluster_role(), "defaults.object_names.cluster_role",
                    source, issues);
  CheckNameTemplate(names.cluster_role_binding(),
                    "defaults.object_names.cluster_role_binding", source,
                    issues);
  if (proto.application().identity_config_key().empty()) {
    issues->AddError(
        source.Locate("application"),
        "application.identity_config_key is empty; name the config "
        "key that holds the service account (e.g. "
        "\"kubernetes.remote_identity\")");
  }
}

// Checks each fixed namespace (a DNS-1123 label declared once, its name
// templates and Helm rules). Returns the names declared.
std::set<std::string> CheckFixedNamespaces(const v1::Bundle& proto,
                                           const SourceFile& source,
                                           const ResourceCatalog& catalog,
                                           IssueList* issues) {
  std::set<std::string> fixed_namespaces;
  for (int i = 0; i < proto.fixed_namespaces_size(); ++i) {
    const v1::FixedNamespace& fixed = proto.fixed_namespaces(i);
    const std::string path = absl::StrCat("fixed_namespaces[", i, "]");
    if (!IsDns1123Label(fixed.name())) {
      issues->AddError(source.Locate(absl::StrCat(path, ".name")),
                       absl::StrCat("fixed namespace \"", fixed.name(),
                                    "\" is not a DNS-1123 label"));
    } else if (!fixed_namespaces.insert(fixed.name()).second) {
      issues->AddError(source.Locate(absl::StrCat(path, ".name")),
                       absl::StrCat("fixed namespace \"", fixed.name(),
                                    "\" is declared twice"));
    }
    CheckNameTemplate(fixed.role_name(), absl::StrCat(path, ".role_name"),
                      source, issues);
    CheckNameTemplate(fixed.role_binding_name(),
                      absl::StrCat(path, ".role_binding_name"), source, issues);
    CheckRules(fixed.helm_rules(),
               {&source, absl::StrCat(path, ".helm_rules"), false, &catalog},
               issues);
  }
  return fixed_namespaces;
}

// Checks the Helm chart, when there is one: its value keys named, its values
// and built-in cluster rules.
void CheckHelmChart(const v1::Bundle& proto, const SourceFile& source,
                    const ResourceCatalog& catalog, IssueList* issues) {
  if (!proto.has_helm_chart()) return;
  const v1::HelmChart& chart = proto.helm_chart();
  for (const auto& [key, path] :
       std::vector<std::pair<std::string, std::string>>{
           {chart.namespace_key(), "helm_chart.namespace_key"},
           {chart.service_account_key(), "helm_chart.service_account_key"},
           {chart.namespace_rules_key(), "helm_chart.namespace_rules_key"},
           {chart.cluster_rules_key(), "helm_chart.cluster_rules_key"}}) {
    if (key.empty()) {
      issues->AddError(source.Locate("helm_chart"),
                       absl::StrCat(path, " is empty; name the chart's value"));
    }
  }
  CheckConfigValues(chart.values(), "helm_chart.values", source, issues);
  CheckRules(chart.builtin_cluster_rules(),
             {&source, "helm_chart.builtin_cluster_rules", true, &catalog},
             issues);
}

// Checks every feature file. Features are checked on every core, each into its
// own list, and their issues appended in name order as if checked one after
// the other. `listed` is the bundle's feature list.
void CheckFeatures(const LoadedBundle& bundle, const ResourceCatalog& catalog,
                   const std::set<std::string>& listed,
                   const std::set<std::string>& fixed_namespaces,
                   IssueList* issues) {
  const std::vector<std::string> feature_names(listed.begin(), listed.end());
  std::vector<const std::pair<const std::string, LoadedFeature>*> features;
  features.reserve(bundle.features.size());
  for (const auto& entry : bundle.features) features.push_back(&entry);
  std::vector<IssueList> feature_issues(features.size());
  const FeatureContext context{&listed, &feature_names, &fixed_namespaces,
                               &catalog, &bundle.proto};
  ParallelFor(features.size(), [&](size_t i) {
    CheckFeature(features[i]->first, features[i]->second, context,
                 &feature_issues[i]);
  });
  for (IssueList& found : feature_issues) issues->Append(std::move(found));
}

// Checks each profile's name (its file's, lower case) and allowances.
void CheckProfiles(const LoadedBundle& bundle, IssueList* issues) {
  for (const auto& [name, profile] : bundle.profiles) {
    if (profile.proto.name() != name) {
      issues->AddError(profile.source.Locate("name"),
                       absl::StrCat("profile name \"", profile.proto.name(),
                                    "\" differs from its file name \"", name,
                                    "\"; rename one so they match"));
    } else if (!IsPolicyName(name)) {
      issues->AddError(profile.source.Locate("name"),
                       absl::StrCat("profile name \"", name,
                                    "\" must be lower case letters, digits and "
                                    "\"-\""));
    }
    CheckAllowances(profile.proto.allow(), profile.source, "allow", issues);
  }
}

}  // namespace

void ValidateBundle(const LoadedBundle& bundle, const ResourceCatalog& catalog,
                    IssueList* issues) {
  if (!bundle.bundle_file_parsed) return;
  const v1::Bundle& proto = bundle.proto;
  const SourceFile& source = bundle.source;
  CheckBundleName(bundle, issues);
  CheckDefaults(proto, source, issues);
  const std::set<std::string> fixed_namespaces =
      CheckFixedNamespaces(proto, source, catalog, issues);
  CheckHelmChart(proto, source, catalog, issues);

  std::set<std::string> listed;
  for (int i = 0; i < proto.features_size(); ++i) {
    if (!listed.insert(proto.features(i)).second) {
      issues->AddError(
          source.Locate(absl::StrCat("features[", i, "]")),
          absl::StrCat("feature \"", proto.features(i), "\" is listed twice"));
    }
  }
  CheckFeatures(bundle, catalog, listed, fixed_namespaces, issues);
  CheckRequiresCycles(bundle, issues);
  CheckBundleFields(bundle, issues);
  ValidateCalls(bundle, catalog, issues);
  CheckProfiles(bundle, issues);
  CheckBootstrapObjects(bundle, issues);
}

}  // namespace rbacc
