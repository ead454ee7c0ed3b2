// Turns port-database YAML into validated entries plus their port index. Validation happens
// here, in one pass, so a PortDb can only ever be built from a file that passed every check:
//   - YAML syntax (yaml-cpp's message), nesting depth, node count, size, aliases, one document
//     (yaml_tree.h);
//   - top level: a mapping of schema_version (must be kSchemaVersion, checked first),
//     data_version, trojans (the trojan-name catalog, trojan_names.h), ports (a list of
//     mappings); unknown keys with a did-you-mean;
//   - each entry (entry_reader.h): known keys only, no key twice, port 0-65535 or a range
//     a-b with a <= b, required name and purpose, types of every list, related ports numeric
//     and in range, proto tcp|udp, risk info|low|medium|high, rank a positive integer;
//   - what the text says (content_checks.h): no risk word among trojans, no placeholder,
//     no broken word, no two names run together;
//   - across entries: no port listed twice per protocol (ranges included), no rank twice,
//     related ports that resolve, no shared boilerplate sentence, canonical trojan names.
// Errors are DbError at the offending node: "source:LINE:COL: what is wrong".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "db/port_entry.h"
#include "db/port_index.h"
#include "db/trojan_names.h"

namespace portauth::db {

// The schema_version this build reads.
inline constexpr int kSchemaVersion = 1;

struct LoadedDb {
  std::string data_version;
  std::vector<PortEntry> entries;  // file order
  PortIndex index;                 // (proto, port) -> position in `entries`
  std::vector<TrojanName> trojans;  // the catalog, file order
};

// Throws DbError ("source:LINE:COL: what is wrong") on the first problem found.
LoadedDb load_db_yaml(std::string_view yaml, const std::string& source);

// Whole file as text. Throws DbError naming the path if it is missing, not a regular file,
// unreadable or larger than `max_bytes`.
std::string read_db_file(const std::string& path, size_t max_bytes);

}  // namespace portauth::db
