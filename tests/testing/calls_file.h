// Reads an application's calls file (a CallRecord in protobuf text format,
// proto/rbacc/v1/calls.proto) for tests, with protobuf's own parser, whether or
// not the compiler loads calls files, and turns a recorded call into the
// request the API server's authorizer sees.
//
//   absl::StatusOr<v1::CallRecord> calls =
//       ReadCallRecord(RunfilePath("policies/skypilot/calls.textproto"));
//   for (const v1::ApiCall& call : calls->calls()) {
//     const Request request = CallRequest(call, "default");
//   }
#ifndef RBACC_TESTS_TESTING_CALLS_FILE_H_
#define RBACC_TESTS_TESTING_CALLS_FILE_H_

#include <string>

#include "absl/status/statusor.h"
#include "compiler/common/authorizer.h"
#include "proto/rbacc/v1/calls.pb.h"

namespace rbacc::testing {

// Parses the file at `path` as a CallRecord. Returns NotFoundError when it
// cannot be read, InvalidArgumentError naming the file when it does not parse.
absl::StatusOr<v1::CallRecord> ReadCallRecord(const std::string& path);

// The request `call` makes when the application's target namespace is
// `target_namespace`: its verb, group, resource and subresource; the object's
// name for requests that carry one (not create or deletecollection, which
// Kubernetes authorizes without a name, nor list and watch, which get one only
// from a metadata.name field selector: the bootstrap's lists, which tests
// evaluate elsewhere); the namespace from its scope ("" at cluster scope and
// across all namespaces, which only ClusterRoles grant).
Request CallRequest(const v1::ApiCall& call,
                    const std::string& target_namespace);

}  // namespace rbacc::testing

#endif  // RBACC_TESTS_TESTING_CALLS_FILE_H_
