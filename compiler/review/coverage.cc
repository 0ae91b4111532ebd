#include "compiler/review/coverage.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "compiler/common/call_request.h"
#include "compiler/common/json.h"

namespace rbacc {
namespace {

using ::rbacc::v1::ApiCall;

bool Contains(const std::vector<std::string>& values,
              const std::string& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

// The feature `call` is reported under, or "" when the target selects none
// of its features.
std::string ReportedFeature(const ApiCall& call, const CoverageTarget& target) {
  for (const std::string& feature : call.features()) {
    if (!target.features.has_value() || Contains(*target.features, feature)) {
      return feature;
    }
  }
  return "";
}

// The requests `call` makes in `namespace_name`: one, or, when its object's
// name holds "{namespace}", one per target namespace it may stand for (the
// namespace itself for a call in the target namespace).
std::vector<Request> Requests(const ApiCall& call,
                              const std::string& namespace_name,
                              const CoverageTarget& target) {
  const Request request = CallRequest(call, namespace_name);
  if (!absl::StrContains(request.name, "{namespace}")) return {request};
  std::vector<Request> requests;
  const std::vector<std::string> targets =
      call.scope() == v1::CALL_SCOPE_TARGET_NAMESPACE
          ? std::vector<std::string>{namespace_name}
          : target.namespaces;
  for (const std::string& target_namespace : targets) {
    Request named = request;
    named.name =
        absl::StrReplaceAll(request.name, {{"{namespace}", target_namespace}});
    requests.push_back(std::move(named));
  }
  return requests;
}

// The namespaces the call's request is addressed to ("" for cluster-wide).
std::vector<std::string> RequestNamespaces(const ApiCall& call,
                                           const CoverageTarget& target) {
  switch (call.scope()) {
    case v1::CALL_SCOPE_TARGET_NAMESPACE:
      return target.namespaces;
    case v1::CALL_SCOPE_NAMED_NAMESPACE:
      return {call.namespace_()};
    default:
      return {""};
  }
}

// "update networking.k8s.io/ingresses in default", "list nodes (cluster)".
std::string RequestText(const ApiCall& call,
                        const std::string& namespace_name) {
  return absl::StrCat(
      call.verb(), " ",
      call.api_group().empty() ? "" : absl::StrCat(call.api_group(), "/"),
      call.resource(),
      call.resource_name().empty() ? ""
                                   : absl::StrCat(" ", call.resource_name()),
      namespace_name.empty() ? (call.scope() == v1::CALL_SCOPE_ALL_NAMESPACES
                                    ? " in all namespaces"
                                    : " (cluster)")
                             : absl::StrCat(" in ", namespace_name));
}

const char* Outcome(const ApiCall& call) {
  return call.on_forbidden() == v1::FORBIDDEN_DEGRADES ? "degrades" : "fails";
}

// The denials of `report` by feature, features in report order.
std::vector<std::pair<std::string, std::vector<const DeniedCall*>>> ByFeature(
    const CoverageReport& report) {
  std::vector<std::pair<std::string, std::vector<const DeniedCall*>>> groups;
  for (const DeniedCall& denied : report.denied) {
    if (groups.empty() || groups.back().first != denied.feature) {
      groups.push_back({denied.feature, {}});
    }
    groups.back().second.push_back(&denied);
  }
  return groups;
}

int CountDenied(const CoverageReport& report, v1::ForbiddenHandling handling) {
  return static_cast<int>(std::count_if(
      report.denied.begin(), report.denied.end(),
      [&](const DeniedCall& d) { return d.call->on_forbidden() == handling; }));
}

std::string SourceText(const v1::CallSource& source) {
  if (source.repository().empty()) return "";
  return absl::StrCat(" (calls of ", source.repository(),
                      source.commit().empty()
                          ? ""
                          : absl::StrCat("@", source.commit().substr(0, 12)),
                      ")");
}

std::string Summary(const CoverageReport& report) {
  return absl::StrCat(
      report.evaluated_calls, " calls evaluated, ", report.denied.size(),
      " denied (", CountDenied(report, v1::FORBIDDEN_FAILS), " fails, ",
      CountDenied(report, v1::FORBIDDEN_DEGRADES), " degrades)");
}

std::string RenderText(const CoverageReport& report) {
  std::string text =
      absl::StrCat("coverage of ", report.label, SourceText(report.source),
                   ": ", Summary(report), "\n");
  for (const std::string& note : report.notes) {
    absl::StrAppend(&text, "note: ", note, "\n");
  }
  for (const auto& [feature, denials] : ByFeature(report)) {
    absl::StrAppend(&text, "\n", feature, ":\n");
    for (const DeniedCall* d : denials) {
      const ApiCall& call = *d->call;
      absl::StrAppend(&text, "  ", CallCitation(call), ": ",
                      RequestText(call, d->namespace_name), " denied to ",
                      d->identity, ": ", call.operation(), " ", Outcome(call),
                      call.degrades().empty()
                          ? ""
                          : absl::StrCat(" (", call.degrades(), ")"),
                      "\n");
    }
  }
  return text;
}

// Escapes `|` and line ends for a Markdown table cell.
std::string Cell(const std::string& text) {
  std::string cell;
  for (char c : text) {
    if (c == '|') {
      cell += "\\|";
    } else if (c == '\n' || c == '\r') {
      cell += ' ';
    } else {
      cell += c;
    }
  }
  return cell;
}

std::string RenderMarkdown(const CoverageReport& report) {
  std::string text = absl::StrCat("### Coverage of `", report.label, "`",
                                  Cell(SourceText(report.source)), "\n\n",
                                  Summary(report), ".\n");
  for (const std::string& note : report.notes) {
    absl::StrAppend(&text, "\n> ", Cell(note), "\n");
  }
  for (const auto& [feature, denials] : ByFeature(report)) {
    absl::StrAppend(&text, "\n#### ", Cell(feature),
                    "\n\n| call site | request | identity | operation | on "
                    "403 |\n| --- | --- | --- | --- | --- |\n");
    for (const DeniedCall* d : denials) {
      const ApiCall& call = *d->call;
      absl::StrAppend(
          &text, "| `", Cell(CallCitation(call)), "` | ",
          Cell(RequestText(call, d->namespace_name)), " | ", Cell(d->identity),
          " | ", Cell(call.operation()), " | ", Outcome(call),
          call.degrades().empty() ? ""
                                  : absl::StrCat(": ", Cell(call.degrades())),
          " |\n");
    }
  }
  return text;
}

std::string RenderJson(const CoverageReport& report) {
  JsonWriter json;
  json.BeginObject().Key("target").String(report.label);
  json.Key("repository").String(report.source.repository());
  json.Key("commit").String(report.source.commit());
  json.Key("notes").BeginArray();
  for (const std::string& note : report.notes) json.String(note);
  json.EndArray();
  json.Key("evaluated_calls").Int(report.evaluated_calls);
  json.Key("skipped_calls").Int(report.skipped_calls);
  json.Key("fails").Bool(report.fails());
  json.Key("denied").BeginArray(JsonLayout::kLines);
  for (const DeniedCall& d : report.denied) {
    const ApiCall& call = *d.call;
    json.BeginObject().Key("feature").String(d.feature);
    json.Key("id").String(call.id());
    json.Key("site").String(call.site());
    json.Key("client_method").String(call.client_method());
    json.Key("verb").String(call.verb());
    json.Key("api_group").String(call.api_group());
    json.Key("resource").String(call.resource());
    json.Key("namespace").String(d.namespace_name);
    json.Key("identity").String(d.identity);
    json.Key("operation").String(call.operation());
    json.Key("on_forbidden").String(Outcome(call));
    json.Key("degrades").String(call.degrades());
    json.EndObject();
  }
  json.EndArray().EndObject();
  return absl::StrCat(json.text(), "\n");
}

}  // namespace

bool CoverageReport::fails() const {
  return std::any_of(denied.begin(), denied.end(), [](const DeniedCall& d) {
    return d.call->on_forbidden() != v1::FORBIDDEN_DEGRADES;
  });
}

CoverageReport EvaluateCoverage(const v1::CallRecord& calls,
                                const CoverageTarget& target) {
  CoverageReport report;
  report.label = target.label;
  report.source = calls.source();
  report.notes = target.notes;
  const Authorizer authorizer(target.objects);
  // Denials by feature, each in the record's order.
  std::map<std::string, std::vector<DeniedCall>> by_feature;
  for (const ApiCall& call : calls.calls()) {
    const std::string feature = ReportedFeature(call, target);
    const bool mode_applies =
        call.identity_modes().empty() ||
        std::find(call.identity_modes().begin(), call.identity_modes().end(),
                  target.identity_mode) != call.identity_modes().end();
    const bool precreated = target.bootstrap_objects_precreated &&
                            !call.identity_modes().empty() &&
                            (call.verb() == "create" || call.verb() == "patch");
    if (feature.empty() || !mode_applies || precreated) {
      ++report.skipped_calls;
      continue;
    }
    ++report.evaluated_calls;
    const std::vector<CoverageIdentity>& identities =
        call.identity() == v1::CALL_IDENTITY_POD ? target.pods
                                                 : target.launchers;
    for (const std::string& namespace_name : RequestNamespaces(call, target)) {
      for (const Request& request : Requests(call, namespace_name, target)) {
        for (const CoverageIdentity& identity : identities) {
          if (call.scope() == v1::CALL_SCOPE_TARGET_NAMESPACE &&
              !identity.target_namespace.empty() &&
              identity.target_namespace != namespace_name) {
            continue;
          }
          if (authorizer.Allows(identity.user, request)) continue;
          by_feature[feature].push_back(
              {&call, feature, identity.label, namespace_name});
        }
      }
    }
  }
  if (target.features.has_value()) {
    for (const std::string& feature : *target.features) {
      auto found = by_feature.find(feature);
      if (found == by_feature.end()) continue;
      for (DeniedCall& d : found->second) report.denied.push_back(d);
      by_feature.erase(found);
    }
  }
  for (auto& [feature, denials] : by_feature) {
    for (DeniedCall& d : denials) report.denied.push_back(d);
  }
  return report;
}

std::string RenderCoverage(const CoverageReport& report,
                           CoverageFormat format) {
  switch (format) {
    case CoverageFormat::kJson:
      return RenderJson(report);
    case CoverageFormat::kMarkdown:
      return RenderMarkdown(report);
    case CoverageFormat::kText:
      break;
  }
  return RenderText(report);
}

}  // namespace rbacc
