#!/bin/bash
# Runs the hooks of .pre-commit-hooks.yaml with Debian's pre-commit (`pre-commit try-repo`) in a
# git repository holding a copy of policies/ and outputs/: both pass on the committed files,
# rbacc-fmt fails on a policy file out of canonical format and rbacc-check on a stale output.
# `bazel run //compiler --` in the hooks' entries is played by a stand-in `bazel` on PATH that
# runs the rbacc binary under test (no Bazel inside a Bazel test). Skipped, with a message, when
# pre-commit is not installed.
set -euo pipefail

if ! command -v pre-commit > /dev/null; then
  echo "SKIPPED: pre-commit is not installed (apt-get install pre-commit)"
  exit 0
fi

RBACC="$(pwd)/$1"
HOOKS="$(pwd)/$2"
export HOME="${TEST_TMPDIR}/home"
export PRE_COMMIT_HOME="${TEST_TMPDIR}/pre-commit-cache"
mkdir -p "${HOME}"

# The stand-in for `bazel run //compiler -- ARGS`.
mkdir -p "${TEST_TMPDIR}/bin"
cat > "${TEST_TMPDIR}/bin/bazel" <<SHIM
#!/bin/bash
if [[ "\$1" != run || "\$2" != //compiler || "\$3" != -- ]]; then
  echo "unexpected command: bazel \$*" >&2
  exit 3
fi
shift 3
BUILD_WORKSPACE_DIRECTORY="\$PWD" exec "${RBACC}" "\$@"
SHIM
chmod +x "${TEST_TMPDIR}/bin/bazel"
export PATH="${TEST_TMPDIR}/bin:${PATH}"

REPO="${TEST_TMPDIR}/repo"
mkdir -p "${REPO}"
cp -rL policies outputs "${REPO}/"
rm -f "${REPO}/policies/BUILD.bazel" "${REPO}/outputs/BUILD.bazel"
cp "${HOOKS}" "${REPO}/.pre-commit-hooks.yaml"
chmod -R u+w "${REPO}"
cd "${REPO}"
git init -q
git add -A
git -c user.name=test -c user.email=test@example.com commit -q -m "workspace"

# Runs hook $1 on every file; fails the test unless it exits $2 and prints $3 (when given).
expect_hook() {
  local hook="$1" want="$2" text="${3:-}" got=0
  pre-commit try-repo . "${hook}" --all-files > "${TEST_TMPDIR}/out.txt" 2>&1 || got=$?
  if [[ "${want}" == 0 && "${got}" != 0 ]] || [[ "${want}" != 0 && "${got}" == 0 ]]; then
    cat "${TEST_TMPDIR}/out.txt"
    echo "FAIL: hook ${hook} exited ${got}, want $([[ ${want} == 0 ]] && echo 0 || echo non-zero)"
    exit 1
  fi
  if [[ -n "${text}" ]] && ! grep -qF -- "${text}" "${TEST_TMPDIR}/out.txt"; then
    cat "${TEST_TMPDIR}/out.txt"
    echo "FAIL: hook ${hook} did not print: ${text}"
    exit 1
  fi
}

expect_hook rbacc-check 0 "outputs are current"
expect_hook rbacc-fmt 0

sed -i 's/^name: "base"$/name:    "base"/' policies/skypilot/base.textproto
expect_hook rbacc-fmt 1 '+name: "base"'
expect_hook rbacc-fmt 1 "1 file is not in canonical format"
git checkout -q policies/skypilot/base.textproto

echo "stale" >> outputs/skypilot/minimal/config.yaml
expect_hook rbacc-check 1 "output file is stale"
echo "PASS"
