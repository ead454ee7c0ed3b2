// Builds the UDP probe's header templates with libnet, once per scan, in construct-only mode
// (like the SYN template: no privileges, no socket); UdpPacket patches a copy per probe.
//
// IPv4: version 4, TTL 64, no DF, protocol 17, id 0 (written per probe). IPv6: hop limit 64,
// traffic class and flow label 0 (the flow label is written per probe). The UDP header with
// ports, length and checksum zero, and no payload.
#pragma once
#include <cstdint>
#include <vector>

#include "config/address.h"

namespace portauth::probe {

// The 28-byte IPv4+UDP header (an IPv4 `source`) or the 48-byte IPv6+UDP one (an IPv6 one).
// Throws std::runtime_error with libnet's message if libnet fails.
std::vector<uint8_t> build_udp_template(const config::Address& source, uint8_t ttl = 64);

}  // namespace portauth::probe
