// Target grammar (IPv4): "a.b.c.d", CIDR "a.b.c.d/n" (n = 0-32; host bits are ignored, as
// nmap and masscan do), ranges "a.b.c.d-e.f.g.h" and the short form "a.b.c.d-h" (last octet).
// A range whose end is below its start is an error, never silently swapped.
#pragma once
#include <string_view>
#include <vector>

#include "config/range_set.h"

namespace portauth::config {

// Parses one target; throws SpecError naming `text` and what is wrong.
Ipv4Range parse_target(std::string_view text);

// Parses several targets, each of which may itself be a comma-separated list.
RangeSet parse_targets(const std::vector<std::string>& specs);

}  // namespace portauth::config
