#include "scanner/next_hop.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <set>

#include "common/setup_error.h"
#include "scanner/netlink_route.h"

namespace portauth::scanner {
namespace {

using config::Address;

// Beyond this many routes over the targets, checking each costs more than it is worth.
constexpr size_t kMaxRouteChecks = 512;

std::string text(const Address& a) { return config::format_address(a); }

bool same_hop(const KernelRoute& a, const KernelRoute& b) {
  return a.type == b.type && a.oif == b.oif && a.gateway == b.gateway && a.multipath == b.multipath;
}

std::string ifname(int index) {
  char name[IF_NAMESIZE] = {};
  return index > 0 && if_indextoname(unsigned(index), name) ? name : "interface " + std::to_string(index);
}

}  // namespace

std::string format_mac(const std::array<uint8_t, 6>& mac) {
  char s[18];
  std::snprintf(s, sizeof s, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
  return s;
}

LinkInfo link_info(const std::string& interface) {
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, interface.c_str(), IFNAMSIZ - 1);
  const bool ok = fd >= 0 && ioctl(fd, SIOCGIFHWADDR, &ifr) == 0;
  const int err = errno;
  if (fd >= 0) close(fd);
  if (!ok) throw common::SetupError("cannot read the link type of '" + interface + "': " + std::strerror(err));
  LinkInfo info;
  switch (ifr.ifr_hwaddr.sa_family) {
    case ARPHRD_ETHER:
      info.ethernet = true;
      std::memcpy(info.mac.data(), ifr.ifr_hwaddr.sa_data, 6);
      break;
    case ARPHRD_LOOPBACK:
      info.problem = interface + " is the loopback interface (no next hop to send frames to)";
      break;
    case ARPHRD_NONE:
      info.problem = interface + " has no link layer (a tun or WireGuard interface takes IP packets, not frames)";
      break;
    default:
      info.problem = interface + " is not Ethernet-like (link type " + std::to_string(ifr.ifr_hwaddr.sa_family) + ")";
  }
  return info;
}

HopAnswer shared_next_hop(const config::RangeSet& targets, const std::string& interface) {
  HopAnswer answer;
  if (targets.empty()) {
    answer.why = "no targets";
    return answer;
  }
  const int ifindex = int(if_nametoindex(interface.c_str()));
  if (ifindex == 0) throw common::SetupError("no interface named '" + interface + "' (see 'ip link')");
  const Address first = targets.ranges().front().first;
  const Address last = targets.ranges().back().last;
  const bool v4 = first.is_v4();
  // A link-local IPv6 target is routed on its zone's interface only.
  const auto hint = [&](const Address& a) { return !a.is_v4() && (a.hi() >> 54) == (0xfe80ULL >> 6) ? ifindex : 0; };
  auto route_of = [&](const Address& a, KernelRoute& r) {
    std::string why;
    const auto got = kernel_route(a, hint(a), why);
    if (!got) answer.why = "no route to " + text(a) + " (" + why + ")";
    else r = *got;
    return bool(got);
  };
  KernelRoute route;
  if (!route_of(first, route)) return answer;
  if (route.type != RTN_UNICAST) {
    answer.why = text(first) + " is not behind a unicast route (a local, broadcast or blackhole address)";
    return answer;
  }
  if (route.multipath) {
    answer.why = "the route to " + text(first) + " has several next hops (multipath)";
    return answer;
  }
  if (route.oif != ifindex) {
    answer.why = "the route to " + text(first) + " leaves through " + ifname(route.oif) + ", not " + interface;
    return answer;
  }
  const bool on_link = route.gateway.is_zero();
  if (on_link && targets.count128() > 1) {
    answer.why = std::to_string(uint64_t(targets.count128())) + " targets on the local link of " + interface +
                 " (each has its own MAC; frames go to one next hop)";
    return answer;
  }
  // Every other address must take the same route: the last one, and one address under every
  // route of any table that overlaps the targets (a more specific route, another table).
  std::set<Address> probes{last};
  for (const RoutePrefix& p : route_prefixes(v4)) {
    const config::RangeSet overlap = targets.intersect(config::RangeSet({{p.first, p.last}}));
    if (!overlap.empty()) probes.insert(overlap.ranges().front().first);
    if (probes.size() > kMaxRouteChecks) {
      answer.why = "more than " + std::to_string(kMaxRouteChecks) + " routes overlap the targets";
      return answer;
    }
  }
  probes.erase(first);
  for (const Address& a : probes) {
    KernelRoute other;
    if (!route_of(a, other)) return answer;
    if (!same_hop(route, other)) {
      answer.why = text(first) + " and " + text(a) + " are reached through different routes (next hops " +
                   (on_link ? "on-link" : text(route.gateway)) + " and " +
                   (other.gateway.is_zero() ? "on-link" : text(other.gateway)) + ")";
      return answer;
    }
  }
  NextHop hop;
  hop.on_link = on_link;
  hop.address = on_link ? first : route.gateway;
  const auto mac = neighbour_mac(hop.address, ifindex);
  if (!mac) {
    answer.why = "no neighbour entry for next hop " + text(hop.address) + " on " + interface +
                 " (the kernel has not resolved its MAC yet; a ping to it would)";
    return answer;
  }
  hop.mac = *mac;
  answer.hop = hop;
  return answer;
}

}  // namespace portauth::scanner
