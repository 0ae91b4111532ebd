#include "compiler/review/forbidden_message.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "compiler/common/json.h"
#include "compiler/common/limits.h"
#include "compiler/review/python_bytes.h"
#include "yaml-cpp/yaml.h"

namespace rbacc {
namespace {

constexpr absl::string_view kUser = "User \"";
constexpr char kExpected[] =
    "expected a Kubernetes Forbidden message (`pods is forbidden: User "
    "\"NAME\" cannot VERB resource \"RESOURCE\" in API group \"GROUP\" in the "
    "namespace \"NAMESPACE\"` or `... at the cluster scope`, or `forbidden: "
    "User \"NAME\" cannot VERB path \"/URL\"`), a JSON Status body with "
    "\"reason\":\"Forbidden\" and \"code\":403, or a log line holding one";

// Appends the UTF-8 encoding of `code_point` to `out`; false when it is not a
// Unicode scalar value.
bool AppendUtf8(unsigned long code_point, std::string* out) {
  if (code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) {
    return false;
  }
  if (code_point < 0x80) {
    out->push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
  return true;
}

// Reads the `digits` hex digits at the front of `text` into `value`.
bool ConsumeHex(absl::string_view* text, int digits, unsigned long* value) {
  if (text->size() < static_cast<size_t>(digits)) return false;
  *value = 0;
  for (int i = 0; i < digits; ++i) {
    const char c = (*text)[i];
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return false;
    *value =
        *value * 16 +
        (absl::ascii_isdigit(static_cast<unsigned char>(c))
             ? c - '0'
             : absl::ascii_tolower(static_cast<unsigned char>(c)) - 'a' + 10);
  }
  text->remove_prefix(digits);
  return true;
}

// Reads a Go %q string (the opening quote already consumed) from the front of
// `text`, through its closing quote. Returns false when it does not end or
// holds an escape Go does not write.
bool ConsumeGoQuoted(absl::string_view* text, std::string* value) {
  value->clear();
  while (!text->empty()) {
    const char c = text->front();
    text->remove_prefix(1);
    if (c == '"') return true;
    if (c != '\\') {
      value->push_back(c);
      continue;
    }
    if (text->empty()) return false;
    const char escape = text->front();
    text->remove_prefix(1);
    unsigned long code_point = 0;
    switch (escape) {
      case '"':
      case '\\':
      case '\'':
        value->push_back(escape);
        break;
      case 'a':
        value->push_back('\a');
        break;
      case 'b':
        value->push_back('\b');
        break;
      case 'f':
        value->push_back('\f');
        break;
      case 'n':
        value->push_back('\n');
        break;
      case 'r':
        value->push_back('\r');
        break;
      case 't':
        value->push_back('\t');
        break;
      case 'v':
        value->push_back('\v');
        break;
      case 'x':
        if (!ConsumeHex(text, 2, &code_point)) return false;
        value->push_back(static_cast<char>(code_point));
        break;
      case 'u':
        if (!ConsumeHex(text, 4, &code_point) ||
            !AppendUtf8(code_point, value)) {
          return false;
        }
        break;
      case 'U':
        if (!ConsumeHex(text, 8, &code_point) ||
            !AppendUtf8(code_point, value)) {
          return false;
        }
        break;
      default:
        return false;
    }
  }
  return false;
}

// An error naming what broke off, with the expected forms.
absl::Status BrokenOff(absl::string_view what, absl::string_view rest) {
  const absl::string_view shown = rest.substr(0, 40);
  return absl::InvalidArgumentError(absl::StrCat(
      "the Forbidden message breaks off: expected ", what, " but found ",
      shown.empty() ? "the end of the input"
                    : absl::StrCat("\"", absl::CHexEscape(shown), "\""),
      "; ", kExpected));
}

// Reads a `"<value>"` at the front of `text` after `keyword`.
absl::Status ConsumeQuotedAfter(absl::string_view keyword,
                                absl::string_view* text, std::string* value) {
  if (!absl::ConsumePrefix(text, keyword) || !absl::ConsumePrefix(text, "\"")) {
    return BrokenOff(absl::StrCat("`", keyword, "\"...\"`"), *text);
  }
  if (!ConsumeGoQuoted(text, value)) {
    return BrokenOff(absl::StrCat("a closing quote after `", keyword, "\"`"),
                     *text);
  }
  return absl::OkStatus();
}

// Returns where the NewForbidden prefix that ends `before` starts: `pods
// "web" is forbidden: `, `pods is forbidden: ` or `forbidden: ` (`before`'s
// size when there is none). Takes the resource name from it when the prefix
// names the request's resource.
size_t ReadPrefix(absl::string_view before, Request* request) {
  const size_t none = before.size();
  if (!absl::ConsumeSuffix(&before, "forbidden: ")) return none;
  const size_t bare = before.size();
  if (!request->is_resource_request) return bare;
  if (!absl::ConsumeSuffix(&before, " is ")) return bare;
  std::string name;
  if (absl::ConsumeSuffix(&before, "\"")) {
    const size_t open = before.rfind('"');
    if (open == absl::string_view::npos || open == 0 ||
        before[open - 1] != ' ') {
      return bare;
    }
    name = std::string(before.substr(open + 1));
    before = before.substr(0, open - 1);
  }
  const std::string expected =
      request->api_group.empty()
          ? request->resource
          : absl::StrCat(request->resource, ".", request->api_group);
  if (!absl::ConsumeSuffix(&before, expected)) return bare;
  if (!before.empty() &&
      !absl::ascii_isspace(static_cast<unsigned char>(before.back())) &&
      !absl::StrContains("\"'(:[{", before.back())) {
    return bare;
  }
  request->name = name;
  return before.size();
}

// Parses the sentence starting at `text[at]` (at `User "`): the request, the
// user and the authorizers' reason, which runs to the end of the line.
absl::StatusOr<ForbiddenMessage> ParseSentence(absl::string_view text,
                                               size_t at) {
  ForbiddenMessage message;
  absl::string_view rest = text.substr(at + kUser.size());
  if (!ConsumeGoQuoted(&rest, &message.user_name)) {
    return BrokenOff("the user name's closing quote", rest);
  }
  if (!absl::ConsumePrefix(&rest, " cannot ")) {
    return BrokenOff("` cannot VERB`", rest);
  }
  const size_t verb_end = rest.find(' ');
  Request& request = message.request;
  request.verb = std::string(rest.substr(0, verb_end));
  if (verb_end == absl::string_view::npos || request.verb.empty() ||
      absl::StrContains(request.verb, '"')) {
    return BrokenOff("a verb followed by ` resource` or ` path`", rest);
  }
  rest.remove_prefix(verb_end);
  if (absl::StartsWith(rest, " path ")) {
    request.is_resource_request = false;
    if (absl::Status status =
            ConsumeQuotedAfter(" path ", &rest, &request.path);
        !status.ok()) {
      return status;
    }
  } else {
    std::string resource;
    if (absl::Status status =
            ConsumeQuotedAfter(" resource ", &rest, &resource);
        !status.ok()) {
      return status;
    }
    if (resource.empty()) return BrokenOff("a resource", "\"\"");
    const std::vector<std::string> parts =
        absl::StrSplit(resource, absl::MaxSplits('/', 1));
    request.resource = parts[0];
    request.subresource = parts.size() > 1 ? parts[1] : "";
    if (absl::Status status =
            ConsumeQuotedAfter(" in API group ", &rest, &request.api_group);
        !status.ok()) {
      return status;
    }
    if (absl::StartsWith(rest, " in the namespace ")) {
      if (absl::Status status = ConsumeQuotedAfter(" in the namespace ", &rest,
                                                   &request.namespace_name);
          !status.ok()) {
        return status;
      }
      if (request.namespace_name.empty()) {
        return BrokenOff("a namespace", "\"\"");
      }
    } else if (!absl::ConsumePrefix(&rest, " at the cluster scope")) {
      return BrokenOff("` in the namespace \"...\"` or ` at the cluster scope`",
                       rest);
    }
  }
  if (absl::ConsumePrefix(&rest, ": ")) {
    message.authorizer_reason = std::string(absl::StripTrailingAsciiWhitespace(
        rest.substr(0, rest.find_first_of("\r\n"))));
    rest.remove_prefix(message.authorizer_reason.size());
  }
  const size_t start = ReadPrefix(text.substr(0, at), &request);
  const size_t end = text.size() - rest.size();
  message.message = std::string(text.substr(start, end - start));
  message.found_in =
      absl::StripAsciiWhitespace(text.substr(0, start)).empty() &&
              absl::StripAsciiWhitespace(rest).empty()
          ? "message"
          : "log line";

  absl::string_view user = message.user_name;
  if (absl::ConsumePrefix(&user, "system:serviceaccount:")) {
    const std::vector<std::string> parts = absl::StrSplit(user, ':');
    if (parts.size() == 2 && !parts[0].empty() && !parts[1].empty()) {
      message.service_account_namespace = parts[0];
      message.service_account_name = parts[1];
    }
  }
  return message;
}

// Parses the first sentence of `text` that parses; the error of the first one
// when none does.
absl::StatusOr<ForbiddenMessage> ParseFirstSentence(absl::string_view text) {
  std::optional<absl::Status> first_error;
  for (size_t at = text.find(kUser); at != absl::string_view::npos;
       at = text.find(kUser, at + 1)) {
    absl::StatusOr<ForbiddenMessage> message = ParseSentence(text, at);
    if (message.ok()) return message;
    if (!first_error) first_error = message.status();
  }
  if (first_error) return *first_error;
  return absl::InvalidArgumentError(
      absl::StrCat("no `User \"...\" cannot ...` sentence found; ", kExpected));
}

// JsonObjectEnd's answer for an object that nests deeper than kMaxJsonDepth.
constexpr size_t kTooDeep = absl::string_view::npos - 1;

// The end of the JSON object that opens at `text[open]`, just past its
// closing brace; npos when it does not close; kTooDeep as soon as its objects
// and lists nest deeper than kMaxJsonDepth. Stopping there bounds the work of
// FindStatusBodies, which starts at every "{" of the input: a "{" that the
// input's first "{" sees inside a string (so CheckInputLimits did not count
// it) may open any depth.
size_t JsonObjectEnd(absl::string_view text, size_t open) {
  int depth = 0;
  int nested = 0;
  bool in_string = false;
  for (size_t i = open; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++nested > kMaxJsonDepth) return kTooDeep;
      if (c == '{') ++depth;
    } else if (c == '}' || c == ']') {
      if (nested > 0) --nested;
      if (c == '}' && --depth == 0) return i + 1;
    }
  }
  return absl::string_view::npos;
}

// How deep the JSON objects and lists of `text` nest, counted from its first
// "{" (quoted strings skipped), stopping once deeper than kMaxJsonDepth.
int JsonDepth(absl::string_view text) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  const size_t first = text.find('{');
  for (size_t i = first; i < text.size() && deepest <= kMaxJsonDepth; ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

// A JSON Status object found in the input.
struct StatusBody {
  // Where the object starts and ends (just past its closing brace) in the
  // input.
  size_t begin = 0;
  size_t end = 0;
  // True when the object is all of the input but white space.
  bool whole_input = false;
  std::string message;
  std::string reason;
  std::string code;
};

// Reads the Status objects (maps with a string "message" and a "reason" or
// "code") of `text`, outermost first. yaml-cpp reads JSON; what it cannot read
// is skipped.
std::vector<StatusBody> FindStatusBodies(absl::string_view text) {
  std::vector<StatusBody> bodies;
  for (size_t open = text.find('{'); open != absl::string_view::npos;) {
    const size_t end = JsonObjectEnd(text, open);
    if (end == absl::string_view::npos) break;
    if (end == kTooDeep) {
      open = text.find('{', open + 1);
      continue;
    }
    try {
      const YAML::Node node =
          YAML::Load(std::string(text.substr(open, end - open)));
      const YAML::Node message = node.IsMap() ? node["message"] : YAML::Node();
      if (message && message.IsScalar() && (node["reason"] || node["code"])) {
        StatusBody body;
        body.begin = open;
        body.end = end;
        body.whole_input =
            absl::StripAsciiWhitespace(text.substr(0, open)).empty() &&
            absl::StripAsciiWhitespace(text.substr(end)).empty();
        body.message = message.Scalar();
        if (node["reason"] && node["reason"].IsScalar()) {
          body.reason = node["reason"].Scalar();
        }
        if (node["code"] && node["code"].IsScalar()) {
          body.code = node["code"].Scalar();
        }
        bodies.push_back(std::move(body));
        open = text.find('{', end);
        continue;
      }
    } catch (const YAML::Exception&) {
      // Not JSON: look further in.
    }
    open = text.find('{', open + 1);
  }
  return bodies;
}

// An error when `text` is larger or nests deeper than rbacc reads.
absl::Status CheckInputLimits(absl::string_view text) {
  if (text.size() > kMaxMessageInputBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the input is ", text.size(), " bytes, more than the ",
        kMaxMessageInputBytes,
        " a 403 message may have; pass only the message or the log line that "
        "holds it"));
  }
  // Bounds the work below: each object is scanned and read once per object
  // around it.
  if (JsonDepth(text) > kMaxJsonDepth) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the JSON in the input nests more than ", kMaxJsonDepth,
        " objects or lists deep, the most rbacc reads (a Kubernetes Status "
        "body nests 4); pass the Status body or the message alone"));
  }
  return absl::OkStatus();
}

