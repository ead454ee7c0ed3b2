// Everything portauth can say about one port: what `lookup` prints and scan reports attach.
//
// There is a page for every port 0-65535. A port the database lists gets its entry; any
// other port gets a fallback page built from the system services database, so a report
// never has a hole.
#pragma once

#include <cstdint>
#include <string>

#include "db/port_entry.h"

namespace portauth::db {

struct PortPage {
  uint16_t port = 0;    // the port asked about (inside entry's range when the entry is ranged)
  bool listed = false;  // true: `entry` is the database's; false: a fallback
  // Fallback: first = last = port, proto tcp, name = the system services name or
  // "unassigned", purpose empty, description says where the name came from.
  PortEntry entry;
  std::string iana_range;  // see iana_range()
};

PortPage make_listed_page(uint16_t port, const PortEntry& entry);
PortPage make_fallback_page(uint16_t port);

}  // namespace portauth::db
