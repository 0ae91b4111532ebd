#include "compiler/validate/calls_validator.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "compiler/common/names.h"
#include "compiler/validate/catalog_checks.h"

namespace rbacc {
namespace {

using ::rbacc::v1::ApiCall;

// True when every character of `id` is a lower case letter, digit, ".", "-"
// or "_", and there is one.
bool IsCallId(absl::string_view id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return absl::ascii_islower(static_cast<unsigned char>(c)) ||
           absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '.' ||
           c == '-' || c == '_';
  });
}

// True for "path:LINE": a path without spaces and a positive line number.
bool IsSite(absl::string_view site) {
  const size_t colon = site.rfind(':');
  if (colon == absl::string_view::npos || colon == 0) return false;
  const absl::string_view path = site.substr(0, colon);
  int line = 0;
  return std::none_of(
             path.begin(), path.end(),
             [](char c) {
               return absl::ascii_isspace(static_cast<unsigned char>(c)) ||
                      absl::ascii_iscntrl(static_cast<unsigned char>(c));
             }) &&
         absl::SimpleAtoi(site.substr(colon + 1), &line) && line > 0 &&
         absl::ascii_isdigit(static_cast<unsigned char>(site[colon + 1]));
}

bool HasControlCharacter(absl::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    return absl::ascii_iscntrl(static_cast<unsigned char>(c));
  });
}

// What the checks of one call need besides the call.
struct CallContext {
  const SourceFile* source;
  const ResourceCatalog* catalog;
  // The features the bundle lists and the application's identity modes, for
  // look-ups and suggestions.
  std::vector<std::string> features;
  std::vector<std::string> identity_modes;
};

// Checks that each text field of `call` is one line, and that those every
// output shows are there.
void CheckTexts(const ApiCall& call, const std::string& path,
                const SourceFile& source, IssueList* issues) {
  const std::vector<std::pair<const char*, const std::string*>> texts = {
      {"function", &call.function()},
      {"client_method", &call.client_method()},
      {"operation", &call.operation()},
      {"degrades", &call.degrades()},
      {"resource_name", &call.resource_name()}};
  for (const auto& [field, value] : texts) {
    if (HasControlCharacter(*value)) {
      issues->AddError(source.Locate(absl::StrCat(path, ".", field)),
                       absl::StrCat(field,
                                    " contains a newline or control "
                                    "character; write it on one line"));
    }
  }
  for (const auto& [field, value] : {texts[1], texts[2]}) {
    if (value->empty()) {
      issues->AddError(source.Locate(path),
                       absl::StrCat("call \"", call.id(), "\" has no ", field,
                                    "; coverage and the outputs show it"));
    }
  }
  if (!IsSite(call.site())) {
    issues->AddError(
        source.Locate(absl::StrCat(path, ".site")),
        absl::StrCat("site \"", absl::CHexEscape(call.site()),
                     "\" is not \"path/in/repo.py:LINE\" (a path, a colon and "
                     "a line number)"));
  }
}

