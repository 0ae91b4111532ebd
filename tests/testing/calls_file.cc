#include "tests/testing/calls_file.h"

#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/text_format.h"

namespace rbacc::testing {

absl::StatusOr<v1::CallRecord> ReadCallRecord(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return absl::NotFoundError(absl::StrCat(path, ": cannot read"));
  std::ostringstream text;
  text << file.rdbuf();
  v1::CallRecord record;
  if (!google::protobuf::TextFormat::ParseFromString(text.str(), &record)) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": not a rbacc.v1.CallRecord in text format"));
  }
  return record;
}

Request CallRequest(const v1::ApiCall& call,
                    const std::string& target_namespace) {
  Request request;
  request.verb = call.verb();
  request.api_group = call.api_group();
  const std::string::size_type slash = call.resource().find('/');
  request.resource = call.resource().substr(0, slash);
  if (slash != std::string::npos) {
    request.subresource = call.resource().substr(slash + 1);
  }
  const bool named = call.verb() != "create" && call.verb() != "list" &&
                     call.verb() != "watch" &&
                     call.verb() != "deletecollection";
  if (named) request.name = call.resource_name();
  switch (call.scope()) {
    case v1::CALL_SCOPE_TARGET_NAMESPACE:
      request.namespace_name = target_namespace;
      break;
    case v1::CALL_SCOPE_NAMED_NAMESPACE:
      request.namespace_name = call.namespace_();
      break;
    default:
      break;
  }
  return request;
}

}  // namespace rbacc::testing
