#!/usr/bin/env bash
# Runs tools/ci-review.sh as CI does, on a two-commit git repository made here: the first commit
# holds the committed policies, the second gives profile minimal the host-network feature. The
# report must name that change (the permissions and the config key) and the base by its ref, the
# script must leave no worktree behind, and a review of a commit against itself reports nothing.
#
#   tools/ci_review_test.sh RBACC_BINARY CI_REVIEW_SCRIPT
set -euo pipefail

rbacc="$(realpath "$1")"
script="$(realpath "$2")"
repo="${TEST_TMPDIR:-$(mktemp -d)}/repo"
rm -rf "$repo"
mkdir -p "$repo"
cp -rL policies "$repo/policies"
rm -f "$repo/policies/BUILD.bazel"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

cd "$repo"
git init --quiet
git_commit() {
  git add -A
  git -c user.name=rbacc-test -c user.email=test@rbacc.invalid commit --quiet -m "$1"
}
git_commit "committed policies"
sed -i 's/^features: "base"$/features: ["base", "host-network"]/' \
  policies/skypilot/profiles/minimal.textproto
grep -q 'host-network' policies/skypilot/profiles/minimal.textproto || fail "fixture edit"
git_commit "minimal gets host-network"

RBACC="$rbacc" "$script" HEAD~1 review.md >stdout.md || fail "ci-review.sh exited $?"
cmp -s review.md stdout.md || fail "the report file and standard output differ"
grep -q '^# rbacc review$' review.md || fail "no title: $(cat review.md)"
grep -q ': 1 changed, 0 added, 0 removed\.$' review.md || fail "summary: $(cat review.md)"
grep -q "with the base \`HEAD~1\` ($(git rev-parse --short=12 HEAD~1))" review.md ||
  fail "base not named by its ref: $(head -3 review.md)"
grep -q '^## `skypilot:minimal`$' review.md || fail "no section for minimal"
grep -q '| added | namespace default | core | `configmaps` | `create` |' review.md ||
  fail "the added permission is missing"
grep -q '| `kubernetes.pod_config.spec.hostNetwork` | (unset) | `true` |' review.md ||
  fail "the config key is missing"
[[ "$(git worktree list | wc -l)" -eq 1 ]] || fail "a worktree was left: $(git worktree list)"
[[ -z "$(git status --porcelain --untracked-files=no)" ]] || fail "the working tree changed"

RBACC="$rbacc" "$script" HEAD same.md >/dev/null || fail "ci-review.sh HEAD exited $?"
grep -q ': 0 changed, 0 added, 0 removed\.$' same.md || fail "self review: $(cat same.md)"

if RBACC="$rbacc" "$script" no-such-ref x.md 2>err.txt; then fail "a bad ref was accepted"; fi
grep -q 'no-such-ref is not a commit' err.txt || fail "bad ref message: $(cat err.txt)"
echo PASS
