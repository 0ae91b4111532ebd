#include "compiler/review/yaml_scanner.h"

#include <algorithm>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "compiler/common/limits.h"
#include "yaml-cpp/eventhandler.h"
#include "yaml-cpp/yaml.h"

namespace rbacc {
namespace {

// Walks the parser's events before any node is built, to refuse what would
// cost without bound later:
// - a document yaml-cpp cannot start. yaml-cpp 0.7 cannot start a document at
//   some tokens (a stray "," outside brackets): its parser then returns an
//   empty document without consuming the token, and YAML::LoadAll asks for the
//   next document forever, allocating until memory runs out
//   (jbeder/yaml-cpp#1040). Two documents starting at the same place show that.
// - maps and lists nested deeper than kMaxYamlDepth;
// - more than kMaxYamlExpandedNodes nodes once aliases are expanded (each
//   alias counts the nodes of what it names: a small file full of aliases
//   stands for a very large one).
// Each is thrown as a YAML::ParserException at its place, as yaml-cpp reports
// its own errors, which stops the parser at once.
class YamlScanner : public YAML::EventHandler {
 public:
  // Where the latest document starts.
  const YAML::Mark& start() const { return start_; }
  // Whether the document before the latest one started at the same place.
  bool stalled() const { return stalled_; }

  void OnDocumentStart(const YAML::Mark& mark) override {
    stalled_ = !start_.is_null() && mark.pos == start_.pos;
    start_ = mark;
    // Anchors are numbered per document.
    anchor_sizes_.clear();
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    AddNodes(mark, 1);
    Name(anchor, 1);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    const auto found = anchor_sizes_.find(anchor);
    AddNodes(mark, found == anchor_sizes_.end() ? 1 : found->second);
  }
  void OnScalar(const YAML::Mark& mark, const std::string&,
                YAML::anchor_t anchor, const std::string&) override {
    AddNodes(mark, 1);
    Name(anchor, 1);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&,
                       YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    Open(mark, anchor);
  }
  void OnSequenceEnd() override { Close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&,
                  YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    Open(mark, anchor);
  }
  void OnMapEnd() override { Close(); }

 private:
  // A map or list being read: its anchor and the node count at its start.
  struct OpenNode {
    YAML::anchor_t anchor;
    size_t nodes_before;
  };

  void AddNodes(const YAML::Mark& mark, size_t count) {
    nodes_ += std::min(count, kMaxYamlExpandedNodes + 1);
    if (nodes_ > kMaxYamlExpandedNodes) {
      throw YAML::ParserException(
          mark, absl::StrCat("the YAML holds more than ", kMaxYamlExpandedNodes,
                             " nodes once its aliases are expanded, the most "
                             "rbacc reads; write the objects without aliases "
                             "or review them in smaller files"));
    }
  }
  void Name(YAML::anchor_t anchor, size_t size) {
    if (anchor != YAML::NullAnchor) anchor_sizes_[anchor] = size;
  }
  void Open(const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (open_.size() >= static_cast<size_t>(kMaxYamlDepth)) {
      throw YAML::ParserException(
          mark, absl::StrCat("maps and lists nest more than ", kMaxYamlDepth,
                             " deep here, the most rbacc reads (Kubernetes "
                             "RBAC objects nest 5 deep)"));
    }
    AddNodes(mark, 1);
    open_.push_back({anchor, nodes_ - 1});
  }
  void Close() {
    if (open_.empty()) return;
    Name(open_.back().anchor, nodes_ - open_.back().nodes_before);
    open_.pop_back();
  }

  YAML::Mark start_ = YAML::Mark::null_mark();
  bool stalled_ = false;
  size_t nodes_ = 0;
  std::vector<OpenNode> open_;
  std::map<YAML::anchor_t, size_t> anchor_sizes_;
};

}  // namespace

YAML::Mark ScanYamlDocuments(const std::string& text) {
  std::istringstream stream(text);
  YAML::Parser parser(stream);
  YamlScanner scanner;
  while (parser.HandleNextDocument(scanner)) {
    if (scanner.stalled()) return scanner.start();
  }
  return YAML::Mark::null_mark();
}

}  // namespace rbacc
