// Reading the request back out of a Kubernetes "403 Forbidden" message.
//
// The API server writes the message in k8s.io/apiserver
// pkg/endpoints/handlers/responsewriters/errors.go (forbiddenMessage), wrapped
// by apimachinery's errors.NewForbidden:
//
//   [<resource>[.<group>] ["<name>"] is ]forbidden: User "<user>" cannot <verb>
//       resource "<resource>[/<subresource>]" in API group "<group>"
//       (in the namespace "<namespace>" | at the cluster scope)[: <reason>]
//   forbidden: User "<user>" cannot <verb> path "<url>"[: <reason>]
//
// where the quoted parts are Go %q strings and <reason> is what the
// authorizers said (RBAC's starts with "RBAC: "). Clients show it bare, inside
// the JSON Status body ({"kind":"Status",...,"message":"...","reason":
// "Forbidden",...,"code":403}), or inside a log line holding either (the
// Python client logs "HTTP response body: {...}", kubectl "Error from server
// (Forbidden): ...").
//
//   absl::StatusOr<ForbiddenMessage> message = ParseForbiddenMessage(text);
//   if (message.ok()) Request request = message->request;
#ifndef RBACC_COMPILER_REVIEW_FORBIDDEN_MESSAGE_H_
#define RBACC_COMPILER_REVIEW_FORBIDDEN_MESSAGE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "compiler/common/authorizer.h"

namespace rbacc {

// What a Forbidden message says.
struct ForbiddenMessage {
  // The user name as the API server wrote it, e.g.
  // "system:serviceaccount:default:sky-sa" or "alice".
  std::string user_name;
  // For a service account user: its namespace and name; empty otherwise.
  std::string service_account_namespace;
  std::string service_account_name;
  // The denied request (verb, group, resource, subresource, name, namespace;
  // or verb and path). The name comes from the `"<name>" is forbidden` prefix
  // and is empty when the message has none.
  Request request;
  // What the authorizers added after the request (": RBAC: ..."), or "".
  std::string authorizer_reason;
  // The message itself, as found in the input (unescaped from JSON).
  std::string message;
  // Where it was found: "message" (the whole input), "JSON Status body" (the
  // whole input), "JSON Status body in a log line" or "log line".
  std::string found_in;
};

// Finds and parses a Forbidden message in `text`: the bare message, a JSON
// Status body (also inside a Python bytes literal, `b'{...}'`, as SkyPilot
// logs an ApiException's body), or a line of a log holding either (the first
// message found wins). Returns InvalidArgumentError naming what was expected
// when `text` holds none: no `User "..." cannot ...` sentence, a JSON Status
// that is not Forbidden (its reason and code are named), or a sentence that
// breaks off (the part that does not parse is named), an input larger than
// kMaxMessageInputBytes or JSON nested deeper than kMaxJsonDepth (limits.h).
absl::StatusOr<ForbiddenMessage> ParseForbiddenMessage(absl::string_view text);

// Finds and parses every Forbidden message in `text` (a log with several
// 403s), in input order, each request and user once: the messages of its
// Forbidden Status bodies and the sentences outside them. Returns one message
// as ParseForbiddenMessage reads it when there is only one, and
// ParseForbiddenMessage's errors when there is none.
absl::StatusOr<std::vector<ForbiddenMessage>> ParseForbiddenMessages(
    absl::string_view text);

// Returns `message` written the way the API server writes it (the
// NewForbidden form, with the authorizers' reason; quoted strings as JSON
// strings, which Go's %q matches but for how it escapes control characters);
// parsing it gives `message` back.
std::string FormatForbiddenMessage(const ForbiddenMessage& message);

}  // namespace rbacc

#endif  // RBACC_COMPILER_REVIEW_FORBIDDEN_MESSAGE_H_
