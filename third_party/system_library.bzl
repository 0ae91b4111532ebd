"""A repository rule that wraps C++ libraries installed on the system (Debian's -dev packages).

Each target links with the flags `pkg-config --static --libs` prints for its modules, so libraries
split into many archives (Abseil) link without a hand-kept list. Where the package ships a static
archive (`lib<name>.a` in the module's libdir) the flag `-l<name>` becomes `-l:lib<name>.a`, so
binaries carry the library instead of loading dozens of shared objects at every start; the C
runtime's libraries (libc, libm, librt, libpthread, libdl, libatomic) stay shared. Headers are in
/usr/include, which the compiler searches by default.
"""

# Libraries that stay shared even when a static archive exists: the C runtime's.
_SHARED_ONLY = ["c", "m", "rt", "pthread", "dl", "atomic"]

def _static_flag(repository_ctx, libdir, flag):
    """`-l<name>` as `-l:lib<name>.a` when that archive exists in `libdir`, else `flag`."""
    if not flag.startswith("-l") or flag.startswith("-l:"):
        return flag
    name = flag[2:]
    if name in _SHARED_ONLY:
        return flag
    if not repository_ctx.path("%s/lib%s.a" % (libdir, name)).exists:
        return flag
    return "-l:lib%s.a" % name

def _pkg_config(repository_ctx, pkg_config, arguments, modules):
    result = repository_ctx.execute([pkg_config] + arguments + modules)
    if result.return_code != 0:
        fail("pkg-config cannot find %s (install the matching -dev package): %s" %
             (", ".join(modules), result.stderr))
    return result.stdout.strip()

def _system_library_impl(repository_ctx):
    pkg_config = repository_ctx.which("pkg-config")
    if not pkg_config:
        fail("pkg-config is not installed: run `apt-get install pkg-config`")
    build = ['package(default_visibility = ["//visibility:public"])', ""]
    for target, modules in sorted(repository_ctx.attr.libraries.items()):
        flags = _pkg_config(repository_ctx, pkg_config, ["--static", "--libs"], modules)
        libdir = _pkg_config(repository_ctx, pkg_config, ["--variable=libdir"], modules[:1])
        linkopts = [
            _static_flag(repository_ctx, libdir, flag) if repository_ctx.attr.static else flag
            for flag in flags.split(" ")
            if flag
        ]
        if target.startswith("gtest"):
            linkopts.append("-lpthread")
        build.append("cc_library(")
        build.append('    name = "%s",' % target)
        build.append("    linkopts = %s," % repr(linkopts))
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
        "static": attr.bool(
            default = True,
            doc = "link the static archives (lib<name>.a) where the package has them",
        ),
    },
    local = True,
    doc = "cc_library targets for system libraries, with link flags from pkg-config.",
)
