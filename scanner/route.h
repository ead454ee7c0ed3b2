// Picks the interface and source address for a scan from the kernel's routing table, the
// way the kernel itself would for a connection to the first target of each family. A
// connected UDP socket asks the routing code without sending anything.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "config/address.h"

namespace portauth::scanner {

struct RouteChoice {
  std::string interface;
  config::Address source_v4;  // our IPv4 source (zero: the scan has no IPv4 target)
  config::Address source_v6;  // our IPv6 source (zero: the scan has no IPv6 target)

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
// %zone).
RouteChoice choose_route(const config::Address& target, const std::string& interface_hint,
                         std::optional<config::Address> source_hint);

}  // namespace portauth::scanner
