// Picks the interface and source address for a scan from the kernel's routing table, the
// way the kernel itself would for a connection to the first target of each family. A
// connected UDP socket asks the routing code without sending anything.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/address.h"

namespace portauth::scanner {

struct RouteChoice {
  std::string interface;
  config::Address source_v4;  // our IPv4 source (zero: the scan has no IPv4 target)
  config::Address source_v6;  // our IPv6 source (zero: the scan has no IPv6 target)
  // The targets are this machine's own addresses: captured on loopback, and sent through a
  // socket bound to no interface, so that the kernel routes them as local (bound to lo, a SYN
  // to an address of another interface is taken as "on link" there, and no RST comes back).
  bool own_addresses = false;

  // Our source for `target`'s family.
  const config::Address& source_for(const config::Address& target) const {
    return target.is_v4() ? source_v4 : source_v6;
  }
  // "198.18.0.1", "2001:2::1" or both, comma-separated: for summaries.
  std::string source_text() const {
    std::string out = source_v4.is_zero() ? "" : config::format_address(source_v4);
    if (!source_v6.is_zero()) out += (out.empty() ? "" : ", ") + config::format_address(source_v6);
    return out.empty() ? "0.0.0.0" : out;
  }
};

// The route to `target` alone: its family's source is filled in, the other left zero.
// Throws SetupError naming the target when there is no route, or when the given interface
// or source address does not exist. A link-local IPv6 target needs `interface_hint` (its
// %zone). One of this machine's own addresses (the kernel's source for it is itself, or it
// is loopback) is reached over the loopback interface, whichever interface holds it, since
// that is where the kernel delivers and answers it (issue 19.3); an `interface_hint` other
// than loopback for it is a SetupError that says so.
RouteChoice choose_route(const config::Address& target, const std::string& interface_hint,
                         std::optional<config::Address> source_hint);

// The addresses of this machine's (this namespace's) interfaces, both families.
std::vector<config::Address> local_addresses();
// The loopback interface's name ("lo").
std::string loopback_interface();

}  // namespace portauth::scanner
