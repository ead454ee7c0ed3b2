// The UDP probe's header templates written byte by byte, as build_udp_template (libnet) makes
// them: IPv4 (TTL 64, no DF, protocol 17, id 0) + UDP, or IPv6 (hop limit 64, next header 17)
// + UDP; destination, ports, lengths and checksums as libnet leaves them for an empty payload.
// Pure tests build probes from them without linking libnet; wire_unit_tests checks that
// libnet's templates equal them byte for byte. Plus the reply frames UDP tests need.
#pragma once
#include <cstdint>
#include <vector>

#include "config/address.h"
#include "frames.h"

namespace portauth::test {

inline uint16_t fold_sum(uint32_t s) {
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return uint16_t(~s);
}

inline std::vector<uint8_t> reference_udp_template(const config::Address& source) {
  std::vector<uint8_t> t;
  if (source.is_v4()) {
    const uint32_t s = source.v4();
    t = {0x45, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x00, 0x40, 0x11, 0x00, 0x00,
         uint8_t(s >> 24), uint8_t(s >> 16), uint8_t(s >> 8), uint8_t(s), 0, 0, 0, 0,
         0, 0, 0, 0, 0x00, 0x08, 0, 0};
    uint32_t ip = 0;
    for (size_t i = 0; i < 20; i += 2) ip += uint32_t(t[i] << 8 | t[i + 1]);
    const uint16_t c = fold_sum(ip);
    t[10] = uint8_t(c >> 8);
    t[11] = uint8_t(c);
    // UDP checksum over the pseudo header (destination 0) and the 8-byte header.
    const uint16_t u = fold_sum((s >> 16) + (s & 0xffff) + 17 + 8 + 8);
    t[26] = uint8_t(u >> 8);
    t[27] = uint8_t(u);
    return t;
  }
  t.assign(48, 0);
  t[0] = 0x60, t[5] = 0x08, t[6] = 0x11, t[7] = 0x40;  // payload length 8, UDP, hop limit 64
  source.to_bytes(&t[8]);
  t[45] = 0x08;  // UDP length
  uint32_t sum = 17 + 8 + 8;
  for (size_t i = 8; i < 24; i += 2) sum += uint32_t(t[i] << 8 | t[i + 1]);
  const uint16_t u = fold_sum(sum);
  t[46] = uint8_t(u >> 8);
  t[47] = uint8_t(u);
  return t;
}

// A UDP datagram from target:tport to us:uport carrying `payload`, as an Ethernet frame.
inline std::vector<uint8_t> udp_reply(const config::Address& target, uint16_t tport, const config::Address& us,
                                      uint16_t uport, const std::vector<uint8_t>& payload, uint8_t ttl = 64) {
  std::vector<uint8_t> udp;
  put16(udp, tport);
  put16(udp, uport);
  put16(udp, uint16_t(8 + payload.size()));
  put16(udp, 0);
  udp.insert(udp.end(), payload.begin(), payload.end());
  if (target.is_v4()) {
    auto ip = ipv4_header(target.v4(), us.v4(), 17, uint16_t(udp.size()), ttl);
    ip.insert(ip.end(), udp.begin(), udp.end());
    return ethernet(ip);
  }
  auto ip = ipv6_header(target, us, 17, uint16_t(udp.size()), ttl);
  ip.insert(ip.end(), udp.begin(), udp.end());
  return ethernet6(ip);
}

// An ICMP (or ICMPv6, by the probe's family) destination unreachable from `sender` quoting
// the first `quote` bytes of `probe` (an IP packet we sent).
inline std::vector<uint8_t> icmp_quoting(const config::Address& sender, const std::vector<uint8_t>& probe,
                                         uint8_t code, size_t quote, uint8_t ttl = 64) {
  const bool v6 = (probe[0] >> 4) == 6;
  std::vector<uint8_t> icmp = {uint8_t(v6 ? 1 : 3), code, 0, 0, 0, 0, 0, 0};
  icmp.insert(icmp.end(), probe.begin(), probe.begin() + long(std::min(quote, probe.size())));
  if (!v6) {
    const uint32_t us = uint32_t(probe[12]) << 24 | uint32_t(probe[13]) << 16 | uint32_t(probe[14]) << 8 | probe[15];
    auto ip = ipv4_header(sender.v4(), us, 1, uint16_t(icmp.size()), ttl);
    ip.insert(ip.end(), icmp.begin(), icmp.end());
    return ethernet(ip);
  }
  auto ip = ipv6_header(sender, config::Address::from_bytes(&probe[8]), 58, uint16_t(icmp.size()), ttl);
  ip.insert(ip.end(), icmp.begin(), icmp.end());
  return ethernet6(ip);
}

}  // namespace portauth::test
