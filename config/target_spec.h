// Target grammar, both families:
//   IPv4  "a.b.c.d", CIDR "a.b.c.d/n" (n = 0-32), ranges "a.b.c.d-e.f.g.h" and the short
//         form "a.b.c.d-h" (last octet)
//   IPv6  any RFC 4291 text form ("2001:db8::10", "::1", "::ffff:198.18.0.2"), prefixes
//         "2001:db8::/120" (n = 0-128), ranges "2001:db8::1-2001:db8::ff" (both ends full
//         addresses), and a zone "fe80::1%eth0" (the interface of a link-local address)
// Host bits of a prefix are ignored, as nmap and masscan do. A range whose end is below its
// start, or whose ends are of different families, is an error, never silently fixed.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "config/range_set.h"

namespace portauth::config {

// Parses one target; throws SpecError naming `text` and what is wrong. A "%zone" suffix is
// stored in `*zone` (left untouched without one); with `zone` null a zone is an error.
AddressRange parse_target(std::string_view text, std::string* zone = nullptr);

// Parses several targets, each of which may itself be a comma-separated list.
RangeSet parse_targets(const std::vector<std::string>& specs);

}  // namespace portauth::config
