// A small, bounded YAML document tree: what the port-database validator walks.
//
// Built from yaml-cpp's event parser rather than YAML::Load for two reasons: the limits
// below are enforced while parsing, at the exact place they are exceeded, so a hostile or
// runaway file is rejected before it can use much memory or stack (a YAML::Node costs a
// few hundred bytes per scalar; 2 MB of "[1,1,1,..." becomes ~450 MB); and every node
// keeps its 1-based line and column for error messages.
//
// Aliases (*name) are rejected: a data file has no need for them, and refusing them rules
// out "billion laughs" expansion. Anchors (&name) are accepted and ignored. Tags are ignored.
// Exactly one document is allowed.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace portauth::db {

struct YamlNode {
  enum class Kind { kNull, kScalar, kSequence, kMap };

  Kind kind = Kind::kNull;
  int line = 1;  // 1-based position of the node's first character
  int column = 1;
  std::string text;             // kScalar only: the scalar's value
  std::vector<YamlNode> items;  // kSequence: elements; kMap: key, value, key, value, ...

  bool is_null() const { return kind == Kind::kNull; }
  bool is_scalar() const { return kind == Kind::kScalar; }
  bool is_sequence() const { return kind == Kind::kSequence; }
  bool is_map() const { return kind == Kind::kMap; }
  size_t map_size() const { return items.size() / 2; }
  const YamlNode& map_key(size_t i) const { return items[2 * i]; }
  const YamlNode& map_value(size_t i) const { return items[2 * i + 1]; }
};

struct YamlLimits {
  size_t max_bytes = 32u << 20;  // far above any real port database (~1-3 MB)
  size_t max_nodes = 1'000'000;  // ~15 per entry; 65,536 entries fit with room to spare
  int max_depth = 32;            // the schema needs 4
};

// Parses `text` (named `source` in messages). An empty document yields a kNull root at 1:1.
// Throws DbError "source:L:C: YAML syntax error: ..." or a limit/alias message.
YamlNode parse_yaml_tree(std::string_view text, const std::string& source,
                         const YamlLimits& limits = {});

}  // namespace portauth::db
