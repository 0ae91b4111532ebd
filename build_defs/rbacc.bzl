"""rbacc_outputs: rbacc's outputs as build artifacts, and a test that committed copies are current.

    load("@rbacc//build_defs:rbacc.bzl", "rbacc_outputs")

    rbacc_outputs(
        name = "skypilot_full",
        bundle = "skypilot",
        profile = "full",
        policies = "//policies:all_files",
    )

declares `:skypilot_full` (a genrule whose outputs are the five files of the folder, under
bazel-bin/<package>/skypilot_full/) and `:skypilot_full_test`, which fails with a unified diff
and the command to run while `<package>/skypilot/full/*` differ from them.
"""

# The files of one output folder (see README.md, "Using the outputs").
RBACC_OUTPUT_FILES = [
    "PERMISSIONS.md",
    "config.yaml",
    "kustomization.yaml",
    "rbac.yaml",
    "values.yaml",
]

def rbacc_outputs(
        name,
        bundle,
        profile,
        policies,
        committed_dir = None,
        files = RBACC_OUTPUT_FILES,
        regenerate = None,
        compiler = Label("//compiler"),
        **kwargs):
    """Generates one profile's output folder and tests the committed copy.

    Args:
      name: the genrule; the test is `<name>_test`.
      bundle: the bundle's folder name; `policies` must hold `<bundle>/bundle.textproto`.
      profile: the profile to compile (`<bundle>/profiles/<profile>.textproto`).
      policies: a label of every file of the policies folder (e.g. a filegroup glob).
      committed_dir: the folder of this package holding the committed copies;
          default `<bundle>/<profile>` (this package being `outputs/`).
      files: the output files to generate and compare; default every file. For a profile
          with contexts, name them inside their context folders ("config.yaml",
          "<folder>/rbac.yaml", ...).
      regenerate: the command the test's failure message tells to run; default
          `bazel run <compiler> -- --bundle=<bundle> --profile=<profile>`.
      compiler: the rbacc binary.
      **kwargs: passed to both targets (e.g. `tags`, `visibility`).
    """
    if committed_dir == None:
        committed_dir = "%s/%s" % (bundle, profile)
    if regenerate == None:
        compiler_label = str(compiler)
        if compiler_label.startswith("@//"):
            compiler_label = compiler_label[1:]
        if compiler_label.endswith(":compiler"):
            compiler_label = compiler_label[:-len(":compiler")]
        regenerate = "bazel run %s -- --bundle=%s --profile=%s" % (compiler_label, bundle, profile)
    outs = ["%s/%s" % (name, f) for f in files]

    # rbacc reads <workspace>/policies/<bundle> and writes <workspace>/outputs/<bundle>/<profile>:
    # a scratch workspace whose policies/<bundle> links to the bundle's input folder gives the
    # same provenance headers as `bazel run` in the source tree (no paths leak into them).
    native.genrule(
        name = name,
        srcs = [policies],
        outs = outs,
        tools = [compiler],
        cmd = """
set -e
bundle_file=""
for f in $(locations {policies}); do
  case "$$f" in
    {bundle}/bundle.textproto|*/{bundle}/bundle.textproto) bundle_file="$$f" ;;
  esac
done
if [ -z "$$bundle_file" ]; then
  echo "rbacc_outputs: {policies} has no {bundle}/bundle.textproto" >&2
  exit 1
fi
workspace="$$(mktemp -d)"
trap 'rm -rf "$$workspace"' EXIT
mkdir -p "$$workspace/policies"
ln -s "$$PWD/$$(dirname "$$bundle_file")" "$$workspace/policies/{bundle}"
BUILD_WORKSPACE_DIRECTORY="$$workspace" $(execpath {compiler}) --bundle={bundle} --profile={profile} 2>&1 >/dev/null | grep -v '^wrote ' >&2 || true
for f in {files}; do
  mkdir -p "$$(dirname "$(RULEDIR)/{name}/$$f")"
  cp "$$workspace/outputs/{bundle}/{profile}/$$f" "$(RULEDIR)/{name}/$$f"
done
""".format(
            policies = policies,
            bundle = bundle,
            profile = profile,
            compiler = compiler,
            files = " ".join(files),
            name = name,
        ),
        **kwargs
    )

    # Bazel splits args like a shell; the command is one argument.
    args = ["'%s'" % regenerate]
    data = []
    for f in files:
        generated = ":%s/%s" % (name, f)
        committed = "%s/%s" % (committed_dir, f)
        args += ["$(rootpath %s)" % generated, "$(rootpath %s)" % committed]
        data += [generated, committed]
    native.sh_test(
        name = name + "_test",
        srcs = [Label("//build_defs:compare_outputs.sh")],
        args = args,
        data = data,
        **kwargs
    )
