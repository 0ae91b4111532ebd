#include "compiler/common/call_request.h"

#include <string>

namespace rbacc {

Request CallRequest(const v1::ApiCall& call,
                    const std::string& namespace_name) {
  Request request;
  request.verb = call.verb();
  request.api_group = call.api_group();
  const size_t slash = call.resource().find('/');
  request.resource = call.resource().substr(0, slash);
  if (slash != std::string::npos) {
    request.subresource = call.resource().substr(slash + 1);
  }
  request.name = call.resource_name();
  request.namespace_name = namespace_name;
  return request;
}

}  // namespace rbacc
