#include "scanner/route.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "common/setup_error.h"

namespace portauth::scanner {
namespace {

using config::Address;

// Calls f(address, interface name, flags) for every address of every interface.
template <class F>
void each_interface_address(F&& f) {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return;
  for (ifaddrs* i = list; i; i = i->ifa_next) {
    if (!i->ifa_addr) continue;
    if (i->ifa_addr->sa_family == AF_INET)
      f(Address::v4(ntohl(reinterpret_cast<const sockaddr_in*>(i->ifa_addr)->sin_addr.s_addr)), i->ifa_name,
        i->ifa_flags);
    else if (i->ifa_addr->sa_family == AF_INET6)
      f(Address::from_bytes(reinterpret_cast<const sockaddr_in6*>(i->ifa_addr)->sin6_addr.s6_addr), i->ifa_name,
        i->ifa_flags);
  }
  freeifaddrs(list);
}

std::string interface_with_address(const Address& addr) {
  std::string name;
  each_interface_address([&](const Address& a, const char* ifname, unsigned) {
    if (a == addr && name.empty()) name = ifname;
  });
  return name;
}

bool is_loopback_block(const Address& a) {
  return a.is_v4() ? (a.v4() >> 24) == 127 : a == Address{1};
}

// Asks the routing code which source address the kernel would use towards `target`.
Address routed_source(const Address& target, const std::string& interface_hint) {
  const bool v4 = target.is_v4();
  const int fd = socket(v4 ? AF_INET : AF_INET6, SOCK_DGRAM, 0);
  if (fd < 0) throw common::SetupError(std::string("socket: ") + std::strerror(errno));
  if (!interface_hint.empty())
    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, interface_hint.c_str(), socklen_t(interface_hint.size()));
  sockaddr_storage to{};
  socklen_t to_len;
  if (v4) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&to);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(9);  // any port: connect() on UDP only consults the routing table
    sin->sin_addr.s_addr = htonl(target.v4());
    to_len = sizeof *sin;
  } else {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&to);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(9);
    target.to_bytes(sin6->sin6_addr.s6_addr);
    if (!interface_hint.empty()) sin6->sin6_scope_id = if_nametoindex(interface_hint.c_str());
    to_len = sizeof *sin6;
  }
  if (connect(fd, reinterpret_cast<sockaddr*>(&to), to_len) != 0) {
    const int err = errno;
    close(fd);
    throw common::SetupError("no route to " + config::format_address(target) + ": " + std::strerror(err) +
                             (v4 ? "; check 'ip route'" : "; check 'ip -6 route'") +
                             ", or pass --interface and --source-ip");
  }
  sockaddr_storage me{};
  socklen_t len = sizeof me;
  getsockname(fd, reinterpret_cast<sockaddr*>(&me), &len);
  close(fd);
  if (v4) return Address::v4(ntohl(reinterpret_cast<const sockaddr_in*>(&me)->sin_addr.s_addr));
  return Address::from_bytes(reinterpret_cast<const sockaddr_in6*>(&me)->sin6_addr.s6_addr);
}

}  // namespace

std::vector<Address> local_addresses() {
  std::vector<Address> out;
  each_interface_address([&](const Address& a, const char*, unsigned) { out.push_back(a); });
  return out;
}

std::string loopback_interface() {
  std::string name;
  each_interface_address([&](const Address&, const char* ifname, unsigned flags) {
    if ((flags & IFF_LOOPBACK) && name.empty()) name = ifname;
  });
  return name.empty() ? "lo" : name;
}

RouteChoice choose_route(const Address& target, const std::string& interface_hint,
                         std::optional<Address> source_hint) {
  RouteChoice choice;
  choice.interface = interface_hint;
  if (!interface_hint.empty() && if_nametoindex(interface_hint.c_str()) == 0)
    throw common::SetupError("no interface named '" + interface_hint + "' (see 'ip link')");
  // With --source-ip the route is asked only to spot our own address: a target with no route
  // may still be reached on the given interface.
  std::optional<Address> routed;
  try {
    routed = routed_source(target, interface_hint);
  } catch (const common::SetupError&) {
    if (!source_hint) throw;
  }
  const Address source = source_hint ? *source_hint : *routed;
  (target.is_v4() ? choice.source_v4 : choice.source_v6) = source;
  // Our own address: the kernel picks it as its own source, and delivers and answers it over
  // loopback, not on the interface that holds it.
  if (routed == target || is_loopback_block(target)) {
    const std::string lo = loopback_interface();
    if (!interface_hint.empty() && interface_hint != lo)
      throw common::SetupError(config::format_address(target) + " is this machine's own address: its answers come "
                               "back over " + lo + ", not " + interface_hint + "; leave out --interface (or give " +
                               lo + ")");
    choice.interface = lo;
    choice.own_addresses = true;
  }
  if (choice.interface.empty()) {
    choice.interface = interface_with_address(source);
    if (choice.interface.empty())
      throw common::SetupError("source address " + config::format_address(source) +
                               " is on no local interface; pass --interface");
  }
  return choice;
}

}  // namespace portauth::scanner
