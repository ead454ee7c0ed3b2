// The ICMP echo request behind TruStealth's ping check, built with libnet in LIBNET_NONE
// mode (construct only: no privileges, no socket), like the SYN template: the template of the
// echo probe module (probe/icmp_echo_probe.h), which patches a copy of it per target.
//
// The packet: IPv4 (TTL 64, no DF, protocol 1) + ICMP type 8 code 0 with the given id and
// sequence number and a fixed 32-byte payload; every checksum filled in. For IPv6 addresses:
// IPv6 (hop limit 64, next header 58) + ICMPv6 type 128 code 0, the same id, sequence and
// payload.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "config/address.h"

namespace portauth::probe {

struct IcmpEchoOptions {
  config::Address source_ip;       // both of one family
  config::Address destination_ip;
  uint16_t id = 0;              // matches the reply to this run (ours, not another ping's)
  uint16_t sequence = 0;
  uint8_t ttl = 64;
};

inline constexpr size_t kIcmpEchoPayloadSize = 32;
inline constexpr size_t kIcmpEchoPacketSize = 20 + 8 + kIcmpEchoPayloadSize;
inline constexpr size_t kIcmp6EchoPacketSize = 40 + 8 + kIcmpEchoPayloadSize;

// Returns the complete IPv4 packet (kIcmpEchoPacketSize bytes; IPv6: kIcmp6EchoPacketSize). Throws std::runtime_error
// with libnet's message if libnet fails.
std::vector<uint8_t> build_icmp_echo(const IcmpEchoOptions& options);

}  // namespace portauth::probe
