// Port grammar: comma-separated items, each a port "80", a range "8000-8100", or "-" for
// every port 0-65535 (masscan's and nmap's "-p-"). Result is sorted and de-duplicated.
// Errors name the offending item: "65536" (out of range), "100-1" (end below start), ",,"
// (empty item), "abc".
//
// nmap's protocol prefixes (-p T:22,80,U:53,161): "T:" or "U:" before an item makes it and
// every item after it, up to the next prefix, a TCP or a UDP port; items before the first
// prefix are plain and go to every protocol the scan asks for (scan_plan.h).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace portauth::config {

std::vector<uint16_t> parse_ports(std::string_view spec);

// A port list with nmap's prefixes, split: plain items, T: items and U: items (each sorted,
// unique). "S:" (SCTP) and "P:" (IP protocols) are refused, naming what portauth scans.
struct PortSpecParts {
  std::vector<uint16_t> plain, tcp, udp;
};
PortSpecParts parse_port_spec(std::string_view spec);

// Formats a sorted port list compactly ("21-23,80,443"), for summaries and resume files.
std::string format_ports(const std::vector<uint16_t>& ports);
// The TCP and UDP lists as one spec parse_port_spec reads back: plain when there is no UDP
// port (exactly format_ports(tcp): a TCP scan's spec is what it always was), else
// "T:...,U:..." (a side left out when it is empty).
std::string format_port_spec(const std::vector<uint16_t>& tcp, const std::vector<uint16_t>& udp);

}  // namespace portauth::config
