// How outputs cite an application's recorded call (calls.proto).
#ifndef RBACC_COMPILER_COMMON_CALL_CITATION_H_
#define RBACC_COMPILER_COMMON_CALL_CITATION_H_

#include <string>

#include "proto/rbacc/v1/calls.pb.h"

namespace rbacc {

// Returns "network_utils.py:165 create_namespaced_ingress": the call's site
// with only the file's name, and its client method. Never fails.
std::string CallCitation(const v1::ApiCall& call);

}  // namespace rbacc

#endif  // RBACC_COMPILER_COMMON_CALL_CITATION_H_
