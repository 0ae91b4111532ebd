// `rbacc fmt`'s formatter: rewrites a policy file (bundle, feature, profile or
// calls file) in canonical text format, keeping every comment where it
// belongs.
//
// The canonical form: fields in the order the schema declares them (a
// repeated field's elements keep their order), two-space indent, `name {`
// for a message (one block per rule), and each repeated scalar field on one
// line, `verbs: "get"` for one value and `verbs: ["get", "list"]` for several
// (one `verbs: "get"` line per value when a comment stands between them, or
// when the one line would be wider than 100 columns, indent included). A
// message written on one line stays on one line when it has at most three
// scalar fields, no comment, and fits in 120 columns:
// `labels { key: "parent" value: "skypilot" }`; any other is a block.
// Comments above a field move with it, a comment ending a line stays at the
// end of its field's line, the file's header (the comments a blank line
// separates from the first field) stays at the top, and runs of blank lines
// become one (none at the start or end of a block).
#ifndef RBACC_COMPILER_LOAD_TEXT_FORMAT_FMT_H_
#define RBACC_COMPILER_LOAD_TEXT_FORMAT_FMT_H_

#include <string>

#include "compiler/common/issue.h"
#include "google/protobuf/descriptor.h"

namespace rbacc {

// The message type of the policy file at `path` holding `text`: the type its
// `# proto-message:` header names when that is rbacc.v1.Bundle, Feature,
// Profile or CallRecord; otherwise Bundle for bundle.textproto, Profile for a
// file in a profiles/ folder, CallRecord for calls.textproto and Feature for
// any other file.
const google::protobuf::Descriptor* PolicyFileType(const std::string& path,
                                                   const std::string& text);

// Returns `text` (a `descriptor` message, shown to users as `display_path`)
// in canonical text format. Syntax errors and unknown fields are added to
// `issues` at their line and column, as is a formatting that would change the
// message or lose a comment (never expected); in those cases returns "".
std::string FormatTextFormat(const std::string& text,
                             const std::string& display_path,
                             const google::protobuf::Descriptor* descriptor,
                             IssueList* issues);

}  // namespace rbacc

#endif  // RBACC_COMPILER_LOAD_TEXT_FORMAT_FMT_H_
