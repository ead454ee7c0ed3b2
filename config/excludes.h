// Address ranges the scanner treats specially (the policy itself: resolve_targets in
// scan_plan.h). Two tiers:
//  - never: 0.0.0.0/8, 224.0.0.0/4 (multicast), 240.0.0.0/4 (reserved), 255.255.255.255;
//    :: (unspecified) and ff00::/8 (IPv6 multicast).
//    Nothing can lift these; a SYN there is meaningless or harmful.
//  - reserved blocks: the other IANA special-purpose and private ranges (RFC 1918, CGN,
//    loopback, link-local, documentation, benchmarking, ...; for IPv6 ULA fc00::/7, fe80::/10,
//    2001:db8::/32, benchmarking 2001:2::/48, IPv4-mapped ::ffff:0:0/96, ...). A target the user names inside
//    one (192.168.1.0/24, a single host) is scanned as asked, as nmap and masscan do; a WIDER
//    target (0.0.0.0/0, 100.0.0.0/6) skips them, so an Internet-wide sweep does not wander
//    into private networks; `--allow RANGE` keeps RANGE in such a sweep.
#pragma once
#include <string>
#include <vector>

#include "config/range_set.h"

namespace portauth::config {

struct SpecialRange {
  AddressRange range;
  std::string cidr;   // "10.0.0.0/8", "fc00::/7"
  std::string what;   // "private network (RFC 1918)"
  bool never;         // true: can never be scanned
};

const std::vector<SpecialRange>& special_ranges();

RangeSet never_scan_ranges();
// ::ffff:0:0/96: where IPv4 addresses live (config/address.h); a block of the policy like the
// others (a wide IPv6 target skips it), but not an exclude: it holds all of IPv4.
inline constexpr AddressRange kIpv4Mapped{kFirstV4, kLastV4};

RangeSet default_exclude_ranges();  // every block of both tiers but kIpv4Mapped

}  // namespace portauth::config
