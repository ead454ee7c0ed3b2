// Presenting a PortPage: as text laid out like a Port Authority page, and as JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "db/port_page.h"

namespace portauth::db {

// A heading line with the port, protocol and name, then labelled sections: Name, Purpose,
// Risk, IANA Range, Source (where the facts came from), Rank, Description; then, only where
// the entry has them, Security Implications, If You Find It Open, History; then Related
// Ports, Background, Trojan Sightings (with Trojan Notes where written), References.
// Wrapped to 78 columns; an always-shown section with no data says so ("Related Ports: none
// recorded"). Ends with a newline.
std::string render_page_text(const PortPage& page);

// {"port", "port_range" (only for a ranged entry: {"first", "last"}), "proto", "name",
//  "aliases", "purpose", "description", "security", "if_open", "history", "background",
//  "related", "trojans", "trojan_notes", "risk" (string, null if not rated), "refs",
//  "rank" (null if unranked), "iana_range", "listed", "source" ("portauth", "iana",
//  "system" or "unassigned"), "source_detail"}. Lists are always present, possibly empty;
//  texts are "" when not written.
nlohmann::json page_json(const PortPage& page);

// The inverse of page_json (entry.line is not carried and comes back 0). Throws
// nlohmann::json::exception or std::invalid_argument on a document page_json would not write.
PortPage page_from_json(const nlohmann::json& json);

}  // namespace portauth::db