// A message found in the input, and where.
struct FoundMessage {
  size_t position = 0;
  ForbiddenMessage message;
};

// Every Forbidden message of `text` (limits checked, Python bytes decoded):
// those of its Forbidden Status bodies and the sentences outside any Status
// body, in input order, each request and user once (the first place found,
// a Status body's reading preferred).
std::vector<ForbiddenMessage> FindAllMessages(absl::string_view text) {
  std::vector<FoundMessage> found;
  const std::vector<StatusBody> bodies = FindStatusBodies(text);
  for (const StatusBody& body : bodies) {
    if (body.reason != "Forbidden" && body.code != "403") continue;
    absl::StatusOr<ForbiddenMessage> message = ParseFirstSentence(body.message);
    if (!message.ok()) continue;
    message->found_in = body.whole_input ? "JSON Status body"
                                         : "JSON Status body in a log line";
    found.push_back({body.begin, *std::move(message)});
  }
  for (size_t at = text.find(kUser); at != absl::string_view::npos;
       at = text.find(kUser, at + 1)) {
    const bool in_body =
        std::any_of(bodies.begin(), bodies.end(), [&](const StatusBody& body) {
          return body.begin <= at && at < body.end;
        });
    if (in_body) continue;
    absl::StatusOr<ForbiddenMessage> message = ParseSentence(text, at);
    if (message.ok()) found.push_back({at, *std::move(message)});
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const FoundMessage& a, const FoundMessage& b) {
                     return a.position < b.position;
                   });
  std::vector<ForbiddenMessage> messages;
  for (FoundMessage& candidate : found) {
    const std::string key = FormatForbiddenMessage(candidate.message);
    const auto same = std::find_if(messages.begin(), messages.end(),
                                   [&](const ForbiddenMessage& kept) {
                                     return FormatForbiddenMessage(kept) == key;
                                   });
    if (same == messages.end()) {
      messages.push_back(std::move(candidate.message));
    } else if (absl::StartsWith(candidate.message.found_in, "JSON")) {
      same->found_in = candidate.message.found_in;
    }
  }
  return messages;
}

}  // namespace

