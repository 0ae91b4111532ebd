// libFuzzer target for flag and selection parsing: the input's lines are the
// values of --profile, --features, --namespace, --service_account,
// --remote_identity, --subjects, --contexts and --chart_release (a missing
// line is a flag not given; lists are split at commas as main.cc does),
// compiled against the SkyPilot bundle with --out_dir=- so nothing is written
// (a selection with contexts stops at that flag, after its contexts are
// checked). Any crash, leak, sanitizer report or
// hang is a bug; issues in the flags are the expected outcome.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "compiler/compiler.h"
#include "compiler/resolve/selection.h"
#include "fuzz/compile_in_memory.h"
#include "fuzz/fuzz_workspace.h"

namespace {

// A list flag's value split as main.cc splits it.
std::vector<std::string> SplitList(const std::string& value) {
  return absl::StrSplit(value, ',', absl::SkipWhitespace());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string* const kRoot =
      new std::string(rbacc::fuzz::RunfilesRoot());
  const std::vector<std::string> lines = absl::StrSplit(
      std::string(reinterpret_cast<const char*>(data), size), '\n');

  rbacc::CompileRequest options;
  options.workspace_root = *kRoot;
  options.bundle = rbacc::kDefaultBundle;
  options.out_dir = "-";
  rbacc::SelectionOverrides& overrides = options.overrides;
  if (lines.size() > 0) options.profile = lines[0];
  if (lines.size() > 1)
    overrides.features = {SplitList(lines[1]), {"--features"}};
  if (lines.size() > 2) {
    overrides.namespaces = rbacc::Located<std::vector<std::string>>{
        absl::StrSplit(lines[2], ','), {"--namespace"}, {}};
  }
  if (lines.size() > 3)
    overrides.service_account = {lines[3], {"--service_account"}};
  if (lines.size() > 4)
    overrides.remote_identity = {lines[4], {"--remote_identity"}};
  if (lines.size() > 5)
    overrides.subjects = {SplitList(lines[5]), {"--subjects"}};
  if (lines.size() > 6)
    overrides.contexts = {SplitList(lines[6]), {"--contexts"}};
  if (lines.size() > 7)
    overrides.chart_release = {lines[7], {"--chart_release"}};

  rbacc::fuzz::CompileAndEmit(options);

  // Every line also as a subject on its own.
  for (const std::string& line : lines) {
    rbacc::IssueList issues;
    rbacc::Subject subject;
    rbacc::ParseSubject(line, {"--subjects"}, &subject, &issues);
  }
  return 0;
}
