#!/bin/bash
# The test behind rbacc_outputs (rbacc.bzl): compares generated output files with their
# committed copies; on any difference prints a unified diff per stale file and the command
# that regenerates them, and fails.
#
# Usage: compare_outputs.sh "REGENERATE COMMAND" GENERATED COMMITTED [GENERATED COMMITTED ...]
set -u
regenerate="$1"
shift
stale=0
while [ "$#" -ge 2 ]; do
  generated="$1"
  committed="$2"
  shift 2
  if [ ! -f "$committed" ]; then
    echo "$committed is missing"
    stale=1
  elif ! cmp -s "$generated" "$committed"; then
    diff -u --label "$committed (committed)" --label "$committed (generated)" \
      "$committed" "$generated"
    stale=1
  fi
done
if [ "$stale" -ne 0 ]; then
  echo "committed outputs are stale; run: $regenerate"
  exit 1
fi
echo "committed outputs are current"
