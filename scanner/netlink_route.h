// What the kernel's routing and neighbour tables say, asked over rtnetlink (both families).
// Nothing here sends a packet: these are the questions `ip route get`, `ip route show table
// all` and `ip neigh` ask. Used to decide whether link-layer frames (the TX ring, AF_XDP) can
// reach a scan's targets without the kernel's IP output (next_hop.h).
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/address.h"

namespace portauth::scanner {

struct KernelRoute {
  config::Address gateway;  // zero: the target is on the link
  int oif = 0;              // outgoing interface index
  unsigned char type = 0;   // RTN_UNICAST, RTN_LOCAL, RTN_BLACKHOLE, ...
  bool multipath = false;   // an ECMP route: several next hops (RTA_MULTIPATH)
};

// The route the kernel would use for `target` now (RTM_GETROUTE for one address: policy rules
// and every table apply). nullopt with `why` set when there is none.
std::optional<KernelRoute> kernel_route(const config::Address& target, int oif_hint, std::string& why);

// One prefix of a routing table (any table), as a closed address range.
struct RoutePrefix {
  config::Address first, last;
  unsigned char type = 0;
};
// Every route of the family (IPv4 as mapped addresses), from all tables. Throws SetupError on
// a netlink failure.
std::vector<RoutePrefix> route_prefixes(bool v4);

// The neighbour cache's MAC for `addr` on interface `ifindex`, when the entry is usable (the
// kernel has resolved it: reachable, stale, delay, probe, permanent or noarp). Never asks the
// kernel to resolve anything.
std::optional<std::array<uint8_t, 6>> neighbour_mac(const config::Address& addr, int ifindex);

}  // namespace portauth::scanner
