#include "config/yaml_limits.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <sstream>

#include "config/spec_error.h"

namespace portauth::config {
namespace {

[[noreturn]] void fail(const std::string& name, const YAML::Mark& m, const std::string& what) {
  const int line = m.line < 0 ? 1 : m.line + 1, column = m.column < 0 ? 1 : m.column + 1;
  throw SpecError(name + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + what);
}

// Counts as it goes and throws at the first event past a limit, so a hostile file costs at
// most one pass over its first max_nodes nodes.
class LimitCounter : public YAML::EventHandler {
 public:
  LimitCounter(const std::string& name, const YamlLimits& limits) : name_(name), limits_(limits) {}

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (documents_++ > 0) fail(name_, mark, std::string("more than one YAML document ('---') in ") + limits_.what);
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { node(mark); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    fail(name_, mark, std::string("YAML aliases (*name) are not supported in ") + limits_.what + "; write the value out");
  }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t, const std::string&) override {
    node(mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    open(mark);
  }
  void OnSequenceEnd() override { --depth_; }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    open(mark);
  }
  void OnMapEnd() override { --depth_; }

 private:
  void node(const YAML::Mark& mark) {
    if (++nodes_ > limits_.max_nodes)
      fail(name_, mark, "too many YAML nodes (more than " + std::to_string(limits_.max_nodes) + ") for " +
                            limits_.what);
  }
  void open(const YAML::Mark& mark) {
    node(mark);
    if (++depth_ > limits_.max_depth)
      fail(name_, mark, "YAML nested more than " + std::to_string(limits_.max_depth) + " levels deep for " +
                            limits_.what);
  }

  const std::string& name_;
  const YamlLimits& limits_;
  size_t nodes_ = 0;
  int depth_ = 0;
  int documents_ = 0;
};

}  // namespace

void check_yaml_limits(std::string_view text, const std::string& name, const YamlLimits& limits) {
  if (text.size() > limits.max_bytes)
    throw SpecError(name + ": too large for " + limits.what + " (" + std::to_string(text.size()) +
                    " bytes; the limit is " + std::to_string(limits.max_bytes) + ")");
  std::istringstream in{std::string(text)};
  LimitCounter counter(name, limits);
  try {
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(counter)) {
    }
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp's own backstop (its message is "bad file"); our depth limit normally fires first.
    fail(name, e.mark, "YAML nested too deeply");
  } catch (const YAML::Exception& e) {
    fail(name, e.mark, e.msg);
  }
}

}  // namespace portauth::config
