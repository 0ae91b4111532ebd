// The limits rbacc holds every input and output to, in one place, so that a
// hostile or broken input is refused with a clear error before it costs more
// than a second or two and a bounded amount of memory. Each limit is named in
// the error that reports it.
#ifndef RBACC_COMPILER_COMMON_LIMITS_H_
#define RBACC_COMPILER_COMMON_LIMITS_H_

#include <cstddef>

namespace rbacc {

// The largest policy file (bundle, feature or profile textproto), in bytes.
inline constexpr size_t kMaxPolicyFileBytes = size_t{4} << 20;

// The largest Kubernetes YAML a review command reads (rbac.yaml, a manifest to
// import or diff), in bytes.
inline constexpr size_t kMaxYamlInputBytes = size_t{16} << 20;

// The largest 403 message or JSON Status body why-forbidden reads, from its
// arguments or standard input, in bytes.
inline constexpr size_t kMaxMessageInputBytes = size_t{1} << 20;

// The largest --flagfile, in bytes.
inline constexpr size_t kMaxFlagFileBytes = size_t{1} << 20;

// The deepest a YAML input may nest maps and lists. Kubernetes RBAC objects
// nest 5 deep; yaml-cpp recurses once per level.
inline constexpr int kMaxYamlDepth = 64;

// The most nodes a YAML input may hold once every alias is expanded (an alias
// counts as a copy of the node it names): aliases let a small file stand for a
// very large one.
inline constexpr size_t kMaxYamlExpandedNodes = 1000000;

// The deepest a JSON object in a 403 message may nest. A Kubernetes Status
// body nests 3 deep.
inline constexpr int kMaxJsonDepth = 64;

// The most single permissions (one group, resource or URL, verb and resource
// name, per subject and binding) a review command that compares permissions
// one by one (diff) expands one side into: a rule listing 100 groups, 100
// resources and 100 verbs stands for a million of them.
inline constexpr size_t kMaxReviewPermissions = 100000;

// The most bytes one run may write to its output folders together.
inline constexpr size_t kMaxOutputBytes = size_t{1} << 30;

}  // namespace rbacc

#endif  // RBACC_COMPILER_COMMON_LIMITS_H_
