// Hand-made reply frames for parser, validator and capture tests. Written byte by byte
// (not with the code under test) so the tests check the parser against the wire format.
#pragma once
#include <cstdint>
#include <vector>

namespace portauth::test {

inline void put16(std::vector<uint8_t>& v, uint16_t x) {
  v.push_back(uint8_t(x >> 8));
  v.push_back(uint8_t(x));
}
inline void put32(std::vector<uint8_t>& v, uint32_t x) {
  put16(v, uint16_t(x >> 16));
  put16(v, uint16_t(x));
}

inline std::vector<uint8_t> ipv4_header(uint32_t src, uint32_t dst, uint8_t proto, uint16_t payload_len,
                                        uint8_t ttl = 64) {
  std::vector<uint8_t> v = {0x45, 0};
  put16(v, uint16_t(20 + payload_len));
  put16(v, 0x1234);  // id
  put16(v, 0x4000);  // DF
  v.push_back(ttl);
  v.push_back(proto);
  put16(v, 0);  // checksum: the parser does not verify it (the kernel already has)
  put32(v, src);
  put32(v, dst);
  return v;
}

inline std::vector<uint8_t> tcp_header(uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags) {
  std::vector<uint8_t> v;
  put16(v, sport);
  put16(v, dport);
  put32(v, seq);
  put32(v, ack);
  v.push_back(0x50);
  v.push_back(flags);
  put16(v, 65535);
  put16(v, 0);
  put16(v, 0);
  return v;
}

inline std::vector<uint8_t> ethernet(const std::vector<uint8_t>& ip, uint16_t vlan = 0) {
  std::vector<uint8_t> v = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  if (vlan) {
    put16(v, 0x8100);
    put16(v, vlan);
  }
  put16(v, 0x0800);
  v.insert(v.end(), ip.begin(), ip.end());
  return v;
}

// A TCP reply from target:tport to us:uport as an Ethernet frame.
inline std::vector<uint8_t> tcp_reply(uint32_t target, uint16_t tport, uint32_t us, uint16_t uport, uint32_t ack,
                                      uint8_t flags, uint8_t ttl = 64) {
  auto ip = ipv4_header(target, us, 6, 20, ttl);
  auto tcp = tcp_header(tport, uport, 777, ack, flags);
  ip.insert(ip.end(), tcp.begin(), tcp.end());
  return ethernet(ip);
}

// An ICMP destination unreachable from `router` quoting our SYN us:uport -> target:tport.
inline std::vector<uint8_t> icmp_unreach(uint32_t router, uint32_t us, uint16_t uport, uint32_t target,
                                         uint16_t tport, uint32_t seq, uint8_t code, uint8_t ttl = 63) {
  auto quoted = ipv4_header(us, target, 6, 24);
  auto tcp = tcp_header(uport, tport, seq, 0, 0x02);
  quoted.insert(quoted.end(), tcp.begin(), tcp.begin() + 8);  // RFC 792: 8 bytes of payload
  std::vector<uint8_t> icmp = {3, code, 0, 0, 0, 0, 0, 0};
  icmp.insert(icmp.end(), quoted.begin(), quoted.end());
  auto ip = ipv4_header(router, us, 1, uint16_t(icmp.size()), ttl);
  ip.insert(ip.end(), icmp.begin(), icmp.end());
  return ethernet(ip);
}

inline constexpr uint8_t kSynAck = 0x12, kRstAck = 0x14, kRst = 0x04, kSyn = 0x02, kAck = 0x10;

}  // namespace portauth::test
