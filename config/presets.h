// Named port sets, after GRC's ShieldsUP tests:
//   common  - the 26 "Common Ports" ShieldsUP probes (0, 21, 22, 23, 25, 79, 80, 110, 113,
//             119, 135, 139, 143, 389, 443, 445, 1002, 1024-1030, 1720, 5000)
//   service - "All Service Ports": 0-1055
//   all     - 0-65535
// (--top-ports N comes from the port database's ranks, resolved by the caller.)
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace portauth::config {

// Throws SpecError for an unknown name, listing the known ones.
std::vector<uint16_t> preset_ports(const std::string& name);

}  // namespace portauth::config
