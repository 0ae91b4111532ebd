"""A repository rule that wraps C++ libraries installed on the system (Debian's -dev packages).

Each target links with the flags `pkg-config --libs` prints for its modules, so libraries split
into many shared objects (Abseil) link without a hand-kept list. Headers are in /usr/include,
which the compiler searches by default.
"""

def _system_library_impl(repository_ctx):
    pkg_config = repository_ctx.which("pkg-config")
    if not pkg_config:
        fail("pkg-config is not installed: run `apt-get install pkg-config`")
    build = ['package(default_visibility = ["//visibility:public"])', ""]
    for target, modules in sorted(repository_ctx.attr.libraries.items()):
        result = repository_ctx.execute([pkg_config, "--libs"] + modules)
        if result.return_code != 0:
            fail("pkg-config cannot find %s (install the matching -dev package): %s" %
                 (", ".join(modules), result.stderr))
        linkopts = result.stdout.strip().split(" ")
        if target.startswith("gtest"):
            linkopts.append("-lpthread")
        build.append("cc_library(")
        build.append('    name = "%s",' % target)
        build.append("    linkopts = %s," % repr([flag for flag in linkopts if flag]))
        build.append(")")
        build.append("")
    repository_ctx.file("WORKSPACE", 'workspace(name = "%s")\n' % repository_ctx.name)
    repository_ctx.file("BUILD.bazel", "\n".join(build))

system_library = repository_rule(
    implementation = _system_library_impl,
    attrs = {
        "libraries": attr.string_list_dict(
            mandatory = True,
            doc = "target name -> pkg-config modules whose link flags the target carries",
        ),
    },
    local = True,
    doc = "cc_library targets for system libraries, with link flags from pkg-config.",
)
