// The rbacc version written into every output's provenance header.
#ifndef RBACC_COMPILER_COMMON_VERSION_H_
#define RBACC_COMPILER_COMMON_VERSION_H_

namespace rbacc {

// rbacc's version (semantic versioning).
inline constexpr char kRbaccVersion[] = "0.1.0";

}  // namespace rbacc

#endif  // RBACC_COMPILER_COMMON_VERSION_H_
