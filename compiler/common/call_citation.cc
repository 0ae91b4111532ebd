#include "compiler/common/call_citation.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace rbacc {

std::string CallCitation(const v1::ApiCall& call) {
  const size_t slash = call.site().rfind('/');
  return absl::StrCat(
      slash == std::string::npos ? call.site() : call.site().substr(slash + 1),
      " ", call.client_method());
}

}  // namespace rbacc
