#include "scanner/route.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "config/ipv4.h"
#include "common/setup_error.h"

namespace portauth::scanner {
namespace {

std::string interface_with_address(uint32_t addr) {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return {};
  std::string name;
  for (ifaddrs* i = list; i; i = i->ifa_next) {
    if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET) continue;
    const auto* sin = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
    if (ntohl(sin->sin_addr.s_addr) == addr) {
      name = i->ifa_name;
      break;
    }
  }
  freeifaddrs(list);
  return name;
}

}  // namespace

RouteChoice choose_route(uint32_t target, const std::string& interface_hint,
                         std::optional<uint32_t> source_hint) {
  RouteChoice choice;
  choice.interface = interface_hint;
  if (!interface_hint.empty() && if_nametoindex(interface_hint.c_str()) == 0)
    throw common::SetupError("no interface named '" + interface_hint + "' (see 'ip link')");

  if (source_hint) {
    choice.source_ip = *source_hint;
  } else {
    const int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) throw common::SetupError(std::string("socket: ") + std::strerror(errno));
    if (!interface_hint.empty())
      setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, interface_hint.c_str(), socklen_t(interface_hint.size()));
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(9);  // any port: connect() on UDP only consults the routing table
    to.sin_addr.s_addr = htonl(target);
    if (connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
      const int err = errno;
      close(fd);
      throw common::SetupError("no route to " + config::format_ipv4(target) + ": " + std::strerror(err) +
                       "; check 'ip route', or pass --interface and --source-ip");
    }
    sockaddr_in me{};
    socklen_t len = sizeof me;
    getsockname(fd, reinterpret_cast<sockaddr*>(&me), &len);
    close(fd);
    choice.source_ip = ntohl(me.sin_addr.s_addr);
  }
  if (choice.interface.empty()) {
    choice.interface = interface_with_address(choice.source_ip);
    if (choice.interface.empty())
      throw common::SetupError("source address " + config::format_ipv4(choice.source_ip) +
                       " is on no local interface; pass --interface");
  }
  return choice;
}

}  // namespace portauth::scanner
