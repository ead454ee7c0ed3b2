// Named port sets, after GRC's ShieldsUP tests:
//   common  - the 26 "Common Ports" ShieldsUP probes (0, 21, 22, 23, 25, 79, 80, 110, 113,
//             119, 135, 139, 143, 389, 443, 445, 1002, 1024-1030, 1720, 5000)
//   service - "All Service Ports": 0-1055
//   all     - 0-65535
// (--top-ports N comes from the port database's ranks, resolved by the caller.)
//
// The default set, when a scan names no ports (no -p, --preset or --top-ports): ShieldsUP's
// service range 0-1055 plus every port the database ranks above it (the services most often
// found open that live higher up: 1433, 3306, 3389, 5432, 8080, ...).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace portauth::config {

// Throws SpecError for an unknown name, listing the known ones.
std::vector<uint16_t> preset_ports(const std::string& name);

// The default set from the database's ranked ports (any order, duplicates allowed); sorted.
std::vector<uint16_t> default_port_set(const std::vector<uint16_t>& ranked);
// "the default port set: ShieldsUP's service range 0-1055 and the N database-ranked ports
// above it (M ports)", for the summary.
std::string describe_default_port_set(const std::vector<uint16_t>& set);

}  // namespace portauth::config
