#!/usr/bin/env bash
# Writes `rbacc review`'s Markdown report of what the checked-out commit changes in every profile,
# compared with BASE_REF (a commit, branch or tag of this repository), for a CI job to post as a
# pull-request or merge-request comment (docs/ci-review.md).
#
#   tools/ci-review.sh BASE_REF [REPORT]
#
# Run from anywhere in the repository. The base is checked out with `git worktree add` in a
# temporary folder (removed on exit); the working tree is not touched. The report goes to REPORT
# (default rbacc-review.md) and to standard output. RBACC names the rbacc binary to run (default:
# `bazel run //compiler --`).
#
# Exit codes: 0 the report was written (whether or not anything changed; it says which); 2 bad
# arguments, or rbacc could not compile a side (its messages are on standard error).
set -euo pipefail

if (($# < 1 || $# > 2)); then
  echo "usage: tools/ci-review.sh BASE_REF [REPORT]" >&2
  exit 2
fi
base_ref="$1"
report="${2:-rbacc-review.md}"

root="$(git rev-parse --show-toplevel)"
case "$report" in
  /*) ;;
  *) report="$PWD/$report" ;;
esac
cd "$root"
if ! base_commit="$(git rev-parse --verify --quiet "${base_ref}^{commit}")"; then
  echo "tools/ci-review.sh: ${base_ref} is not a commit of this repository" >&2
  exit 2
fi

scratch="$(mktemp -d)"
cleanup() {
  git -C "$root" worktree remove --force "$scratch/base" >/dev/null 2>&1 || true
  rm -rf "$scratch"
}
trap cleanup EXIT
git worktree add --quiet --detach "$scratch/base" "$base_commit"

if [[ -n "${RBACC:-}" ]]; then
  rbacc=("$RBACC")
else
  rbacc=(bazel run //compiler --)
fi
status=0
"${rbacc[@]}" review --base="$scratch/base" >"$scratch/report.md" || status=$?
if ((status != 0)); then
  echo "tools/ci-review.sh: rbacc review failed (exit ${status})" >&2
  exit 2
fi
# The temporary folder's name means nothing to a reviewer: name the base by its ref and commit.
sed "s|\`$scratch/base\`|\`${base_ref}\` (${base_commit:0:12})|" "$scratch/report.md" >"$report"
cat "$report"
