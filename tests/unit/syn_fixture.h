// The SYN template written byte by byte, as build_syn_template (libnet) makes it: IPv4 (TTL 64,
// no DF, protocol 6) + TCP (SYN, window 1024, one MSS option of 1460), destination, ports and
// sequence zero. Pure tests build probes from it without linking libnet; wire_unit_tests
// checks that libnet's template equals it byte for byte.
#pragma once
#include <cstdint>
#include <vector>

namespace portauth::test {

inline std::vector<uint8_t> reference_syn_template(uint32_t source_ip) {
  std::vector<uint8_t> t = {
      0x45, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x40, 0x06, 0x00, 0x00,  // IPv4, checksum below
      uint8_t(source_ip >> 24), uint8_t(source_ip >> 16), uint8_t(source_ip >> 8), uint8_t(source_ip),
      0, 0, 0, 0,                                                               // destination
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,                                       // ports, seq, ack
      0x60, 0x02, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00,                           // offset 6, SYN, window 1024
      0x02, 0x04, 0x05, 0xb4};                                                  // MSS 1460
  auto fold = [](uint32_t s) {
    while (s >> 16) s = (s & 0xffff) + (s >> 16);
    return uint16_t(~s);
  };
  uint32_t ip = 0;
  for (size_t i = 0; i < 20; i += 2) ip += uint32_t(t[i] << 8 | t[i + 1]);
  const uint16_t ip_sum = fold(ip);
  t[10] = uint8_t(ip_sum >> 8);
  t[11] = uint8_t(ip_sum);
  uint32_t tcp = (source_ip >> 16) + (source_ip & 0xffff) + 6 + 24;  // pseudo header (destination 0)
  for (size_t i = 20; i < 44; i += 2) tcp += uint32_t(t[i] << 8 | t[i + 1]);
  const uint16_t tcp_sum = fold(tcp);
  t[36] = uint8_t(tcp_sum >> 8);
  t[37] = uint8_t(tcp_sum);
  return t;
}

}  // namespace portauth::test
