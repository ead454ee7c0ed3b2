// Reads and validates one item of the `ports:` list into a PortEntry. Checks only what one
// entry can know about itself (types, ranges, and check_entry_content() of
// content_checks.h); duplicate ports and ranks and the cross-entry checks are the loader's.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "db/port_entry.h"
#include "db/yaml_fields.h"
#include "db/yaml_tree.h"

namespace portauth::db {

// The keys an entry may have, in schema order.
std::span<const std::string_view> entry_keys();

struct ReadEntry {
  PortEntry entry;
  const YamlNode* port_node = nullptr;  // where to point duplicate-port errors
  const YamlNode* rank_node = nullptr;  // where to point duplicate-rank errors (null if unranked)
  std::vector<Field> fields;            // the entry's keys in entry_keys() order, for later checks
};

// Throws DbError at the offending node.
ReadEntry read_entry(const YamlNode& node, const std::string& source);

}  // namespace portauth::db
