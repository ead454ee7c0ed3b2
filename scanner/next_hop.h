// The link-layer facts a frame to the scan's targets needs when we bypass the kernel's IP
// output (the PACKET_MMAP TX ring, AF_XDP): what kind of link the interface is, our MAC, and
// the one next hop (and its MAC) behind which every target of a family sits.
//
// Next hop: the kernel's own route for the targets (netlink RTM_GETROUTE, so policy rules and
// every table answer exactly as for a connection), checked for the first and last target and
// for one address under every route of any table that overlaps the targets; then the
// gateway's (or, for a single on-link target, the target's) usable entry in the neighbour
// cache. Nothing is sent: an address the cache does not know is a reason, not an ARP or
// neighbour solicitation of ours.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "config/address.h"
#include "config/range_set.h"

namespace portauth::scanner {

struct LinkInfo {
  bool ethernet = false;   // ARPHRD_ETHER: Ethernet, veth, bridges, bonds, macvlan, VLANs
  std::string problem;     // why frames with an Ethernet header cannot go out here ("" when ethernet)
  std::array<uint8_t, 6> mac{};
};

// Throws SetupError when the interface does not exist or cannot be asked.
LinkInfo link_info(const std::string& interface);

struct NextHop {
  config::Address address;  // the gateway, or the target itself when it is on the link
  bool on_link = false;
  std::array<uint8_t, 6> mac{};
};

struct HopAnswer {
  std::optional<NextHop> hop;
  std::string why;  // when there is no single next hop: the reason, naming addresses
};

// The one next hop through `interface` for every address of `targets` (all of one family).
// Never throws for a routing fact (the answer says why); throws SetupError when netlink fails.
HopAnswer shared_next_hop(const config::RangeSet& targets, const std::string& interface);

std::string format_mac(const std::array<uint8_t, 6>& mac);

}  // namespace portauth::scanner
