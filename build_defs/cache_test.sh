#!/bin/bash
# Shows that rbacc_outputs (rbacc.bzl) makes one hermetic, cacheable action per profile. In a
# scratch workspace holding the SkyPilot bundle and N tenant profiles (FLEET_PROFILES, default
# 20; 1,000 for the benchmark step of docs/bazel.md), a nested Bazel with a disk cache:
#   1. builds every profile: N rbacc actions run, and `bazel test` finds the committed copies
#      (written by the compiler run directly) current;
#   2. builds again with nothing changed: no action runs;
#   3. after one profile file is edited: exactly that profile's action runs;
#   4. after one feature file is edited: every profile's action runs, and every profile's
#      rbac.yaml changed (its header names the bundle's digest, which covers every feature);
#   5. in a second output base without the cache: every action runs again and writes the same
#      bytes as the first (no absolute path, time or environment in the outputs);
#   6. in a third output base with the cache: no action runs (all are cache hits).
# Spawns are read from --execution_log_json_file. Tagged manual (see build_defs/BUILD.bazel);
# .ci/run runs it.
set -euo pipefail

profiles="${FLEET_PROFILES:-20}"
compiler="$(readlink -f "$1")"
# The rbacc repository itself (this script is a link into it outside the sandbox).
rbacc_root="$(cd "$(dirname "$(readlink -f "$2")")/.." && pwd)"
scratch="$(mktemp -d "${TEST_TMPDIR:-/tmp}/rbacc-cache-test-XXXXXX")"
workspace="$scratch/workspace"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# The Bazel installed from Debian, with no rc file of the user or the machine.
nested_bazel() {
  local output_base="$1"
  shift
  local command="$1"
  shift
  (cd "$workspace" && bazel --ignore_all_rc_files --install_base=/usr/share/bazel \
    --trust_install_base --output_user_root="$scratch/user_root" \
    --output_base="$scratch/$output_base" --max_idle_secs=120 "$command" \
    --nosandbox_debug --host_javabase=@local_jdk//:jdk --noshow_progress "$@")
}

cleanup() {
  for output_base in base1 base2 base3; do
    if [[ -d "$scratch/$output_base" ]]; then
      nested_bazel "$output_base" shutdown >/dev/null 2>&1 || true
    fi
  done
  chmod -R u+w "$scratch" 2>/dev/null || true
  rm -rf "$scratch"
}
trap cleanup EXIT

# Prints the targets whose rbacc action ran (not a cache hit) in execution log $1, sorted.
ran_actions() {
  awk '/"progressMessage": "Executing genrule \/\/outputs:/ {
         target = $0
         sub(/.*Executing genrule /, "", target)
         sub(/".*/, "", target)
       }
       /"remoteCacheHit": false/ { if (target != "") print target }
       /^}/ { target = "" }' "$1" | sort
}

# Builds every profile in output base $1 with the extra flags that follow, the execution log in
# $scratch/log.json.
build() {
  local output_base="$1"
  shift
  nested_bazel "$output_base" build --execution_log_json_file="$scratch/log.json" "$@" \
    //outputs:all >"$scratch/build.log" 2>&1 || {
    cat "$scratch/build.log" >&2
    fail "bazel build //outputs:all failed"
  }
}

# Copies the generated output folders (not the golden tests' runfiles) to $1.
copy_outputs() {
  mkdir -p "$1"
  for ((i = 1; i <= profiles; i++)); do
    cp -r "$workspace/bazel-bin/outputs/$(printf 'tenant_%04d' "$i")" "$1/"
  done
}

expect_ran() {
  local step="$1" expected="$2"
  local actual
  actual="$(ran_actions "$scratch/log.json")"
  if [[ "$actual" != "$expected" ]]; then
    echo "expected to run:" >&2
    echo "$expected" | head -5 >&2
    echo "ran:" >&2
    echo "$actual" | head -5 >&2
    fail "$step: expected $(echo -n "$expected" | grep -c '^') rbacc actions, $(echo -n "$actual" | grep -c '^') ran"
  fi
  echo "$step: $(echo -n "$actual" | grep -c '^') rbacc actions ran, as expected"
}

