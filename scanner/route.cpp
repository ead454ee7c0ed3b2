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

std::string interface_with_address(const Address& addr) {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return {};
  std::string name;
  for (ifaddrs* i = list; i; i = i->ifa_next) {
    if (!i->ifa_addr) continue;
    Address a;
    if (i->ifa_addr->sa_family == AF_INET)
      a = Address::v4(ntohl(reinterpret_cast<const sockaddr_in*>(i->ifa_addr)->sin_addr.s_addr));
    else if (i->ifa_addr->sa_family == AF_INET6)
      a = Address::from_bytes(reinterpret_cast<const sockaddr_in6*>(i->ifa_addr)->sin6_addr.s6_addr);
    else
      continue;
    if (a == addr) {
      name = i->ifa_name;
      break;
    }
  }
  freeifaddrs(list);
  return name;
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

RouteChoice choose_route(const Address& target, const std::string& interface_hint,
                         std::optional<Address> source_hint) {
  RouteChoice choice;
  choice.interface = interface_hint;
  if (!interface_hint.empty() && if_nametoindex(interface_hint.c_str()) == 0)
    throw common::SetupError("no interface named '" + interface_hint + "' (see 'ip link')");
  const Address source = source_hint ? *source_hint : routed_source(target, interface_hint);
  (target.is_v4() ? choice.source_v4 : choice.source_v6) = source;
  if (choice.interface.empty()) {
    choice.interface = interface_with_address(source);
    if (choice.interface.empty())
      throw common::SetupError("source address " + config::format_address(source) +
                               " is on no local interface; pass --interface");
  }
  return choice;
}

}  // namespace portauth::scanner
