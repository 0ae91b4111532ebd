#!/usr/bin/env bash
# Refreshes compiler/catalog/bootstrap_cluster_roles.yaml, Kubernetes' built-in ClusterRoles,
# from the bootstrap policy's rendered test data on the release branch of a Kubernetes version:
#   compiler/catalog/refresh_cluster_roles.sh 1.34
# Then review the diff, run bazel test //..., and commit.
set -euo pipefail
cd "$(dirname "$0")/../.."
version="${1:?usage: compiler/catalog/refresh_cluster_roles.sh KUBERNETES_VERSION (e.g. 1.34)}"
repository="https://github.com/kubernetes/kubernetes"
path="plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata/cluster-roles.yaml"
commit="$(git ls-remote "$repository" "refs/heads/release-$version" | cut -f1)"
if [[ -z "$commit" ]]; then
  echo "no branch release-$version in $repository" >&2
  exit 1
fi
target=compiler/catalog/bootstrap_cluster_roles.yaml
{
  echo "# Kubernetes $version's built-in ClusterRoles: the RBAC bootstrap policy"
  echo "# (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go in kubernetes/kubernetes), as its"
  echo "# test renders it in $path,"
  echo "# copied verbatim from kubernetes/kubernetes at commit"
  echo "# $commit (Apache License 2.0, The Kubernetes Authors)."
  echo "# Review commands use a role from here when a binding names a ClusterRole its input lacks."
  echo "# Refresh: compiler/catalog/refresh_cluster_roles.sh 1.34 (see README.md); do not edit by hand."
  curl -fsSL "https://raw.githubusercontent.com/kubernetes/kubernetes/$commit/$path"
} > "$target.new"
mv "$target.new" "$target"
sed -i "s/kBootstrapPolicyVersion\[\] = \"[0-9.]*\"/kBootstrapPolicyVersion[] = \"$version\"/" \
  compiler/catalog/bootstrap_cluster_roles_text.h
git diff --stat "$target" compiler/catalog/bootstrap_cluster_roles_text.h
