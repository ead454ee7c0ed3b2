// Trojan names: one canonical spelling each, with the other spellings people use.
//
// The database's top-level `trojans:` list is the catalog:
//   trojans:
//     - {name: Deep Throat, aliases: [DeepThroat]}
// An entry's `trojans` must use the canonical name; an alias there is an error that names
// the canonical one. Trojans not in the catalog are allowed, but two spellings that differ
// only in case, spaces or punctuation (SubSeven / Subseven, BO Whack / BOWhack) are not.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "db/yaml_fields.h"

namespace portauth::db {

struct TrojanName {
  std::string name;                  // canonical spelling
  std::vector<std::string> aliases;  // other spellings, found by lookup and search
  int line = 0;                      // 1-based line in the source, for messages
};

// What two spellings of one name share: lower-case letters and digits only
// ("Deep Throat", "DeepThroat" and "deep-throat" -> "deepthroat").
std::string trojan_key(std::string_view name);

// Reads and validates the catalog (absent = empty): a list of mappings with a non-empty
// `name` and an optional `aliases` list; no spelling (by trojan_key) given twice anywhere.
// Throws DbError at the offending node.
std::vector<TrojanName> read_trojan_catalog(const Field& field, const std::string& source);

}  // namespace portauth::db