// Checks the request's scope, namespace and resource scope.
void CheckScope(const ApiCall& call, const v1::ApiResource* resource,
                const std::string& path, const SourceFile& source,
                IssueList* issues) {
  const auto location = [&](const char* field) {
    return source.Locate(absl::StrCat(path, ".", field));
  };
  const bool named = call.scope() == v1::CALL_SCOPE_NAMED_NAMESPACE;
  if (call.scope() == v1::CALL_SCOPE_UNSPECIFIED) {
    issues->AddError(location("scope"),
                     "scope is not set; use CALL_SCOPE_TARGET_NAMESPACE, "
                     "CALL_SCOPE_NAMED_NAMESPACE, CALL_SCOPE_CLUSTER or "
                     "CALL_SCOPE_ALL_NAMESPACES");
  } else if (named && !IsDns1123Label(call.namespace_())) {
    issues->AddError(
        location("namespace"),
        absl::StrCat("a CALL_SCOPE_NAMED_NAMESPACE call needs namespace, a "
                     "DNS-1123 label; \"",
                     absl::CHexEscape(call.namespace_()), "\" is not one"));
  } else if (!named && !call.namespace_().empty()) {
    issues->AddError(location("namespace"),
                     "namespace is only for CALL_SCOPE_NAMED_NAMESPACE; "
                     "remove it or set that scope");
  }
  if (resource == nullptr || call.scope() == v1::CALL_SCOPE_UNSPECIFIED) {
    return;
  }
  const bool cluster = call.scope() == v1::CALL_SCOPE_CLUSTER;
  if (!resource->namespaced() && !cluster) {
    issues->AddError(
        location("scope"),
        absl::StrCat("\"", resource->name(),
                     "\" is cluster-scoped: a request for it is addressed to "
                     "no namespace; set scope: CALL_SCOPE_CLUSTER"));
  } else if (resource->namespaced() && cluster) {
    issues->AddError(
        location("scope"),
        absl::StrCat("\"", resource->name(),
                     "\" is namespaced: a request for it is addressed to a "
                     "namespace, or to all of them "
                     "(CALL_SCOPE_ALL_NAMESPACES)"));
  }
}

// Checks the call's identity, 403 handling, features and identity modes.
void CheckUse(const ApiCall& call, const std::string& path,
              const CallContext& context, IssueList* issues) {
  const SourceFile& source = *context.source;
  const auto location = [&](absl::string_view field) {
    return source.Locate(absl::StrCat(path, ".", field));
  };
  if (call.identity() == v1::CALL_IDENTITY_UNSPECIFIED) {
    issues->AddError(location("identity"),
                     "identity is not set; use CALL_IDENTITY_LAUNCHER or "
                     "CALL_IDENTITY_POD");
  }
  if (call.on_forbidden() == v1::FORBIDDEN_HANDLING_UNSPECIFIED) {
    issues->AddError(location("on_forbidden"),
                     "on_forbidden is not set; use FORBIDDEN_FAILS or "
                     "FORBIDDEN_DEGRADES");
  } else if ((call.on_forbidden() == v1::FORBIDDEN_DEGRADES) ==
             call.degrades().empty()) {
    issues->AddError(
        location(call.degrades().empty() ? "on_forbidden" : "degrades"),
        "degrades says what is lost on 403: set it exactly for "
        "FORBIDDEN_DEGRADES");
  }
  if (call.features().empty()) {
    issues->AddError(source.Locate(path),
                     absl::StrCat("call \"", call.id(),
                                  "\" names no feature; name the features "
                                  "whose code path makes it"));
  }
  const auto check_names = [&](const auto& names, const char* field,
                               const std::vector<std::string>& known,
                               const char* what, const char* where) {
    for (int i = 0; i < names.size(); ++i) {
      if (std::find(known.begin(), known.end(), names[i]) != known.end()) {
        continue;
      }
      issues->AddError(
          location(absl::StrCat(field, "[", i, "]")),
          absl::StrCat("unknown ", what, " \"", names[i], "\"",
                       DidYouMean(names[i], known), "; name one of ", where));
    }
  };
  check_names(call.features(), "features", context.features, "feature",
              "bundle.textproto's features");
  check_names(call.identity_modes(), "identity_modes", context.identity_modes,
              "identity mode", "bundle.textproto's application.identity_modes");
}

void CheckCall(const ApiCall& call, const std::string& path,
               const CallContext& context, IssueList* issues) {
  const SourceFile& source = *context.source;
  CheckTexts(call, path, source, issues);
  const v1::ApiResource* resource =
      CheckCallAgainstCatalog(call.verb(), call.api_group(), call.resource(),
                              *context.catalog, source, path, issues);
  CheckScope(call, resource, path, source, issues);
  CheckUse(call, path, context, issues);
}

