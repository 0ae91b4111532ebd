#include "compiler/validate/bundle_fields.h"

#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "compiler/common/names.h"

namespace rbacc {
namespace {

// True when dotted keys `a` and `b` name the same value or one holds the
// other ("rbac" holds "rbac.create").
bool KeysOverlap(absl::string_view a, absl::string_view b) {
  if (a.empty() || b.empty()) return false;
  if (a.size() > b.size()) std::swap(a, b);
  return absl::StartsWith(b, a) && (b.size() == a.size() || b[a.size()] == '.');
}

// True for a non-empty name of upper case letters and "_".
bool IsUpperCaseName(absl::string_view name) {
  if (name.empty()) return false;
  for (const char c : name) {
    if (!(c >= 'A' && c <= 'Z') && c != '_') return false;
  }
  return true;
}

void CheckOutputs(const LoadedBundle& bundle, IssueList* issues) {
  std::set<int> seen;
  for (int i = 0; i < bundle.proto.outputs_size(); ++i) {
    const int kind = bundle.proto.outputs(i);
    const SourceLocation where =
        bundle.source.Locate(absl::StrCat("outputs[", i, "]"));
    const google::protobuf::EnumValueDescriptor* value =
        v1::OutputKind_descriptor()->FindValueByNumber(kind);
    if (value == nullptr || kind == v1::OUTPUT_KIND_UNSPECIFIED) {
      issues->AddError(
          where,
          absl::StrCat("outputs: ",
                       value == nullptr ? absl::StrCat(kind) : value->name(),
                       " is not an output kind; name one of "
                       "OUTPUT_KIND_RBAC, OUTPUT_KIND_HELM_VALUES, ... "
                       "(see OutputKind in proto/rbacc/v1/policy.proto)"));
    } else if (!seen.insert(kind).second) {
      issues->AddError(
          where, absl::StrCat("outputs: ", value->name(), " is listed twice"));
    }
  }
}

void CheckIdentityModes(const LoadedBundle& bundle, IssueList* issues) {
  std::set<std::string> seen;
  const auto& modes = bundle.proto.application().identity_modes();
  for (int i = 0; i < modes.size(); ++i) {
    const std::string& name = modes[i].name();
    const SourceLocation where = bundle.source.Locate(
        absl::StrCat("application.identity_modes[", i, "].name"));
    if (!IsUpperCaseName(name)) {
      issues->AddError(where,
                       absl::StrCat("identity mode name \"", name,
                                    "\" must be upper case letters and \"_\", "
                                    "e.g. \"SERVICE_ACCOUNT\""));
    } else if (!seen.insert(name).second) {
      issues->AddError(
          where, absl::StrCat("identity mode \"", name,
                              "\" is declared twice; the second would decide "
                              "which account its roles are bound to"));
    }
  }
}

void CheckClusterScopes(const LoadedBundle& bundle, IssueList* issues) {
  for (const auto& [name, profile] : bundle.profiles) {
    const int scope = profile.proto.cluster_scope();
    if (v1::ClusterScope_descriptor()->FindValueByNumber(scope) == nullptr) {
      issues->AddError(
          profile.source.Locate("cluster_scope"),
          absl::StrCat("cluster_scope: ", scope,
                       " is not a cluster scope; use CLUSTER_SCOPE_FULL or "
                       "CLUSTER_SCOPE_NONE"));
    }
  }
}

}  // namespace

void CheckBundleFields(const LoadedBundle& bundle, IssueList* issues) {
  CheckOutputs(bundle, issues);
  CheckIdentityModes(bundle, issues);
  CheckClusterScopes(bundle, issues);
}

void CheckFeatureConfigKeys(const v1::Bundle& bundle,
                            const v1::Feature& feature,
                            const SourceFile& source, IssueList* issues) {
  const v1::Application& application = bundle.application();
  for (int i = 0; i < feature.app_config_size(); ++i) {
    const std::string& key = feature.app_config(i).key();
    for (const std::string* owned : {&application.identity_config_key(),
                                     &application.contexts_config_key()}) {
      if (!KeysOverlap(key, *owned)) continue;
      issues->AddError(
          source.Locate(absl::StrCat("app_config[", i, "]")),
          absl::StrCat("app_config key \"", key, "\" sets ", *owned,
                       ", which rbacc writes from the selection (the identity "
                       "and contexts the roles are bound to); remove it and "
                       "choose them in the profile or with flags"));
      break;
    }
  }
  const v1::HelmChart& chart = bundle.helm_chart();
  std::vector<std::string> owned = {
      chart.namespace_key(), chart.service_account_key(),
      chart.namespace_rules_key(), chart.cluster_rules_key()};
  const size_t filled = owned.size();
  for (const v1::ConfigValue& value : chart.values()) {
    owned.push_back(value.key());
  }
  for (int i = 0; i < feature.helm_values_size(); ++i) {
    const std::string& key = feature.helm_values(i).key();
    if (!chart.value_keys().empty() &&
        std::none_of(chart.value_keys().begin(), chart.value_keys().end(),
                     [&](const std::string& chart_key) {
                       return KeysOverlap(key, chart_key);
                     })) {
      const std::vector<std::string> chart_keys(chart.value_keys().begin(),
                                                chart.value_keys().end());
      issues->AddError(
          source.Locate(absl::StrCat("helm_values[", i, "]")),
          absl::StrCat("helm_values key \"", key, "\" is no value of chart ",
                       chart.name(), DidYouMean(key, chart_keys),
                       ": the chart would ignore it; use a key of "
                       "helm_chart.value_keys in bundle.textproto"));
      continue;
    }
    for (size_t k = 0; k < owned.size(); ++k) {
      if (!KeysOverlap(key, owned[k])) continue;
      issues->AddError(
          source.Locate(absl::StrCat("helm_values[", i, "]")),
          k < filled
              ? absl::StrCat("helm_values key \"", key, "\" sets ", owned[k],
                             ", which rbacc fills from the compiled rules; "
                             "declare rules instead")
              : absl::StrCat(
                    "helm_values key \"", key, "\" overrides ", owned[k],
                    ", which the bundle's helm_chart.values fixes: it decides "
                    "what the chart grants by itself, beyond the declared "
                    "rules; declare the permissions as rules instead"));
      break;
    }
  }
}

}  // namespace rbacc
