#!/usr/bin/env bash
# Installs the Debian 12 packages rbacc builds and tests with, when any is missing: Bazel 4
# (bazel-bootstrap) and the system C++ libraries (see third_party/README.md). Idempotent and
# quiet; uses sudo when not run as root. With arguments, installs those packages instead
# (.ci/run: `tools/setup.sh clang-14 libclang-rt-14-dev` for sanitizers and fuzzing).
set -euo pipefail

packages=(
  bazel-bootstrap bazel-rules-java bazel-skylib bazel-platforms
  g++ pkg-config protobuf-compiler libprotobuf-dev libabsl-dev libyaml-cpp-dev
  libgtest-dev libgmock-dev
)
if (($# > 0)); then
  packages=("$@")
fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

sudo=""
if [[ "$(id -u)" -ne 0 ]]; then
  sudo="sudo"
fi
echo "Installing: ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