// Checks the `serves` of each rule in `rules` (at `path` in `source`) against
// the call ids in `ids`; `calls` false when the bundle records no calls.
void CheckServes(const google::protobuf::RepeatedPtrField<v1::Rule>& rules,
                 const std::string& path, const SourceFile& source, bool calls,
                 const std::vector<std::string>& ids, IssueList* issues) {
  for (int r = 0; r < rules.size(); ++r) {
    for (int s = 0; s < rules[r].serves_size(); ++s) {
      const std::string& id = rules[r].serves(s);
      if (calls && std::binary_search(ids.begin(), ids.end(), id)) continue;
      issues->AddError(
          source.Locate(absl::StrCat(path, "[", r, "].serves[", s, "]")),
          calls ? absl::StrCat("the rule serves \"", id,
                               "\", which is not a recorded call",
                               DidYouMean(id, ids),
                               "; cite an id of the calls file")
                : absl::StrCat("the rule serves \"", id,
                               "\", but the bundle records no calls; name "
                               "the calls file in bundle.textproto's "
                               "calls_file"));
    }
  }
}

// The call ids of `calls`, sorted, after an issue for each malformed or
// repeated one.
std::vector<std::string> CheckIds(const LoadedCalls& calls, IssueList* issues) {
  std::map<std::string, int> first;
  for (int i = 0; i < calls.proto.calls_size(); ++i) {
    const std::string& id = calls.proto.calls(i).id();
    const SourceLocation location =
        calls.source.Locate(absl::StrCat("calls[", i, "].id"));
    if (!IsCallId(id)) {
      issues->AddError(location,
                       absl::StrCat("call id \"", absl::CHexEscape(id),
                                    "\" must be lower case letters, digits, "
                                    "\".\", \"-\" and \"_\", e.g. "
                                    "\"network_utils.create_ingress\""));
    } else if (!first.emplace(id, i).second) {
      issues->AddError(location,
                       absl::StrCat("call id \"", id, "\" is used by calls[",
                                    first.at(id), "] too; ids are unique"));
    }
  }
  std::vector<std::string> ids;
  for (const auto& [id, index] : first) ids.push_back(id);
  return ids;
}

}  // namespace

void ValidateCalls(const LoadedBundle& bundle, const ResourceCatalog& catalog,
                   IssueList* issues) {
  std::vector<std::string> ids;
  if (bundle.calls.has_value()) {
    const LoadedCalls& calls = *bundle.calls;
    const std::string& commit = calls.proto.source().commit();
    if (!commit.empty() &&
        (commit.size() != 40 ||
         !std::all_of(commit.begin(), commit.end(), [](char c) {
           return absl::ascii_isxdigit(static_cast<unsigned char>(c));
         }))) {
      issues->AddError(calls.source.Locate("source.commit"),
                       "source.commit must be the full commit: 40 hex digits");
    }
    ids = CheckIds(calls, issues);
    CallContext context{&calls.source, &catalog, {}, {}};
    context.features.assign(bundle.proto.features().begin(),
                            bundle.proto.features().end());
    for (const v1::IdentityMode& mode :
         bundle.proto.application().identity_modes()) {
      context.identity_modes.push_back(mode.name());
    }
    for (int i = 0; i < calls.proto.calls_size(); ++i) {
      CheckCall(calls.proto.calls(i), absl::StrCat("calls[", i, "]"), context,
                issues);
    }
  } else if (!bundle.proto.calls_file().empty()) {
    // The calls file has errors (reported when loading): citations of it
    // cannot be checked.
    return;
  }
  const bool has_calls = bundle.calls.has_value();
  for (const auto& [name, feature] : bundle.features) {
    const v1::Feature& f = feature.proto;
    CheckServes(f.namespace_rules(), "namespace_rules", feature.source,
                has_calls, ids, issues);
    CheckServes(f.cluster_rules(), "cluster_rules", feature.source, has_calls,
                ids, issues);
    for (int i = 0; i < f.fixed_namespace_rules_size(); ++i) {
      CheckServes(f.fixed_namespace_rules(i).rules(),
                  absl::StrCat("fixed_namespace_rules[", i, "].rules"),
                  feature.source, has_calls, ids, issues);
    }
  }
}

}  // namespace rbacc
