// libFuzzer target for `rbacc fmt`: any text formatted as each policy file
// type (bundle, feature, profile, calls file). Errors are an expected outcome;
// a crash, a sanitizer report, or formatted text that formats differently a
// second time (fmt must be idempotent) is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "compiler/common/issue.h"
#include "compiler/load/text_format_fmt.h"
#include "proto/rbacc/v1/calls.pb.h"
#include "proto/rbacc/v1/policy.pb.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (const google::protobuf::Descriptor* type :
       {rbacc::v1::Bundle::descriptor(), rbacc::v1::Feature::descriptor(),
        rbacc::v1::Profile::descriptor(),
        rbacc::v1::CallRecord::descriptor()}) {
    rbacc::IssueList issues;
    const std::string once =
        rbacc::FormatTextFormat(text, "fuzz.textproto", type, &issues);
    if (issues.has_errors()) continue;
    rbacc::IssueList again_issues;
    const std::string twice =
        rbacc::FormatTextFormat(once, "fuzz.textproto", type, &again_issues);
    if (again_issues.has_errors() || twice != once) std::abort();
  }
  return 0;
}
