#!/usr/bin/env bash
# Writes the fuzz targets' seed corpora under fuzz/corpus/ from the repository's
# real policies and outputs. Re-run after changing policies/ or outputs/ and
# commit the result; never edit the corpora by hand.
set -euo pipefail
cd "$(dirname "$0")/.."

rm -rf fuzz/corpus
mkdir -p fuzz/corpus/loader fuzz/corpus/selection fuzz/corpus/yaml_reader \
  fuzz/corpus/import fuzz/corpus/forbidden_message fuzz/corpus/fmt

# fmt_fuzzer: a policy file of each type, and the formatter's mangled test file.
for name in bundle base profiles/multi-cluster; do
  cp "policies/skypilot/${name}.textproto" "fuzz/corpus/fmt/${name//\//-}"
done
cp compiler/load/testdata/fmt/mangled.textproto fuzz/corpus/fmt/mangled

# loader_fuzzer: a digit picking the file to replace (loader_fuzzer.cc's
# kFiles), then the file's text.
files=(bundle base show-gpus object-store ingress profiles/full)
for index in "${!files[@]}"; do
  name="${files[$index]}"
  { printf '%s' "$index"; cat "policies/skypilot/${name}.textproto"; } \
    >"fuzz/corpus/loader/${name//\//-}"
done

# selection_fuzzer: lines profile, features, namespace, service_account,
# remote_identity, subjects, contexts, chart_release.
printf 'full\n' >fuzz/corpus/selection/profile
printf 'minimal\n' >fuzz/corpus/selection/minimal
printf '\nbase,show-gpus\nteam-a\nrobot\nrobot\nUser:alice,Group:ml-team,ServiceAccount:ci/deployer\n' \
  >fuzz/corpus/selection/every-flag
printf '\nobject-store,ingress\n' >fuzz/corpus/selection/features
printf 'full\n\nkube-system\nsky-sa\nsky-sa\n' >fuzz/corpus/selection/profile-overrides
printf '\nbase\n\n\n\nUser:alice\nkind-a=robot,kind-b=SERVICE_ACCOUNT,kind-c=LOCAL_CREDENTIALS\nsky-prod\n' \
  >fuzz/corpus/selection/contexts
printf 'multi-cluster\n\n\n\n\n\ngke-prod\n' >fuzz/corpus/selection/profile-context

# yaml_reader_fuzzer: every rbac.yaml rbacc wrote and the documentation's
# examples.
for file in outputs/*/*/rbac.yaml; do
  profile="$(basename "$(dirname "$file")")"
  bundle="$(basename "$(dirname "$(dirname "$file")")")"
  cp "$file" "fuzz/corpus/yaml_reader/${bundle}-${profile}-rbac.yaml"
done
for file in outputs/*/*/*/rbac.yaml; do
  context="$(basename "$(dirname "$file")")"
  profile="$(basename "$(dirname "$(dirname "$file")")")"
  bundle="$(basename "$(dirname "$(dirname "$(dirname "$file")")")")"
  cp "$file" "fuzz/corpus/yaml_reader/${bundle}-${profile}-${context}-rbac.yaml"
done
cp tests/testdata/*.yaml fuzz/corpus/yaml_reader/
# ... YAML with anchors and aliases, nesting and repeated keys (the
# hostile-input corpus, the alias bombs among them) ...
cp tests/testdata/hostile/*.yaml fuzz/corpus/yaml_reader/
# ... and the Forbidden messages (JSON Status bodies, log lines) of
# why-forbidden's corpus.
for file in tests/testdata/forbidden/*/message; do
  cp "$file" "fuzz/corpus/yaml_reader/forbidden-$(basename "$(dirname "$file")")"
done

# import_fuzzer: the YAML readers' corpus (with its anchors and aliases).
cp fuzz/corpus/yaml_reader/*.yaml fuzz/corpus/import/

# forbidden_message_fuzzer: why-forbidden's messages and the 10,000-deep
# Status body, and the 6,000-deep one behind a stray quote.
cp fuzz/corpus/yaml_reader/forbidden-* fuzz/corpus/forbidden_message/
cp tests/testdata/hostile/deep_status.json \
  tests/testdata/hostile/stray_quote_deep_status.json fuzz/corpus/forbidden_message/
