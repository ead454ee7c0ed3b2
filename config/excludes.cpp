#include "config/excludes.h"

#include "config/target_spec.h"

namespace portauth::config {
namespace {

SpecialRange make(const char* cidr, const char* what, bool never) {
  return {parse_target(cidr), cidr, what, never};
}

}  // namespace

const std::vector<SpecialRange>& special_ranges() {
  // Data only: these addresses are excluded, never probed. Source: the IANA IPv4
  // and IPv6 Special-Purpose Address Registries (RFC 6890 and successors).
  static const std::vector<SpecialRange> kRanges = {
      make("0.0.0.0/8", "\"this network\" (RFC 791)", true),
      make("10.0.0.0/8", "private network (RFC 1918)", false),
      make("100.64.0.0/10", "carrier-grade NAT shared space (RFC 6598)", false),
      make("127.0.0.0/8", "loopback (RFC 1122)", false),
      make("169.254.0.0/16", "link-local (RFC 3927)", false),
      make("172.16.0.0/12", "private network (RFC 1918)", false),
      make("192.0.0.0/24", "IETF protocol assignments (RFC 6890)", false),
      make("192.0.2.0/24", "documentation TEST-NET-1 (RFC 5737)", false),
      make("192.88.99.0/24", "6to4 relay anycast (RFC 7526)", false),
      make("192.168.0.0/16", "private network (RFC 1918)", false),
      make("198.18.0.0/15", "benchmarking (RFC 2544)", false),
      make("198.51.100.0/24", "documentation TEST-NET-2 (RFC 5737)", false),
      make("203.0.113.0/24", "documentation TEST-NET-3 (RFC 5737)", false),
      make("224.0.0.0/4", "multicast (RFC 5771)", true),
      make("240.0.0.0/4", "reserved for future use (RFC 1112)", true),
      make("255.255.255.255/32", "limited broadcast (RFC 919)", true),
      // The IANA IPv6 Special-Purpose Address Registry, under the same policy. IPv4 lives in
      // ::ffff:0:0/96 here (config/address.h), so a wide IPv6 prefix never sweeps IPv4 by
      // accident; an IPv4 target lies inside that block and is scanned as asked.
      make("::/128", "unspecified address (RFC 4291)", true),
      make("::1/128", "loopback (RFC 4291)", false),
      make("::ffff:0:0/96", "IPv4-mapped addresses (RFC 4291)", false),
      make("64:ff9b::/96", "IPv4/IPv6 translation (RFC 6052)", false),
      make("64:ff9b:1::/48", "local-use IPv4/IPv6 translation (RFC 8215)", false),
      make("100::/64", "discard-only (RFC 6666)", false),
      make("2001::/23", "IETF protocol assignments (RFC 2928)", false),
      make("2001:2::/48", "benchmarking (RFC 5180)", false),
      make("2001:db8::/32", "documentation (RFC 3849)", false),
      make("2002::/16", "6to4 (RFC 3056)", false),
      make("2620:4f:8000::/48", "AS112 direct delegation (RFC 7534)", false),
      make("3fff::/20", "documentation (RFC 9637)", false),
      make("5f00::/16", "segment routing SIDs (RFC 9602)", false),
      make("fc00::/7", "unique local addresses (RFC 4193)", false),
      make("fe80::/10", "link-local unicast (RFC 4291)", false),
      make("ff00::/8", "multicast (RFC 4291)", true),
  };
  return kRanges;
}

RangeSet never_scan_ranges() {
  RangeSet set;
  for (const auto& r : special_ranges())
    if (r.never) set.add(r.range);
  return set;
}

RangeSet default_exclude_ranges() {
  RangeSet set;
  for (const auto& r : special_ranges())
    if (r.range != kIpv4Mapped) set.add(r.range);
  return set;
}

}  // namespace portauth::config
