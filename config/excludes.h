// Address ranges the scanner treats specially. Two tiers:
//  - never: 0.0.0.0/8, 224.0.0.0/4 (multicast), 240.0.0.0/4 (reserved), 255.255.255.255.
//    Nothing can lift these; a SYN there is meaningless or harmful.
//  - default excludes: the other IANA special-purpose and private ranges (RFC 1918, CGN,
//    loopback, link-local, documentation, benchmarking, ...). On by default so that a typo
//    cannot aim a scan at someone's internal network; `--allow RANGE` lifts them for RANGE only.
#pragma once
#include <string>
#include <vector>

#include "range_set.h"

namespace portauth::config {

struct SpecialRange {
  Ipv4Range range;
  std::string cidr;   // "10.0.0.0/8"
  std::string what;   // "private network (RFC 1918)"
  bool never;         // true: can never be scanned
};

const std::vector<SpecialRange>& special_ranges();

RangeSet never_scan_ranges();
RangeSet default_exclude_ranges();  // includes the never ranges

}  // namespace portauth::config
