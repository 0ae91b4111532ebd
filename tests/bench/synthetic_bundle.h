// A synthetic policy bundle for benchmarks: F features of R rules each, drawn
// from a built-in list of real Kubernetes (group, resource, verbs), with
// overlaps, resource names and wildcards so that merging has real work; and the
// same permissions as a kustomize layout (a base plus one Component per
// feature) that `kubectl kustomize` renders into an equivalent rbac.yaml.
//
//   SyntheticOptions options;
//   options.features = 1000;
//   SyntheticBundle bundle = GenerateSyntheticBundle(options);
//   absl::Status status = WriteBundleFolder(bundle, "/tmp/b/synthetic");
//   status.Update(WriteKustomizeLayout(bundle, "/tmp/b/kustomize"));
#ifndef RBACC_TESTS_BENCH_SYNTHETIC_BUNDLE_H_
#define RBACC_TESTS_BENCH_SYNTHETIC_BUNDLE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "proto/rbacc/v1/policy.pb.h"

namespace rbacc::bench {

// The bundle's name; its folder must carry the same name.
inline constexpr char kSyntheticBundleName[] = "synthetic";
// The profile selecting every feature.
inline constexpr char kSyntheticProfileName[] = "all";

// How big a bundle to generate.
struct SyntheticOptions {
  // Number of features, at least 1. The first is "base"; every other requires
  // it.
  int features = 10;
  // Rules declared by each feature (namespaced and cluster-wide together), at
  // least 1.
  int rules_per_feature = 100;
  // Seed of the deterministic generator: same options, same bytes.
  uint64_t seed = 1;
};

// A generated bundle, in memory.
struct SyntheticBundle {
  v1::Bundle bundle;
  // In the order bundle.features lists them.
  std::vector<v1::Feature> features;
  // kSyntheticProfileName: every feature.
  v1::Profile profile;
};

// Returns the bundle `options` describe. Deterministic: depends only on
// `options`.
SyntheticBundle GenerateSyntheticBundle(const SyntheticOptions& options);

// Writes `bundle` as a policy bundle folder into `directory` (created when
// missing; its last component should be kSyntheticBundleName):
// bundle.textproto, one <feature>.textproto per feature and
// profiles/all.textproto. Returns an error naming the file that cannot be
// written.
absl::Status WriteBundleFolder(const SyntheticBundle& bundle,
                               const std::string& directory);

// Writes the kustomize layout of the same permissions into `directory`:
// kustomization.yaml (the base plus every component), base/ (the
// ServiceAccount, roles without rules and bindings rbacc would write) and
// components/<feature>/kustomization.yaml (a Component whose JSON 6902 patches
// append the feature's rules to the roles). Returns an error naming the file
// that cannot be written.
absl::Status WriteKustomizeLayout(const SyntheticBundle& bundle,
                                  const std::string& directory);

}  // namespace rbacc::bench

#endif  // RBACC_TESTS_BENCH_SYNTHETIC_BUNDLE_H_
