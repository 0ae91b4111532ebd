// The request the API server sees for one of an application's recorded calls
// (calls.proto's ApiCall), for evaluating it with the authorizer.
#ifndef RBACC_COMPILER_COMMON_CALL_REQUEST_H_
#define RBACC_COMPILER_COMMON_CALL_REQUEST_H_

#include <string>

#include "compiler/common/authorizer.h"
#include "proto/rbacc/v1/calls.pb.h"

namespace rbacc {

// Returns the resource request `call` makes in `namespace_name` ("" for a
// cluster-wide request): its verb, API group, resource and subresource (split
// at "/") and the object name the code fixes, if any. Never fails.
Request CallRequest(const v1::ApiCall& call, const std::string& namespace_name);

}  // namespace rbacc

#endif  // RBACC_COMPILER_COMMON_CALL_REQUEST_H_
