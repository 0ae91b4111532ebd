// The smallest rule that grants a denied request, as a feature file.
#include <string>

#include "absl/strings/str_cat.h"
#include "compiler/review/request_parser.h"
#include "compiler/review/why_forbidden.h"
#include "google/protobuf/text_format.h"

namespace rbacc {
namespace {

// A feature name for the request: "get-configmaps", "create-pods-exec",
// "get-healthz".
std::string SuggestedFeatureName(const Request& request) {
  std::string words = absl::StrCat(
      request.verb, "-",
      request.is_resource_request
          ? absl::StrCat(request.resource, "-", request.subresource)
          : request.path);
  std::string name;
  for (const char c : words) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (keep) {
      name.push_back(c);
    } else if (c >= 'A' && c <= 'Z') {
      name.push_back(static_cast<char>(c - 'A' + 'a'));
    } else if (!name.empty() && name.back() != '-') {
      name.push_back('-');
    }
  }
  while (!name.empty() && name.back() == '-') name.pop_back();
  return name.empty() ? "granted-request" : name.substr(0, 63);
}

// The one rule that allows exactly `message`'s request; a verb `catalog`
// does not know is one of its custom_verbs.
v1::Rule SuggestedRule(const ForbiddenMessage& message,
                       const ResourceCatalog* catalog) {
  const Request& request = message.request;
  v1::Rule rule;
  if (request.is_resource_request) {
    rule.add_api_groups(request.api_group);
    rule.add_resources(
        request.subresource.empty()
            ? request.resource
            : absl::StrCat(request.resource, "/", request.subresource));
  } else {
    rule.add_non_resource_urls(request.path);
  }
  rule.add_verbs(request.verb);
  if (catalog != nullptr && !catalog->IsKnownVerb(request.verb)) {
    rule.add_custom_verbs(request.verb);
  }
  if (!request.name.empty()) rule.add_resource_names(request.name);
  rule.set_reason(absl::StrCat("The API server denied ", RequestText(request),
                               " to ", message.user_name,
                               "; say here why the application needs it."));
  return rule;
}

// `message` in protobuf's text format.
std::string TextFormat(const google::protobuf::Message& message) {
  std::string text;
  google::protobuf::TextFormat::Printer printer;
  printer.PrintToString(message, &text);
  return text;
}

}  // namespace

SuggestedFix SuggestFix(const ForbiddenMessage& message,
                        const LoadedBundle* bundle,
                        const ResourceCatalog* catalog) {
  const Request& request = message.request;
  SuggestedFix fix;
  fix.bundle_name = bundle == nullptr ? "<bundle>" : bundle->proto.name();
  v1::Feature head;
  head.set_name(SuggestedFeatureName(request));
  head.set_summary(absl::StrCat("Allow ", RequestText(request), "."));
  bool fixed = false;
  if (bundle != nullptr) {
    for (const v1::FixedNamespace& namespace_entry :
         bundle->proto.fixed_namespaces()) {
      fixed = fixed || namespace_entry.name() == request.namespace_name;
    }
  }
  v1::Feature body;
  if (!request.is_resource_request || request.namespace_name.empty()) {
    fix.where = "cluster-wide (a ClusterRole)";
    *body.add_cluster_rules() = SuggestedRule(message, catalog);
  } else if (fixed) {
    fix.where = absl::StrCat("in the bundle's fixed namespace ",
                             request.namespace_name);
    v1::FixedNamespaceGrant* grant = body.add_fixed_namespace_rules();
    grant->set_namespace_(request.namespace_name);
    *grant->add_rules() = SuggestedRule(message, catalog);
  } else {
    fix.where =
        absl::StrCat("in the target namespace: compile with --namespace=",
                     request.namespace_name);
    *body.add_namespace_rules() = SuggestedRule(message, catalog);
  }
  if (catalog != nullptr && request.is_resource_request &&
      catalog->Find(request.api_group, request.resource) == nullptr) {
    v1::CustomResource custom;
    custom.set_api_group(request.api_group);
    custom.set_resource(request.resource);
    custom.set_namespaced(!request.namespace_name.empty());
    if (!request.subresource.empty()) {
      custom.add_subresources(request.subresource);
    }
    v1::Bundle declaration;
    *declaration.add_custom_resources() = custom;
    fix.custom_resource = custom;
    fix.bundle_text = absl::StrCat(
        "# ", RequestText(request), " is on a resource the catalogue does not ",
        "know (a CRD's): add to policies/", fix.bundle_name,
        "/bundle.textproto:\n", TextFormat(declaration));
  }
  fix.feature = head;
  fix.feature.MergeFrom(body);
  fix.file_text = absl::StrCat(
      "# proto-file: proto/rbacc/v1/policy.proto\n"
      "# proto-message: rbacc.v1.Feature\n#\n"
      "# The smallest rule that grants ",
      RequestText(request), ", ", fix.where, ".\n# Save it as policies/",
      fix.bundle_name, "/", head.name(),
      ".textproto, list it in bundle.textproto (features: \"", head.name(),
      "\") and select it.\n\n", TextFormat(head), "\n", TextFormat(body));
  return fix;
}

}  // namespace rbacc
