#!/usr/bin/env bash
# Runs one fuzz target for a while on its committed seed corpus, with a fresh
# folder for the inputs it discovers:
#   fuzz/run.sh loader_fuzzer 60
# Fails on any crash, leak, sanitizer report, input slower than 10 s or use of
# more than 2 GiB; the offending input is written to the current folder as
# crash-*, leak-*, timeout-* or oom-*.
set -euo pipefail
target="$1"
seconds="${2:-60}"
cd "$(dirname "$0")/.."
workspace="$PWD"
corpus="${target%_fuzzer}"
discovered="$(mktemp -d)"
trap 'rm -rf "$discovered"' EXIT

bazel run --config=fuzz "//fuzz:${target}" -- \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$workspace/" "$discovered" "$workspace/fuzz/corpus/$corpus"
