// Everything portauth can say about one port: what `lookup` prints and scan reports attach.
//
// There is a page for every port 0-65535, and it says where its facts came from, best
// source first:
//   1. portauth's own entry (tcp; else a udp-only entry, which says why a SYN scan cannot
//      see the service),
//   2. the IANA registry (iana_registry.h): the registered name and description,
//   3. the system services database (/etc/services),
//   4. nothing: truly unassigned, with what that means in the port's IANA range (the
//      dynamic range 49152-65535 is never assigned).
// When the IANA registry is not installed, pages 3 and 4 say so rather than claim a port
// is unassigned.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "db/iana_registry.h"
#include "db/port_entry.h"

namespace portauth::db {

enum class PageSource { kPortauth, kIana, kSystem, kUnassigned };

// "portauth", "iana", "system", "unassigned".
std::string_view page_source_name(PageSource source);

struct PortPage {
  uint16_t port = 0;    // the port asked about (inside entry's range when the entry is ranged)
  bool listed = false;  // true: `entry` is the database's (source == kPortauth)
  // Fallback: first = last = port, name = the registered name or "unassigned", purpose =
  // the registry's description (may be empty), description says what is and is not known.
  PortEntry entry;
  std::string iana_range;  // see iana_range()
  PageSource source = PageSource::kPortauth;
  std::string source_detail;  // where the facts came from, e.g. "portauth's port database"
};

PortPage make_listed_page(uint16_t port, const PortEntry& entry);

// A page for a port portauth does not list, from the lower tiers, for `proto` (a
// registration for the other protocol only is reported as such). `system_name` is the
// /etc/services name for port/proto ("" = none). Name "unassigned" only when the registry
// was read and has nothing; "unknown" when it could not be read.
PortPage make_fallback_page(uint16_t port, Proto proto, const IanaTier& iana,
                            std::string_view system_name);

// The same with the system's IANA registry and /etc/services.
PortPage make_fallback_page(uint16_t port, Proto proto = Proto::kTcp);

}  // namespace portauth::db
