// The `why-forbidden` command: reads Kubernetes "403 Forbidden" messages (the
// bare message, the JSON Status body, or a log holding them), loads the
// bundles and compiles the selections to examine, asks Diagnose
// (compiler/review/why_forbidden.h) what to do about each, and prints the
// answers as text or JSON.
#ifndef RBACC_COMPILER_CLI_WHY_FORBIDDEN_COMMAND_H_
#define RBACC_COMPILER_CLI_WHY_FORBIDDEN_COMMAND_H_

#include <ostream>
#include <string>

#include "compiler/cli/command.h"
#include "compiler/resolve/selection.h"

namespace rbacc {

// How the answer is printed.
enum class WhyForbiddenFormat {
  // Sentences for people.
  kText,
  // One JSON object (see RunWhyForbidden).
  kJson,
};

// The question.
struct WhyForbiddenOptions {
  // Folder holding policies/.
  std::string workspace_root = ".";
  // The text holding the Forbidden message (an argument or standard input).
  std::string input;
  // --bundle: the one bundle to search; empty: every bundle under policies/
  // (with a profile or features: kDefaultBundle).
  std::string bundle;
  // --profile: the selection the outputs came from; empty (and no
  // overrides.features): every committed profile of the bundles searched.
  std::string profile;
  // The selection flags (--features, --namespace, ...), as for compile.
  SelectionOverrides overrides;
  // --rbac: RBAC YAML (a file or an output folder) to examine instead of a
  // selection; the features are still searched in the bundles.
  std::string rbac;
  WhyForbiddenFormat format = WhyForbiddenFormat::kText;
};

// Answers each Forbidden message of the input (each request and user once)
// on `out`; several answers are each under a heading, or, in JSON, a list of
// the objects. The JSON form of one answer is one object: "request" (verb,
// api_group, resource, subresource, name, namespace, path, non_resource),
// "user", "service_account" (namespace and name, or null), "found_in",
// "authorizer_reason", "verdict" ("granted", "dropped-by-cluster-scope",
// "bound-to-another-subject", "missing-feature" or "not-granted"),
// "features" (each: bundle, digest, feature, scope, reason, location,
// when_denied), "calls" (the application's recorded calls making the request,
// each: application, id, site, function, client_method, operation,
// on_forbidden "fails" or "degrades", degrades), "selections" (each:
// selection, finding, detail, profile_edit (file and edits, or null),
// command, check_command), "suggested_rule" (feature textproto, or null) and
// "suggested_custom_resource" (bundle.textproto addition for a CRD's
// resource, or null).
// Returns kExitOk after answering, or kExitError after printing on `err` why
// the input is not a Forbidden message or the policies cannot be loaded.
int RunWhyForbidden(const WhyForbiddenOptions& options, std::ostream& out,
                    std::ostream& err);

// `rbacc why-forbidden [MESSAGE]` on the command line: the message (or
// standard input), the selection flags, --rbac and --format for
// RunWhyForbidden.
class WhyForbiddenCommand : public Command {
 public:
  WhyForbiddenCommand();

 protected:
  void DeclareFlags(FlagSet* flags) const override;
  int Execute(const Invocation& call) const override;
};

}  // namespace rbacc

#endif  // RBACC_COMPILER_CLI_WHY_FORBIDDEN_COMMAND_H_
