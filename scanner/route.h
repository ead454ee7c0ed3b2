// Picks the interface and source address for a scan from the kernel's routing table, the
// way the kernel itself would for a connection to the first target. A connected UDP socket
// asks the routing code without sending anything.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace portauth::scanner {

struct RouteChoice {
  std::string interface;
  uint32_t source_ip = 0;
};

// Throws SetupError naming the target when there is no route, or when the given interface
// or source address does not exist.
RouteChoice choose_route(uint32_t target, const std::string& interface_hint,
                         std::optional<uint32_t> source_hint);

}  // namespace portauth::scanner
