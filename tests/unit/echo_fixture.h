// The echo request templates written byte by byte, as build_icmp_echo (libnet) makes them
// with destination = source, identifier and sequence 0: IPv4 (TTL 64, no DF, protocol 1) +
// ICMP echo, or IPv6 (hop limit 64, next header 58) + ICMPv6 echo, each with the 32-byte
// payload. Pure tests build the echo probe module from them without linking libnet;
// wire_unit_tests checks that libnet's templates equal them byte for byte.
#pragma once
#include <cstdint>
#include <cstring>
#include <vector>

#include "config/address.h"

namespace portauth::test {

inline constexpr char kEchoPayload[] = "portauth TruStealth ping check..";

inline uint16_t echo_fold(uint64_t s) {
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return uint16_t(~s);
}

inline uint64_t echo_sum(const uint8_t* p, size_t len) {
  uint64_t s = 0;
  for (size_t i = 0; i + 1 < len; i += 2) s += uint32_t(p[i] << 8 | p[i + 1]);
  return s;
}

inline std::vector<uint8_t> reference_echo_template(const config::Address& source) {
  std::vector<uint8_t> icmp(8 + 32, 0);
  std::memcpy(icmp.data() + 8, kEchoPayload, 32);
  if (source.is_v4()) {
    const uint32_t s = source.v4();
    std::vector<uint8_t> t = {0x45, 0, 0, 60, 0, 0, 0, 0, 64, 1, 0, 0,
                              uint8_t(s >> 24), uint8_t(s >> 16), uint8_t(s >> 8), uint8_t(s),
                              uint8_t(s >> 24), uint8_t(s >> 16), uint8_t(s >> 8), uint8_t(s)};
    const uint16_t ip_sum = echo_fold(echo_sum(t.data(), 20));
    t[10] = uint8_t(ip_sum >> 8);
    t[11] = uint8_t(ip_sum);
    icmp[0] = 8;
    const uint16_t sum = echo_fold(echo_sum(icmp.data(), icmp.size()));
    icmp[2] = uint8_t(sum >> 8);
    icmp[3] = uint8_t(sum);
    t.insert(t.end(), icmp.begin(), icmp.end());
    return t;
  }
  std::vector<uint8_t> t = {0x60, 0, 0, 0, 0, 40, 58, 64};
  t.resize(40);
  source.to_bytes(&t[8]);
  source.to_bytes(&t[24]);
  icmp[0] = 128;
  const uint16_t sum = echo_fold(echo_sum(&t[8], 32) + 40 + 58 + echo_sum(icmp.data(), icmp.size()));
  icmp[2] = uint8_t(sum >> 8);
  icmp[3] = uint8_t(sum);
  t.insert(t.end(), icmp.begin(), icmp.end());
  return t;
}

}  // namespace portauth::test
