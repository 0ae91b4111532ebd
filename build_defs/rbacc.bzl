"""rbacc_outputs: rbacc's outputs as build artifacts, and a test that committed copies are current.

In the policies package (the folder holding one folder per bundle):

    load("@rbacc//build_defs:rbacc.bzl", "rbacc_policies")

    rbacc_policies()

declares, for every bundle folder `<bundle>/` with a bundle.textproto, the filegroup `:<bundle>`
of the bundle's own files (bundle.textproto, the feature files, the calls file: everything in the
folder but `profiles/`), and exports each profile file `<bundle>/profiles/<profile>.textproto`.
Then, in any package:

    load("@rbacc//build_defs:rbacc.bzl", "rbacc_outputs")

    rbacc_outputs(
        name = "skypilot_full",
        bundle = "skypilot",
        profile = "full",
    )

declares `:skypilot_full` (one action whose outputs are the files of the folder, under
bazel-bin/<package>/skypilot_full/) and `:skypilot_full_test`, which fails with a unified diff
and the command to run while `<package>/skypilot/full/*` differ from them.

The action's inputs are exactly the compiler (the Kubernetes catalogue is compiled into it), the
bundle's own files and this profile's file, not the other profiles: editing one profile reruns
one action; editing a feature or bundle.textproto reruns every profile of the bundle (each output
names the bundle's digest, which covers every feature, so every output changes). The action
writes nothing that depends on where it runs (no absolute path, time or environment), so Bazel's
disk cache, remote cache and remote executor can share its results (docs/bazel.md).
"""

# The files of one output folder (see docs/gitops.md, "Using the outputs").
RBACC_OUTPUT_FILES = [
    "PERMISSIONS.md",
    "config.yaml",
    "kustomization.yaml",
    "rbac.yaml",
    "values.yaml",
]

def rbacc_policies(visibility = ["//visibility:public"]):
    """Declares the targets rbacc_outputs reads, in the package holding the bundle folders.

    Args:
      visibility: of the filegroups and the exported profile files.
    """
    for bundle_file in native.glob(["*/bundle.textproto"]):
        bundle = bundle_file.split("/")[0]
        native.filegroup(
            name = bundle,
            srcs = native.glob(
                ["%s/**" % bundle],
                exclude = ["%s/profiles/**" % bundle],
            ),
            visibility = visibility,
        )
    native.exports_files(
        native.glob(["*/profiles/*.textproto"]),
        visibility = visibility,
    )

def rbacc_outputs(
        name,
        bundle,
        profile,
        policies_package = "//policies",
        committed_dir = None,
        files = RBACC_OUTPUT_FILES,
        regenerate = None,
        compiler = Label("//compiler"),
        **kwargs):
    """Generates one profile's output folder in one action and tests the committed copy.

    Args:
      name: the genrule; the test is `<name>_test`.
      bundle: the bundle's folder name.
      profile: the profile to compile (`<bundle>/profiles/<profile>.textproto`).
      policies_package: the package where rbacc_policies() declares `:<bundle>` (the bundle's
          own files) and exports `<bundle>/profiles/<profile>.textproto`.
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
    bundle_files = "%s:%s" % (policies_package, bundle)
    profile_file = "%s:%s/profiles/%s.textproto" % (policies_package, bundle, profile)
    outs = ["%s/%s" % (name, f) for f in files]

    # rbacc reads <workspace>/policies/<bundle> and writes <workspace>/outputs/<bundle>/<profile>.
    # The action builds that workspace in a scratch folder from its declared inputs alone (a
    # link per file, so that no undeclared file is read even without a sandbox); rbacc shows
    # the files as policies/<bundle>/..., so the outputs are those of `bazel run` in the source
    # tree and no path of the machine leaks into them.
    native.genrule(
        name = name,
        srcs = [bundle_files, profile_file],
        outs = outs,
        tools = [compiler],
        cmd = """
set -eu
bundle_file=""
for f in $(execpaths {bundle_files}); do
  case "$$f" in
    bundle.textproto|*/bundle.textproto) bundle_file="$$f" ;;
  esac
done
if [ -z "$$bundle_file" ]; then
  echo "rbacc_outputs: {bundle_files} has no bundle.textproto" >&2
  exit 1
fi
source_dir="$$(dirname "$$bundle_file")"
workspace="$$(mktemp -d)"
trap 'rm -rf "$$workspace"' EXIT
bundle_dir="$$workspace/policies/{bundle}"
mkdir -p "$$bundle_dir/profiles"
for f in $(execpaths {bundle_files}); do
  relative="$${{f#"$$source_dir"/}}"
  mkdir -p "$$(dirname "$$bundle_dir/$$relative")"
  ln -s "$$PWD/$$f" "$$bundle_dir/$$relative"
done
ln -s "$$PWD/$(execpath {profile_file})" "$$bundle_dir/profiles/{profile}.textproto"
if ! BUILD_WORKSPACE_DIRECTORY="$$workspace" $(execpath {compiler}) --bundle={bundle} \\
    --profile={profile} >"$$workspace/log" 2>&1; then
  cat "$$workspace/log" >&2
  exit 1
fi
grep -v '^wrote ' "$$workspace/log" >&2 || true
for f in {files}; do
  mkdir -p "$$(dirname "$(RULEDIR)/{name}/$$f")"
  cp "$$workspace/outputs/{bundle}/{profile}/$$f" "$(RULEDIR)/{name}/$$f"
done
""".format(
            bundle_files = bundle_files,
            profile_file = profile_file,
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
