#include "scanner/next_hop.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if_arp.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "config/ipv4.h"
#include "common/setup_error.h"

namespace portauth::scanner {
namespace {

struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

struct Route {
  uint32_t gateway = 0;  // 0: on link
  int oif = 0;
};

// One RTM_GETROUTE request: the kernel answers with the route it would use for `target`.
Route kernel_route(uint32_t target) {
  Fd s{socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)};
  if (s.fd < 0) throw common::SetupError(std::string("netlink socket: ") + std::strerror(errno));
  struct {
    nlmsghdr nh;
    rtmsg rt;
    char attrs[64];
  } req{};
  req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(rtmsg));
  req.nh.nlmsg_type = RTM_GETROUTE;
  req.nh.nlmsg_flags = NLM_F_REQUEST;
  req.nh.nlmsg_seq = 1;
  req.rt.rtm_family = AF_INET;
  req.rt.rtm_dst_len = 32;
  auto* rta = reinterpret_cast<rtattr*>(reinterpret_cast<char*>(&req) + NLMSG_ALIGN(req.nh.nlmsg_len));
  rta->rta_type = RTA_DST;
  rta->rta_len = RTA_LENGTH(4);
  const uint32_t dst = htonl(target);
  std::memcpy(RTA_DATA(rta), &dst, 4);
  req.nh.nlmsg_len = NLMSG_ALIGN(req.nh.nlmsg_len) + RTA_LENGTH(4);
  if (send(s.fd, &req, req.nh.nlmsg_len, 0) < 0)
    throw common::SetupError(std::string("netlink route request: ") + std::strerror(errno));

  alignas(nlmsghdr) char buf[8192];
  const ssize_t got = recv(s.fd, buf, sizeof buf, 0);
  if (got < 0) throw common::SetupError(std::string("netlink route reply: ") + std::strerror(errno));
  unsigned len = unsigned(got);
  for (auto* nh = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(nh, len); nh = NLMSG_NEXT(nh, len)) {
    if (nh->nlmsg_type == NLMSG_ERROR) {
      const int err = -reinterpret_cast<nlmsgerr*>(NLMSG_DATA(nh))->error;
      throw common::SetupError("no route to " + config::format_ipv4(target) + ": " + std::strerror(err) +
                       "; check 'ip route'");
    }
    if (nh->nlmsg_type != RTM_NEWROUTE) continue;
    auto* rt = reinterpret_cast<rtmsg*>(NLMSG_DATA(nh));
    Route r;
    int attr_len = int(RTM_PAYLOAD(nh));
    for (auto* a = RTM_RTA(rt); RTA_OK(a, attr_len); a = RTA_NEXT(a, attr_len)) {
      if (a->rta_type == RTA_GATEWAY) {
        uint32_t gw;
        std::memcpy(&gw, RTA_DATA(a), 4);
        r.gateway = ntohl(gw);
      } else if (a->rta_type == RTA_OIF) {
        std::memcpy(&r.oif, RTA_DATA(a), sizeof(int));
      }
    }
    if (rt->rtm_type != RTN_UNICAST)
      throw common::SetupError(config::format_ipv4(target) + " is not reached through a unicast route (local, "
                       "broadcast or unreachable); use --send-mode raw");
    return r;
  }
  throw common::SetupError("no route to " + config::format_ipv4(target) + " in the kernel's answer");
}

// The neighbour cache's complete entry for `addr` on `interface`, if any.
bool neighbour_mac(uint32_t addr, const std::string& interface, std::array<uint8_t, 6>& mac) {
  std::ifstream arp("/proc/net/arp");
  std::string line;
  std::getline(arp, line);  // header
  const std::string want = config::format_ipv4(addr);
  while (std::getline(arp, line)) {
    std::istringstream in(line);
    std::string ip, hwtype, flags, hw, mask, dev;
    if (!(in >> ip >> hwtype >> flags >> hw >> mask >> dev)) continue;
    if (ip != want || dev != interface) continue;
    if ((std::stoul(flags, nullptr, 16) & ATF_COM) == 0) return false;  // incomplete: still resolving
    unsigned b[6];
    if (std::sscanf(hw.c_str(), "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6) return false;
    for (int i = 0; i < 6; ++i) mac[size_t(i)] = uint8_t(b[i]);
    return true;
  }
  return false;
}

}  // namespace

std::string format_mac(const std::array<uint8_t, 6>& mac) {
  char s[18];
  std::snprintf(s, sizeof s, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
  return s;
}

std::array<uint8_t, 6> interface_mac(const std::string& interface) {
  Fd s{socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)};
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, interface.c_str(), IFNAMSIZ - 1);
  if (s.fd < 0 || ioctl(s.fd, SIOCGIFHWADDR, &ifr) != 0)
    throw common::SetupError("cannot read the MAC address of '" + interface + "': " + std::strerror(errno));
  if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER)
    throw common::SetupError("interface '" + interface + "' is not Ethernet-like (tun, WireGuard, loopback carry no "
                     "Ethernet header); use --send-mode raw");
  std::array<uint8_t, 6> mac;
  std::memcpy(mac.data(), ifr.ifr_hwaddr.sa_data, 6);
  return mac;
}

NextHop resolve_next_hop(uint32_t target, const std::string& interface) {
  const Route r = kernel_route(target);
  char name[IF_NAMESIZE] = {};
  if (r.oif <= 0 || !if_indextoname(unsigned(r.oif), name))
    throw common::SetupError("the route to " + config::format_ipv4(target) + " names no interface");
  if (!interface.empty() && interface != name)
    throw common::SetupError("the route to " + config::format_ipv4(target) + " leaves through '" + name + "', not '" +
                     interface + "'; the TX ring sends on one interface only: use --send-mode raw");
  NextHop hop;
  hop.interface = name;
  hop.on_link = r.gateway == 0;
  hop.address = hop.on_link ? target : r.gateway;
  if (!neighbour_mac(hop.address, hop.interface, hop.mac))
    throw common::SetupError("no neighbour entry for next hop " + config::format_ipv4(hop.address) + " on " + hop.interface +
                     " (the TX ring needs its MAC): ping it once so the kernel resolves it, or use --send-mode raw");
  return hop;
}

}  // namespace portauth::scanner
