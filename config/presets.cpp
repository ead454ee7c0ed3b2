#include "presets.h"

#include "port_spec.h"
#include "spec_error.h"

namespace portauth::config {

std::vector<uint16_t> preset_ports(const std::string& name) {
  if (name == "common")
    return parse_ports("0,21,22,23,25,79,80,110,113,119,135,139,143,389,443,445,1002,1024-1030,1720,5000");
  if (name == "service") return parse_ports("0-1055");
  if (name == "all") return parse_ports("0-65535");
  throw SpecError("unknown preset '" + name + "': use common, service or all");
}

}  // namespace portauth::config