# The workspace: the offline repositories rbacc's own WORKSPACE uses, rbacc as @rbacc, the
# compiler already built (a file target, so the nested Bazel does not build it again), the
# SkyPilot bundle without its profiles, and the tenants.
mkdir -p "$workspace/tool" "$workspace/policies/fleet/profiles" "$workspace/outputs"
cat >"$workspace/WORKSPACE" <<WORKSPACE
workspace(name = "fleet")
local_repository(name = "rbacc", path = "$rbacc_root")
local_repository(name = "rules_java", path = "/usr/share/bazel/rules/java")
local_repository(name = "platforms", path = "/usr/share/bazel/tools/platforms")
local_repository(name = "bazel_skylib", path = "/usr/share/bazel/tools/skylib")
local_repository(name = "rules_cc", path = "$rbacc_root/third_party/rules_cc")
local_repository(name = "remote_coverage_tools", path = "$rbacc_root/third_party/remote_coverage_tools")
WORKSPACE
cp "$compiler" "$workspace/tool/rbacc"
echo 'exports_files(["rbacc"])' >"$workspace/tool/BUILD.bazel"
cp "$rbacc_root"/policies/skypilot/*.textproto "$workspace/policies/fleet/"
sed -i 's/^name: "skypilot"/name: "fleet"/' "$workspace/policies/fleet/bundle.textproto"
cat >"$workspace/policies/BUILD.bazel" <<'BUILD'
load("@rbacc//build_defs:rbacc.bzl", "rbacc_policies")

rbacc_policies()
BUILD
# Tenants alternate between all four features and the base feature alone.
for ((i = 1; i <= profiles; i++)); do
  tenant="$(printf 'tenant-%04d' "$i")"
  if ((i % 2)); then
    features='["base", "show-gpus", "object-store", "ingress"]'
  else
    features='"base"'
  fi
  printf 'name: "%s"\nsummary: "Tenant %d."\nfeatures: %s\nnamespace: "%s"\n' \
    "$tenant" "$i" "$features" "$tenant" >"$workspace/policies/fleet/profiles/$tenant.textproto"
done
cat >"$workspace/outputs/BUILD.bazel" <<'BUILD'
load("@rbacc//build_defs:rbacc.bzl", "rbacc_outputs")

[
    rbacc_outputs(
        name = config.split("/")[1].replace("-", "_"),
        bundle = "fleet",
        compiler = "//tool:rbacc",
        profile = config.split("/")[1],
    )
    for config in glob(["fleet/*/config.yaml"])
]
BUILD
# The committed copies, written by the compiler itself.
BUILD_WORKSPACE_DIRECTORY="$workspace" "$workspace/tool/rbacc" --bundle=fleet >/dev/null 2>&1 ||
  fail "rbacc could not compile the fleet"

all_targets="$(for ((i = 1; i <= profiles; i++)); do printf '//outputs:tenant_%04d\n' "$i"; done)"

build base1 --disk_cache="$scratch/cache"
expect_ran "first build" "$all_targets"
nested_bazel base1 test --disk_cache="$scratch/cache" //outputs:all >"$scratch/test.log" 2>&1 || {
  cat "$scratch/test.log" >&2
  fail "the golden tests of the generated outputs failed"
}
echo "first build: every golden test passes"

build base1 --disk_cache="$scratch/cache"
expect_ran "nothing changed" ""

echo 'service_account: "robot"' >>"$workspace/policies/fleet/profiles/tenant-0007.textproto"
build base1 --disk_cache="$scratch/cache"
expect_ran "one profile edited" "//outputs:tenant_0007"
grep -q "name: robot" "$workspace/bazel-bin/outputs/tenant_0007/rbac.yaml" ||
  fail "tenant-0007's rbac.yaml does not name the edited service account"

copy_outputs "$scratch/before_feature_edit"
sed -i '0,/reason: "/s/reason: "/reason: "Edited. /' "$workspace/policies/fleet/show-gpus.textproto"
build base1 --disk_cache="$scratch/cache"
expect_ran "one feature edited" "$all_targets"
for ((i = 1; i <= profiles; i++)); do
  name="$(printf 'tenant_%04d' "$i")"
  if cmp -s "$scratch/before_feature_edit/$name/rbac.yaml" \
    "$workspace/bazel-bin/outputs/$name/rbac.yaml"; then
    fail "$name/rbac.yaml did not change after a feature edit, yet its action ran"
  fi
  if ((i % 2)) && ! grep -q "Edited\." "$workspace/bazel-bin/outputs/$name/rbac.yaml"; then
    fail "$name selects show-gpus but its rbac.yaml lacks the edited reason"
  fi
done
echo "one feature edited: every rbac.yaml changed; those selecting show-gpus show the new reason"

copy_outputs "$scratch/outputs_base1"
build base2
expect_ran "second output base, no cache" "$all_targets"
copy_outputs "$scratch/outputs_base2"
diff -r "$scratch/outputs_base1" "$scratch/outputs_base2" >"$scratch/diff.log" ||
  fail "outputs differ between output bases: $(head -20 "$scratch/diff.log")"
grep -rl -e "$scratch" -e "$rbacc_root" "$scratch/outputs_base2" >"$scratch/paths.log" &&
  fail "absolute paths in outputs: $(head -5 "$scratch/paths.log")"
echo "second output base: the same bytes, no absolute path"

build base3 --disk_cache="$scratch/cache"
expect_ran "third output base, with the cache" ""
echo "PASS: $profiles profiles"
