// Port grammar: comma-separated items, each a port "80", a range "8000-8100", or "-" for
// every port 0-65535 (masscan's and nmap's "-p-"). Result is sorted and de-duplicated.
// Errors name the offending item: "65536" (out of range), "100-1" (end below start), ",,"
// (empty item), "abc".
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace portauth::config {

std::vector<uint16_t> parse_ports(std::string_view spec);

// Formats a sorted port list compactly ("21-23,80,443"), for summaries and resume files.
std::string format_ports(const std::vector<uint16_t>& ports);

}  // namespace portauth::config