absl::StatusOr<std::vector<ForbiddenMessage>> ParseForbiddenMessages(
    absl::string_view text) {
  if (absl::Status status = CheckInputLimits(text); !status.ok()) {
    return status;
  }
  const std::string decoded = DecodePythonBytesLiterals(text);
  std::vector<ForbiddenMessage> messages = FindAllMessages(decoded);
  if (messages.size() > 1) return messages;
  // One message, or none: as ParseForbiddenMessage reads it (or says why
  // there is none).
  absl::StatusOr<ForbiddenMessage> message = ParseForbiddenMessage(text);
  if (!message.ok()) return message.status();
  return std::vector<ForbiddenMessage>{*std::move(message)};
}

absl::StatusOr<ForbiddenMessage> ParseForbiddenMessage(
    absl::string_view input) {
  if (absl::Status status = CheckInputLimits(input); !status.ok()) {
    return status;
  }
  const std::string decoded = DecodePythonBytesLiterals(input);
  const absl::string_view text = decoded;
  const std::vector<StatusBody> bodies = FindStatusBodies(text);
  for (const StatusBody& body : bodies) {
    if (body.reason != "Forbidden" && body.code != "403") continue;
    absl::StatusOr<ForbiddenMessage> message = ParseFirstSentence(body.message);
    if (!message.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "in the JSON Status body's message: ", message.status().message()));
    }
    message->found_in = body.whole_input ? "JSON Status body"
                                         : "JSON Status body in a log line";
    return message;
  }
  if (!bodies.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the JSON Status body is not a Forbidden error: its reason is \"",
        absl::CHexEscape(bodies[0].reason), "\" and its code ",
        bodies[0].code.empty() ? "is missing"
                               : absl::StrCat("is ", bodies[0].code),
        "; ", kExpected));
  }
  absl::StatusOr<ForbiddenMessage> message = ParseFirstSentence(text);
  if (!message.ok() && absl::StrContains(text, "\\\"")) {
    // A message inside an escaped string that is not a whole JSON object
    // (a truncated body, a Python repr).
    absl::StatusOr<ForbiddenMessage> unescaped = ParseFirstSentence(
        absl::StrReplaceAll(text, {{"\\\\", "\\"}, {"\\\"", "\""}}));
    if (unescaped.ok()) message = std::move(unescaped);
  }
  return message;
}

