#include "db/yaml_tree.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <sstream>
#include <utility>

#include "db/db_error.h"

namespace portauth::db {
namespace {

int one_based(int zero_based) { return zero_based < 0 ? 1 : zero_based + 1; }

// Builds the tree from events. Open containers live on a stack by value and are moved into
// their parent when they close, so no pointer into a growing vector is ever held.
class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(const std::string& source, const YamlLimits& limits)
      : source_(source), limits_(limits) {}

  bool finished() const { return finished_; }
  YamlNode take_root() { return std::move(root_); }

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (documents_++ > 0) {
      fail(mark, "more than one YAML document ('---') in the port database");
    }
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override {
    add_leaf(make(YamlNode::Kind::kNull, mark));
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    fail(mark, "YAML aliases (*name) are not supported in the port database; write the value out");
  }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                const std::string& value) override {
    YamlNode node = make(YamlNode::Kind::kScalar, mark);
    node.text = value;
    add_leaf(std::move(node));
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    open(make(YamlNode::Kind::kSequence, mark), mark);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    open(make(YamlNode::Kind::kMap, mark), mark);
  }
  void OnMapEnd() override { close(); }

 private:
  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& message) const {
    throw DbError(source_, one_based(mark.line), one_based(mark.column), message);
  }

  YamlNode make(YamlNode::Kind kind, const YAML::Mark& mark) {
    if (++nodes_ > limits_.max_nodes) {
      fail(mark, "too many YAML nodes (more than " + std::to_string(limits_.max_nodes) +
                     "); is this really a port database?");
    }
    YamlNode node;
    node.kind = kind;
    node.line = one_based(mark.line);
    node.column = one_based(mark.column);
    return node;
  }

  void open(YamlNode node, const YAML::Mark& mark) {
    if (static_cast<int>(open_.size()) >= limits_.max_depth) {
      fail(mark, "YAML nested more than " + std::to_string(limits_.max_depth) +
                     " levels deep; the port database needs 4");
    }
    open_.push_back(std::move(node));
  }

  void close() {
    YamlNode done = std::move(open_.back());
    open_.pop_back();
    add_leaf(std::move(done));
  }

  void add_leaf(YamlNode node) {
    if (open_.empty()) {
      root_ = std::move(node);
      finished_ = true;
    } else {
      open_.back().items.push_back(std::move(node));
    }
  }

  const std::string& source_;
  const YamlLimits& limits_;
  std::vector<YamlNode> open_;
  YamlNode root_;
  size_t nodes_ = 0;
  int documents_ = 0;
  bool finished_ = false;
};

}  // namespace

YamlNode parse_yaml_tree(std::string_view text, const std::string& source,
                         const YamlLimits& limits) {
  if (text.size() > limits.max_bytes) {
    throw DbError(source, "too large for a port database (" + std::to_string(text.size()) +
                              " bytes; the limit is " + std::to_string(limits.max_bytes) + ")");
  }
  std::istringstream in{std::string(text)};
  TreeBuilder builder(source, limits);
  try {
    YAML::Parser parser(in);
    // The second call finds out whether a second document follows (the builder rejects it).
    while (parser.HandleNextDocument(builder)) {
    }
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp 0.7 labels this "bad file"; say what it is. Normally our own depth limit fires
    // first, this is the backstop.
    throw DbError(source, one_based(e.mark.line), one_based(e.mark.column),
                  "YAML nested too deeply");
  } catch (const YAML::Exception& e) {
    throw DbError(source, one_based(e.mark.line), one_based(e.mark.column),
                  "YAML syntax error: " + e.msg);
  }
  if (!builder.finished()) return YamlNode{};  // empty input: no document at all
  return builder.take_root();
}

}  // namespace portauth::db
