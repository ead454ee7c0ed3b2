// What the loader checks beyond types and ranges: that the text is real content and that
// entries agree with each other. Each failure is a DbError at the offending node.
//
// Per entry (check_entry_content):
//   - `trojans` holds malware names, never a risk level (info, low, medium, high, none,
//     unknown: that belongs in `risk`);
//   - no placeholder text in name, purpose or any prose section ("(registered
//     service; little current use)", TODO, TBD, FIXME, XXX, lorem ipsum, placeholder);
//   - no word broken by a stray hyphen and space ("mass- exploited"; a suspended hyphen
//     as in "TCP- and UDP-based" is fine);
//   - no trojan name that runs two listed names together ("Shtrilitz Stealth" beside
//     "Stealth").
// Across entries (check_database):
//   - every related port has an entry of its own (either protocol);
//   - no sentence of six words or more appears in the prose of two entries (boilerplate
//     says nothing about the port it is on);
//   - trojan names are canonical: a catalog alias is rejected with the canonical name, and
//     two spellings of one name (by trojan_key) are rejected even without a catalog.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "db/port_entry.h"
#include "db/port_index.h"
#include "db/trojan_names.h"
#include "db/yaml_fields.h"

namespace portauth::db {

// `fields` as split_fields() returned them for the entry's mapping.
void check_entry_content(const PortEntry& entry, const std::vector<Field>& fields,
                         const std::string& source);

struct CheckedEntry {
  const PortEntry* entry = nullptr;
  const std::vector<Field>* fields = nullptr;
};

// `index` covers every entry.
void check_database(std::span<const CheckedEntry> entries, const std::vector<TrojanName>& catalog,
                    const PortIndex& index, const std::string& source);

}  // namespace portauth::db
