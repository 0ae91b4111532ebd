#!/usr/bin/env bash
# Refreshes compiler/catalog/kubernetes.textproto from the cluster kubectl points at (a
# cluster of the new version with default feature gates, e.g. a fresh kind cluster):
#   compiler/catalog/refresh.sh 1.34
# Then review the diff, run bazel test //..., and commit.
set -euo pipefail
cd "$(dirname "$0")/../.."
version="${1:?usage: compiler/catalog/refresh.sh KUBERNETES_VERSION (e.g. 1.34)}"
discovery="$(mktemp -d)"
trap 'rm -rf "$discovery"' EXIT

kubectl get --raw /api/v1 > "$discovery/core_v1.json"
for group_version in $(kubectl api-versions | grep /); do
  kubectl get --raw "/apis/$group_version" > "$discovery/${group_version//\//_}.json"
done
bazel run //compiler/catalog:catalog_from_discovery -- \
  --kubernetes_version="$version" \
  --virtual_resources="$PWD/compiler/catalog/virtual_resources.textproto" \
  "$discovery"/*.json > compiler/catalog/kubernetes.textproto.new
mv compiler/catalog/kubernetes.textproto.new compiler/catalog/kubernetes.textproto
git diff --stat compiler/catalog/kubernetes.textproto
