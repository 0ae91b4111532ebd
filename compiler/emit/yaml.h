// Small YAML writing helpers with the quoting rbacc's outputs rely on: every
// string comes out so that a YAML 1.1 or 1.2 reader gets back exactly that
// string, and nothing from the input can add structure.
#ifndef RBACC_COMPILER_EMIT_YAML_H_
#define RBACC_COMPILER_EMIT_YAML_H_

#include <map>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "compiler/common/policy_rule.h"
#include "compiler/emit/text_output.h"
#include "proto/rbacc/v1/policy.pb.h"

namespace rbacc {

// Returns `value` as a YAML scalar: plain when it is made only of letters,
// digits and "-._/" (starting with a letter or "/") and YAML would not read it
// as a boolean, null or number; otherwise double-quoted, with `"`, `\`, C0 and
// C1 control characters and the YAML 1.1 line breaks U+2028 and U+2029 escaped.
std::string YamlScalar(absl::string_view value);

// Returns `values` as a flow sequence of YamlScalar()s: [get, list, "*"].
std::string YamlFlowSequence(const std::vector<std::string>& values);

// Returns the YAML text of a ConfigValue's value: YamlScalar of a string,
// true/false, or the integer.
std::string ConfigValueYaml(const v1::ConfigValue& value);

// Returns `text` as comment lines ("# text\n") with `indent` spaces before "#";
// a line break inside `text` (CR, LF, or YAML 1.1's NEL, LS and PS) starts a
// new comment line, so text can never leave the comment.
std::string YamlComment(absl::string_view text, int indent);

// Writes `rules` to `out` as a block sequence whose "-" stands `indent` spaces
// in. Each rule is preceded by one comment line per source: "# feature:
// reason", followed by the resources it contributes when that is not all of
// the rule's.
void WriteYamlRules(const std::vector<const CompiledRule*>& rules, int indent,
                    TextOutput& out);

// The addresses of `rules`, in order, for WriteYamlRules.
std::vector<const CompiledRule*> RulePointers(
    const std::vector<CompiledRule>& rules);

// A YAML mapping built from dotted keys ("rbac.create"), rendered with keys
// sorted.
class YamlTree {
 public:
  // Sets `dotted_key` to a scalar already in YAML form (see YamlScalar,
  // ConfigValueYaml).
  void SetScalar(absl::string_view dotted_key, std::string yaml_scalar);
  // Sets `dotted_key` to a block of lines without indentation (each ending in a
  // newline); an empty block is written as [].
  void SetBlock(absl::string_view dotted_key, std::string block);
  // Sets `dotted_key` to the sequence WriteYamlRules writes for `rules`, which
  // must outlive the tree; no rules are written as [].
  void SetRules(absl::string_view dotted_key,
                std::vector<const CompiledRule*> rules);
  // Writes the mapping to `out` with two-space indentation.
  void Render(TextOutput& out) const;

 private:
  struct Node {
    enum class Kind { kMapping, kScalar, kBlock, kRules };
    Kind kind = Kind::kMapping;
    // The scalar of kScalar, the block of kBlock.
    std::string text;
    std::vector<const CompiledRule*> rules;
    std::map<std::string, Node> children;
  };
  Node& NodeAt(absl::string_view dotted_key);
  static void RenderNode(const Node& node, int indent, TextOutput& out);

  Node root_;
};

}  // namespace rbacc

#endif  // RBACC_COMPILER_EMIT_YAML_H_