std::string FormatForbiddenMessage(const ForbiddenMessage& message) {
  const Request& request = message.request;
  std::string sentence = absl::StrCat("User ", JsonString(message.user_name),
                                      " cannot ", request.verb, " ");
  std::string prefix = "forbidden: ";
  if (!request.is_resource_request) {
    absl::StrAppend(&sentence, "path ", JsonString(request.path));
  } else {
    const std::string resource =
        request.subresource.empty()
            ? request.resource
            : absl::StrCat(request.resource, "/", request.subresource);
    absl::StrAppend(&sentence, "resource ", JsonString(resource),
                    " in API group ", JsonString(request.api_group),
                    request.namespace_name.empty()
                        ? " at the cluster scope"
                        : absl::StrCat(" in the namespace ",
                                       JsonString(request.namespace_name)));
    const std::string qualified =
        request.api_group.empty()
            ? request.resource
            : absl::StrCat(request.resource, ".", request.api_group);
    prefix = absl::StrCat(
        qualified,
        request.name.empty() ? "" : absl::StrCat(" ", JsonString(request.name)),
        " is forbidden: ");
  }
  if (!message.authorizer_reason.empty()) {
    absl::StrAppend(&sentence, ": ", message.authorizer_reason);
  }
  return prefix + sentence;
}

}  // namespace rbacc
