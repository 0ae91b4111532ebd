#include "compiler/cli/why_forbidden_command.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "compiler/cli/compile_command.h"
#include "compiler/cli/review_input.h"
#include "compiler/cli/selection_flags.h"
#include "compiler/common/authorizer.h"
#include "compiler/common/call_citation.h"
#include "compiler/common/input_file.h"
#include "compiler/common/issue.h"
#include "compiler/common/json.h"
#include "compiler/common/rbac_objects.h"
#include "compiler/compiler.h"
#include "compiler/load/bundle_loader.h"
#include "compiler/resolve/selection.h"
#include "compiler/review/forbidden_message.h"
#include "compiler/review/grants.h"
#include "compiler/review/policy_input.h"
#include "compiler/review/request_parser.h"
#include "compiler/review/why_forbidden.h"

namespace rbacc {
namespace {

namespace fs = std::filesystem;

// Where a committed profile's rbac.yaml is (in the context's folder when
// --contexts names one of the profile's contexts); "" for a selection that
// changes the profile.
std::string OutputsFile(const PolicySpec& spec, const LoadedBundle& bundle) {
  const auto profile = bundle.profiles.find(spec.profile);
  if (spec.profile.empty() || profile == bundle.profiles.end() ||
      spec.overrides.features || spec.overrides.namespaces ||
      spec.overrides.subjects || spec.overrides.service_account ||
      spec.overrides.remote_identity || spec.overrides.cluster_scope ||
      spec.overrides.create_service_account || spec.overrides.chart_release) {
    return "";
  }
  const v1::Profile& proto = profile->second.proto;
  fs::path folder = DefaultOutDir(bundle, spec.profile);
  if (spec.overrides.contexts) {
    const std::vector<std::string>& names = spec.overrides.contexts->value;
    const auto context =
        std::find_if(proto.contexts().begin(), proto.contexts().end(),
                     [&](const v1::ContextIdentity& c) {
                       return names.size() == 1 && c.name() == names.front();
                     });
    if (context == proto.contexts().end()) return "";
    folder /= context->folder().empty() ? context->name() : context->folder();
  }
  return (folder / "rbac.yaml").string();
}

// The selections to examine in `searched`: the one the user gave, or every
// committed profile (each context of a profile with contexts on its own).
std::vector<PolicySpec> SelectionsToExamine(const WhyForbiddenOptions& options,
                                            bool given,
                                            const ValidatedBundle& searched) {
  std::vector<PolicySpec> specs;
  if (given) {
    specs.push_back(SelectionSpec("", searched.argument, options.profile,
                                  options.overrides));
    return specs;
  }
  for (const auto& entry : searched.bundle->profiles) {
    const std::string label =
        absl::StrCat(searched.bundle->proto.name(), ":", entry.first);
    if (entry.second.proto.contexts().empty()) {
      PolicySpec spec = SelectionSpec("", searched.argument, entry.first, {});
      spec.label = label;
      specs.push_back(std::move(spec));
      continue;
    }
    // Each context is a cluster of its own: look at each.
    for (const v1::ContextIdentity& context : entry.second.proto.contexts()) {
      SelectionOverrides overrides;
      overrides.contexts = Located<std::vector<std::string>>{
          {context.name()}, {"--contexts"}, {}};
      PolicySpec spec =
          SelectionSpec("", searched.argument, entry.first, overrides);
      spec.label = absl::StrCat(label, " context ", context.name());
      specs.push_back(std::move(spec));
    }
  }
  return specs;
}

// The verdict in a sentence.
std::string VerdictText(const Report& report) {
  switch (report.verdict) {
    case Verdict::kGranted:
      return "the policy already grants this: its outputs are probably not "
             "applied to the cluster.";
    case Verdict::kDroppedByClusterScope:
      return "a namespace-only compilation (cluster_scope none) leaves this "
             "out: it needs rights outside the target namespace.";
    case Verdict::kBoundToAnotherSubject:
      return "the policy grants this to another subject.";
    case Verdict::kMissingFeature:
      return "a feature grants this; compile it in.";
    case Verdict::kNotGranted:
      break;
  }
  return absl::StrCat("no feature of bundle",
                      report.bundle_names.size() == 1 ? " " : "s ",
                      absl::StrJoin(report.bundle_names, ", "),
                      " grants this; the smallest rule that would is below.");
}

// "fails" or "degrades": what the application does on the 403.
std::string OnForbiddenText(const v1::ApiCall& call) {
  return call.on_forbidden() == v1::FORBIDDEN_DEGRADES ? "degrades" : "fails";
}

// "SkyPilot: creating the ingress for ... fails (network_utils.py:165
// create_namespaced_ingress, in create_or_replace_namespaced_ingress)", and
// for a call that degrades, what is lost after a colon.
std::string CallText(const CallMatch& match) {
  const v1::ApiCall& call = match.call;
  return absl::StrCat(
      match.application, ": ", call.operation(), " ", OnForbiddenText(call),
      " (", CallCitation(call), ", in ", call.function(), ")",
      call.degrades().empty() ? "" : absl::StrCat(": ", call.degrades()));
}

// {"file": ..., "edits": [...]}, or null.
std::string ProfileEditJson(const std::optional<ProfileEdit>& edit) {
  if (!edit) return "null";
  std::vector<std::string> edits;
  for (const std::string& text : edit->edits) edits.push_back(JsonString(text));
  return absl::StrCat("{\"file\": ", JsonString(edit->file), ", \"edits\": [",
                      absl::StrJoin(edits, ", "), "]}");
}

std::string JsonOrNull(const std::string& value) {
  return value.empty() ? "null" : JsonString(value);
}

std::string ReportJson(const Report& report) {
  const ForbiddenMessage& message = report.message;
  const Request& request = message.request;
  std::string out = absl::StrCat(
      "{\n  \"request\": {\"verb\": ", JsonString(request.verb),
      ", \"api_group\": ", JsonString(request.api_group),
      ", \"resource\": ", JsonString(request.resource),
      ", \"subresource\": ", JsonString(request.subresource),
      ", \"name\": ", JsonString(request.name),
      ", \"namespace\": ", JsonString(request.namespace_name),
      ", \"path\": ", JsonString(request.path),
      ", \"non_resource\": ", request.is_resource_request ? "false" : "true",
      "},\n  \"user\": ", JsonString(message.user_name),
      ",\n  \"service_account\": ",
      message.service_account_name.empty()
          ? "null"
          : absl::StrCat(
                "{\"namespace\": ",
                JsonString(message.service_account_namespace),
                ", \"name\": ", JsonString(message.service_account_name), "}"),
      ",\n  \"found_in\": ", JsonString(message.found_in),
      ",\n  \"authorizer_reason\": ", JsonString(message.authorizer_reason),
      ",\n  \"verdict\": ",
      JsonString(std::string(VerdictName(report.verdict))),
      ",\n  \"features\": [");
  for (size_t i = 0; i < report.features.size(); ++i) {
    const FeatureMatch& match = report.features[i];
    absl::StrAppend(
        &out, i == 0 ? "\n" : ",\n",
        "    {\"bundle\": ", JsonString(match.bundle_name),
        ", \"digest\": ", JsonString(match.digest),
        ", \"feature\": ", JsonString(match.feature),
        ", \"scope\": ", JsonString(FeatureScopeText(match, request)),
        ", \"reason\": ", JsonString(match.reason),
        ", \"location\": ", JsonString(match.location),
        ", \"when_denied\": ", JsonString(match.when_denied), "}");
  }
  absl::StrAppend(&out, report.features.empty() ? "]" : "\n  ]",
                  ",\n  \"calls\": [");
  for (size_t i = 0; i < report.calls.size(); ++i) {
    const v1::ApiCall& call = report.calls[i].call;
    absl::StrAppend(&out, i == 0 ? "\n" : ",\n", "    {\"application\": ",
                    JsonString(report.calls[i].application),
                    ", \"id\": ", JsonString(call.id()),
                    ", \"site\": ", JsonString(call.site()),
                    ", \"function\": ", JsonString(call.function()),
                    ", \"client_method\": ", JsonString(call.client_method()),
                    ", \"operation\": ", JsonString(call.operation()),
                    ", \"on_forbidden\": ", JsonString(OnForbiddenText(call)),
                    ", \"degrades\": ", JsonString(call.degrades()), "}");
  }
  absl::StrAppend(&out, report.calls.empty() ? "]" : "\n  ]",
                  ",\n  \"selections\": [");
  for (size_t i = 0; i < report.selections.size(); ++i) {
    const SelectionFinding& finding = report.selections[i];
    absl::StrAppend(
        &out, i == 0 ? "\n" : ",\n",
        "    {\"selection\": ", JsonString(finding.selection),
        ", \"finding\": ",
        JsonString(std::string(VerdictName(finding.finding))),
        ", \"detail\": ", JsonString(finding.detail),
        ", \"profile_edit\": ", ProfileEditJson(finding.profile_edit),
        ", \"command\": ", JsonOrNull(finding.command),
        ", \"check_command\": ", JsonOrNull(finding.check_command), "}");
  }
  absl::StrAppend(
      &out, report.selections.empty() ? "]" : "\n  ]",
      ",\n  \"suggested_rule\": ",
      JsonOrNull(report.suggested_fix ? report.suggested_fix->file_text : ""),
      ",\n  \"suggested_custom_resource\": ",
      JsonOrNull(report.suggested_fix ? report.suggested_fix->bundle_text : ""),
      "\n}\n");
  return out;
}

std::string ReportText(const Report& report) {
  const ForbiddenMessage& message = report.message;
  const Request& request = message.request;
  std::string out = absl::StrCat("Forbidden: ", RequestText(request),
                                 ", asked by ", SubjectText(report.subject),
                                 " (read from the ", message.found_in, ")\n");
  if (!message.authorizer_reason.empty()) {
    absl::StrAppend(&out, "The API server added: ", message.authorizer_reason,
                    "\n");
    if (absl::StartsWith(message.authorizer_reason, "RBAC: ") &&
        absl::StrContains(message.authorizer_reason, " not found")) {
      absl::StrAppend(&out,
                      "  (a binding names a role that does not exist: apply "
                      "the roles of rbac.yaml too, not only its bindings)\n");
    }
  }
  absl::StrAppend(&out, "Answer: ", VerdictText(report), "\n");
  if (!report.calls.empty()) {
    absl::StrAppend(&out, "\nWhere the application makes it:\n");
    for (const CallMatch& match : report.calls) {
      absl::StrAppend(&out, "  ", CallText(match), "\n");
    }
  }
  if (!report.features.empty()) {
    absl::StrAppend(&out, "\nFeatures that grant it:\n");
    for (const FeatureMatch& match : report.features) {
      absl::StrAppend(&out, "  ", match.bundle_name, "@", match.digest, " ",
                      match.feature, " (", FeatureScopeText(match, request),
                      "): ", match.reason, " (", match.location, ")\n");
      if (!match.when_denied.empty()) {
        absl::StrAppend(&out, "    Without it: ", match.when_denied, "\n");
      }
    }
  }
  for (const SelectionFinding& finding : report.selections) {
    absl::StrAppend(&out, "\n", finding.detail);
    if (finding.profile_edit) {
      absl::StrAppend(&out, "  ", finding.profile_edit->file, ": ",
                      absl::StrJoin(finding.profile_edit->edits, "; "),
                      "\nThen regenerate its outputs:\n");
    }
    if (!finding.command.empty()) {
      absl::StrAppend(&out, "  ", finding.command, "\n");
    }
    if (!finding.check_command.empty()) {
      absl::StrAppend(&out, "Check on the cluster:\n  ", finding.check_command,
                      "\n");
    }
  }
  if (report.suggested_fix) {
    if (!report.suggested_fix->bundle_text.empty()) {
      absl::StrAppend(&out, "\n", report.suggested_fix->bundle_text);
    }
    absl::StrAppend(&out, "\n", report.suggested_fix->file_text);
  }
  return out;
}

// One answer as a JSON object; several as a list of them.
std::string RenderJson(const std::vector<Report>& reports) {
  if (reports.size() == 1) return ReportJson(reports.front());
  std::vector<std::string> objects;
  for (const Report& report : reports) {
    objects.push_back(
        std::string(absl::StripTrailingAsciiWhitespace(ReportJson(report))));
  }
  return absl::StrCat("[\n", absl::StrJoin(objects, ",\n"), "\n]\n");
}

// One answer; several each under a heading saying which it is.
std::string RenderText(const std::vector<Report>& reports) {
  if (reports.size() == 1) return ReportText(reports.front());
  std::string out = absl::StrCat("The input holds ", reports.size(),
                                 " different Forbidden messages.\n");
  for (size_t i = 0; i < reports.size(); ++i) {
    absl::StrAppend(&out, "\n=== ", i + 1, " of ", reports.size(), " ===\n",
                    ReportText(reports[i]));
  }
  return out;
}

}  // namespace

int RunWhyForbidden(const WhyForbiddenOptions& options, std::ostream& out,
                    std::ostream& err) {
  const absl::StatusOr<std::vector<ForbiddenMessage>> messages =
      ParseForbiddenMessages(options.input);
  if (!messages.ok()) {
    err << "rbacc why-forbidden: " << messages.status().message() << "\n";
    return kExitError;
  }
  const bool given = !options.profile.empty() || options.overrides.features;

  std::vector<std::string> arguments;
  if (!options.bundle.empty()) {
    arguments.push_back(options.bundle);
  } else if (given) {
    arguments.push_back(kDefaultBundle);
  } else {
    arguments = ListBundles(options.workspace_root);
  }
  if (arguments.empty()) {
    err << "rbacc why-forbidden: no bundles under "
        << (fs::path(options.workspace_root) / kPoliciesFolder).string()
        << "; name one with --bundle\n";
    return kExitError;
  }
  // Each bundle is loaded and validated once, then compiled for each
  // selection examined.
  DiagnoseInput input;
  input.selection_given = given;
  input.compile_command = RegenerateCommand;
  std::vector<ValidatedBundle> bundles;
  std::map<std::string, std::string> file_texts;
  IssueList issues;
  for (const std::string& argument : arguments) {
    absl::StatusOr<ValidatedBundle> bundle = LoadValidatedBundle(
        options.workspace_root, argument, &issues, &file_texts);
    if (!bundle.ok()) {
      err << bundle.status().message() << "\n";
      return kExitError;
    }
    input.bundles.push_back(
        {bundle->argument, bundle->bundle, bundle->catalog});
    bundles.push_back(*std::move(bundle));
  }
  if (issues.has_errors()) {
    err << issues.Render(file_texts);
    return kExitError;
  }
  if (!options.rbac.empty()) {
    PolicyInput rbac;
    if (!LoadReviewInput(SelectionSpec(options.rbac, "", "", {}),
                         options.workspace_root, err, &rbac)) {
      return kExitError;
    }
    input.rbac = std::move(rbac);
  }
  for (const ValidatedBundle& searched : bundles) {
    for (PolicySpec& spec : SelectionsToExamine(options, given, searched)) {
      PolicyInput compiled = CompileForReview(searched, spec, &issues);
      if (issues.has_errors()) {
        err << issues.Render(file_texts);
        return kExitError;
      }
      const std::string outputs_file = OutputsFile(spec, *searched.bundle);
      input.selections.push_back({std::move(spec), std::move(compiled),
                                  searched.bundle, outputs_file});
    }
  }
  if (!issues.issues().empty()) err << issues.Render(file_texts);
  std::vector<Report> reports;
  for (const ForbiddenMessage& message : *messages) {
    absl::StatusOr<Report> report = Diagnose(message, input);
    if (!report.ok()) {
      err << "rbacc why-forbidden: " << report.status().message() << "\n";
      return kExitError;
    }
    reports.push_back(*std::move(report));
  }
  out << (options.format == WhyForbiddenFormat::kJson ? RenderJson(reports)
                                                      : RenderText(reports));
  return kExitOk;
}

namespace {

// --format's values.
const EnumValues<WhyForbiddenFormat>& WhyForbiddenFormats() {
  static const auto* const kFormats = new EnumValues<WhyForbiddenFormat>{
      {"text", WhyForbiddenFormat::kText}, {"json", WhyForbiddenFormat::kJson}};
  return *kFormats;
}

}  // namespace

WhyForbiddenCommand::WhyForbiddenCommand()
    : Command({"why-forbidden",
               "what grants a Forbidden message's request",
               "why-forbidden [MESSAGE | -] [flags]",
               "MESSAGE is a Kubernetes 403 Forbidden message, a JSON Status "
               "body or a log holding them; without it (or with -) it is "
               "read from standard input. Each 403 of a log is answered.\n\n"
               "Exit codes: 0 answered; 2 no "
               "Forbidden message in the input, or invalid input or flags.",
               {"bazel run //compiler -- why-forbidden --profile=minimal < "
                "log.txt",
                "bazel run //compiler -- why-forbidden --format=json "
                "'pods is forbidden: User \"x\" cannot list resource "
                "\"pods\" ...'"}}) {}

void WhyForbiddenCommand::DeclareFlags(FlagSet* flags) const {
  flags->AddString("rbac", "FILE_OR_FOLDER",
                   "Read this RBAC YAML file or output folder instead of "
                   "compiling a selection.");
  AddSelectionFlags(TargetNamespaceFlag::kNamespace, flags);
  flags->AddEnum("format", WhyForbiddenFormats(), "text",
                 "text or json (one object).");
}

int WhyForbiddenCommand::Execute(const Invocation& call) const {
  WhyForbiddenOptions options;
  options.workspace_root = call.env.workspace_root;
  options.bundle = call.flags.String("bundle");
  options.profile = call.flags.String("profile");
  options.overrides =
      SelectionOverridesFromFlags(call.flags, TargetNamespaceFlag::kNamespace);
  options.rbac = call.flags.String("rbac");
  options.format = call.flags.Enum("format", WhyForbiddenFormats());
  const std::vector<std::string>& message = call.positional;
  if (message.empty() || (message.size() == 1 && message[0] == "-")) {
    if (call.env.in != nullptr) {
      absl::StatusOr<std::string> input =
          ReadInputStream(*call.env.in, "standard input", kMessageInputLimit);
      if (!input.ok()) {
        call.err << "rbacc why-forbidden: " << input.status().message() << "\n";
        return kExitError;
      }
      options.input = *std::move(input);
    }
  } else {
    options.input = absl::StrJoin(message, " ");
  }
  return RunWhyForbidden(options, call.out, call.err);
}

}  // namespace rbacc
