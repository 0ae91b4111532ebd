// Writes a synthetic policy bundle and its equivalent kustomize layout, for
// benchmarking by hand:
//
//   bazel run -c opt //tests/bench:generate -- --features=1000
//       --rules_per_feature=100 --out_dir=/tmp/bench
//   bazel-bin/compiler/compiler --bundle=/tmp/bench/synthetic --profile=all
//       --out_dir=/tmp/bench/out
//   kubectl kustomize /tmp/bench/kustomize > /tmp/bench/kustomize.yaml
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/status/status.h"
#include "tests/bench/synthetic_bundle.h"

ABSL_FLAG(int, features, 10, "Number of features (at least 1).");
ABSL_FLAG(int, rules_per_feature, 100, "Rules per feature (at least 1).");
ABSL_FLAG(uint64_t, seed, 1, "Seed of the deterministic generator.");
ABSL_FLAG(std::string, out_dir, "",
          "Folder to write synthetic/ (the bundle) and kustomize/ into.");

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string out_dir = absl::GetFlag(FLAGS_out_dir);
  rbacc::bench::SyntheticOptions options;
  options.features = absl::GetFlag(FLAGS_features);
  options.rules_per_feature = absl::GetFlag(FLAGS_rules_per_feature);
  options.seed = absl::GetFlag(FLAGS_seed);
  if (out_dir.empty() || options.features < 1 ||
      options.rules_per_feature < 1) {
    std::cerr << "generate: give --out_dir, and --features and "
                 "--rules_per_feature of at least 1\n";
    return 2;
  }
  const rbacc::bench::SyntheticBundle bundle =
      rbacc::bench::GenerateSyntheticBundle(options);
  absl::Status status = rbacc::bench::WriteBundleFolder(
      bundle, out_dir + "/" + std::string(rbacc::bench::kSyntheticBundleName));
  if (status.ok()) {
    status = rbacc::bench::WriteKustomizeLayout(bundle, out_dir + "/kustomize");
  }
  if (!status.ok()) {
    std::cerr << "generate: " << status.message() << "\n";
    return 1;
  }
  std::cerr << "wrote " << out_dir << "/synthetic and " << out_dir
            << "/kustomize: " << options.features << " features x "
            << options.rules_per_feature << " rules\n";
  return 0;
}
