#include "fuzz/compile_in_memory.h"

#include <string>

#include "absl/status/statusor.h"
#include "compiler/compiler.h"
#include "compiler/emit/emitters.h"

namespace rbacc::fuzz {

size_t CompileAndEmit(const CompileRequest& request) {
  const absl::StatusOr<CompilationSet> set = PlanCompilations(request);
  if (!set.ok()) return 0;
  const std::string rendered = set->issues.Render(set->file_texts);
  if (set->issues.has_errors()) return 0;
  size_t bytes = 0;
  for (const Compilation& compilation : set->compilations) {
    for (const OutputFile& file : compilation.Files()) {
      bytes += OutputText(file).size();
    }
  }
  return bytes + rendered.size();
}

}  // namespace rbacc::fuzz
