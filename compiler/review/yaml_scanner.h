// A first pass over YAML text that builds no nodes and refuses what would
// cost without bound when yaml-cpp builds them: documents it cannot start,
// nesting deeper than kMaxYamlDepth, and more than kMaxYamlExpandedNodes nodes
// once aliases are expanded.
#ifndef RBACC_COMPILER_REVIEW_YAML_SCANNER_H_
#define RBACC_COMPILER_REVIEW_YAML_SCANNER_H_

#include <string>

#include "yaml-cpp/mark.h"

namespace rbacc {

// Walks the parser's events of every document of `text`. Returns the place
// (yaml-cpp's 0-based mark) of a document yaml-cpp cannot start, or a null mark
// when every document starts. Throws YAML::ParserException at its place for
// nesting that is too deep or too many nodes, as yaml-cpp reports its own
// errors; the caller catches it at yaml-cpp's boundary (as ReadRbacYaml does).
YAML::Mark ScanYamlDocuments(const std::string& text);

}  // namespace rbacc

#endif  // RBACC_COMPILER_REVIEW_YAML_SCANNER_H_
