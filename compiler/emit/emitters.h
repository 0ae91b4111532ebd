// Turns a CompiledPolicy into the files of one output folder: rbac.yaml,
// values.yaml (helm_values.h), config.yaml, kustomization.yaml and
// PERMISSIONS.md (permissions_markdown.h). Emitters only format; every decision
// about what is granted was made by the merge stage.
#ifndef RBACC_COMPILER_EMIT_EMITTERS_H_
#define RBACC_COMPILER_EMIT_EMITTERS_H_

#include <functional>
#include <string>
#include <vector>

#include "compiler/emit/text_output.h"
#include "compiler/lint/lint.h"
#include "compiler/merge/compiled_policy.h"
#include "proto/rbacc/v1/policy.pb.h"

namespace rbacc {

// The name of the application config snippet, config.yaml.
inline constexpr char kAppConfigFileName[] = "config.yaml";

// One file of an output folder. Its text is made when it is used (written into
// its staging file, compared with the file on disk by --check, printed by
// --out_dir=-), in pieces (TextOutput), so that no output is ever held in
// memory whole: at 100,000 rules PERMISSIONS.md alone is 50 MB. Making the
// text cannot fail (every input mistake was reported before emitting), so the
// writer's all-or-nothing guarantee is unchanged: see output_writer.h.
struct OutputFile {
  // An OutputFile whose text is `text`.
  static OutputFile FromText(std::string name, std::string text);

  // File name inside the folder, e.g. "rbac.yaml".
  std::string name;
  // Writes the file's text to `out`; the same bytes on every call. Those of
  // EmitOutputs read the policy, bundle and lint result they were emitted from.
  std::function<void(TextOutput& out)> write;
};

// The whole text of `file`, as one string.
std::string OutputText(const OutputFile& file);

// rbac.yaml: a multi-document manifest in Helm's install order (Namespace,
// ServiceAccount, ClusterRole, ClusterRoleBinding, Role, RoleBinding), each
// rule commented with its features and reasons. Cluster-scoped objects carry no
// namespace.
void EmitRbacYaml(const CompiledPolicy& policy, TextOutput& out);

// config.yaml: the application config keys (the identity and the features'
// keys), nested.
void EmitAppConfig(const CompiledPolicy& policy, TextOutput& out);

// config.yaml for a selection with contexts (`contexts`, one compilation per
// context in the order listed, never empty): the features' keys, the identity
// key as a mapping from each context to its identity, and the application's
// contexts key listing the contexts, with a comment naming each context's
// folder.
void EmitContextsAppConfig(const std::vector<CompiledPolicy>& contexts,
                           const v1::Application& application, TextOutput& out);

// kustomization.yaml naming rbac.yaml as its only resource.
void EmitKustomization(const CompiledPolicy& policy, TextOutput& out);

// Every output the bundle supports (Bundle.outputs; all when empty), sorted by
// file name. A compilation for one context has no config.yaml: the
// selection's is EmitContextsAppConfig's. The files make their text from
// `policy`, `bundle` and `lint` each time they are written: those must outlive
// them, where they are.
std::vector<OutputFile> EmitOutputs(const CompiledPolicy& policy,
                                    const v1::Bundle& bundle,
                                    const LintResult& lint);

}  // namespace rbacc

#endif  // RBACC_COMPILER_EMIT_EMITTERS_H_
