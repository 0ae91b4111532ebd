// The fuzz targets' way through the compiler: a run planned, compiled and
// emitted in memory through compiler/compiler.h, as `rbacc compile` does but
// without writing.
#ifndef RBACC_FUZZ_COMPILE_IN_MEMORY_H_
#define RBACC_FUZZ_COMPILE_IN_MEMORY_H_

#include "compiler/compiler.h"

namespace rbacc::fuzz {

// Plans `request` (PlanCompilations), renders its issues, and when there are
// no errors makes the text of every output file of every compilation. Returns
// the number of output bytes made (0 after an error status or input
// mistakes), so that nothing is optimized away.
size_t CompileAndEmit(const CompileRequest& request);

}  // namespace rbacc::fuzz

#endif  // RBACC_FUZZ_COMPILE_IN_MEMORY_H_
