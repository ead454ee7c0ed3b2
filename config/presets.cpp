#include "config/presets.h"

#include <algorithm>

#include "config/port_spec.h"
#include "config/spec_error.h"

namespace portauth::config {

std::vector<uint16_t> preset_ports(const std::string& name) {
  if (name == "common")
    return parse_ports("0,21,22,23,25,79,80,110,113,119,135,139,143,389,443,445,1002,1024-1030,1720,5000");
  if (name == "service") return parse_ports("0-1055");
  if (name == "all") return parse_ports("0-65535");
  throw SpecError("unknown preset '" + name + "': use common, service or all");
}

}  // namespace portauth::config

namespace portauth::config {

std::vector<uint16_t> default_port_set(const std::vector<uint16_t>& ranked) {
  std::vector<uint16_t> ports = preset_ports("service");
  for (uint16_t p : ranked)
    if (p > 1055) ports.push_back(p);
  std::sort(ports.begin(), ports.end());
  ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
  return ports;
}

std::string describe_default_port_set(const std::vector<uint16_t>& set) {
  const size_t above = size_t(std::count_if(set.begin(), set.end(), [](uint16_t p) { return p > 1055; }));
  return "the default port set: ShieldsUP's service range 0-1055 and the " + std::to_string(above) +
         " database-ranked ports above it (" + std::to_string(set.size()) +
         " ports; choose others with -p, --preset or --top-ports)";
}

}  // namespace portauth::config
