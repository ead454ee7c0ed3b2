// Hand-made reply frames for parser, validator and capture tests. Written byte by byte
// (not with the code under test) so the tests check the parser against the wire format.
#pragma once
#include <cstdint>
#include <vector>

#include "config/address.h"

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

// IPv6: the fixed header (RFC 8200 3), then `ext` (already-built extension headers, whose
// first byte must carry the next header), then the payload.
inline void put128(std::vector<uint8_t>& v, const config::Address& a) {
  uint8_t b[16];
  a.to_bytes(b);
  v.insert(v.end(), b, b + 16);
}
inline std::vector<uint8_t> ipv6_header(const config::Address& src, const config::Address& dst, uint8_t next,
                                        uint16_t payload_len, uint8_t hop_limit = 64) {
  std::vector<uint8_t> v = {0x60, 0, 0, 0};
  put16(v, payload_len);
  v.push_back(next);
  v.push_back(hop_limit);
  put128(v, src);
  put128(v, dst);
  return v;
}

inline std::vector<uint8_t> ethernet6(const std::vector<uint8_t>& ip) {
  std::vector<uint8_t> v = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  put16(v, 0x86dd);
  v.insert(v.end(), ip.begin(), ip.end());
  return v;
}

// An extension header of 8 bytes (hop-by-hop 0, destination options 60: PadN filling it;
// fragment 44: offset and M flag as given) carrying `next`.
inline std::vector<uint8_t> ext_header(uint8_t type, uint8_t next, uint16_t frag_offset = 0, bool more = false) {
  if (type == 44) {
    std::vector<uint8_t> v = {next, 0};
    put16(v, uint16_t(frag_offset << 3 | (more ? 1 : 0)));
    put32(v, 0xabcdef01);
    return v;
  }
  return {next, 0, 1, 4, 0, 0, 0, 0};  // length 0 = 8 bytes; PadN of 4
}

// A TCP reply over IPv6, optionally behind extension headers (types in order).
inline std::vector<uint8_t> tcp6_reply(const config::Address& target, uint16_t tport, const config::Address& us,
                                       uint16_t uport, uint32_t ack, uint8_t flags, uint8_t hop_limit = 64,
                                       const std::vector<uint8_t>& ext_types = {}) {
  std::vector<uint8_t> body;
  for (size_t i = 0; i < ext_types.size(); ++i) {
    const auto h = ext_header(ext_types[i], i + 1 < ext_types.size() ? ext_types[i + 1] : 6);
    body.insert(body.end(), h.begin(), h.end());
  }
  const auto tcp = tcp_header(tport, uport, 777, ack, flags);
  body.insert(body.end(), tcp.begin(), tcp.end());
  auto ip = ipv6_header(target, us, ext_types.empty() ? 6 : ext_types.front(), uint16_t(body.size()), hop_limit);
  ip.insert(ip.end(), body.begin(), body.end());
  return ethernet6(ip);
}

// An ICMPv6 destination unreachable (type 1) from `router` quoting our SYN us:uport -> target:tport.
inline std::vector<uint8_t> icmp6_unreach(const config::Address& router, const config::Address& us, uint16_t uport,
                                          const config::Address& target, uint16_t tport, uint32_t seq, uint8_t code,
                                          uint8_t hop_limit = 63) {
  auto quoted = ipv6_header(us, target, 6, 24);
  auto tcp = tcp_header(uport, tport, seq, 0, 0x02);
  quoted.insert(quoted.end(), tcp.begin(), tcp.end());  // RFC 4443: as much as fits; all of it here
  std::vector<uint8_t> icmp = {1, code, 0, 0, 0, 0, 0, 0};
  icmp.insert(icmp.end(), quoted.begin(), quoted.end());
  auto ip = ipv6_header(router, us, 58, uint16_t(icmp.size()), hop_limit);
  ip.insert(ip.end(), icmp.begin(), icmp.end());
  return ethernet6(ip);
}

// Either family by the addresses' own: the IPv4 frames above, or their IPv6 twins.
inline std::vector<uint8_t> tcp_reply(const config::Address& target, uint16_t tport, const config::Address& us,
                                      uint16_t uport, uint32_t ack, uint8_t flags, uint8_t ttl = 64) {
  if (target.is_v4()) return tcp_reply(target.v4(), tport, us.v4(), uport, ack, flags, ttl);
  return tcp6_reply(target, tport, us, uport, ack, flags, ttl);
}
inline std::vector<uint8_t> icmp_unreach(const config::Address& router, const config::Address& us, uint16_t uport,
                                         const config::Address& target, uint16_t tport, uint32_t seq, uint8_t code,
                                         uint8_t ttl = 63) {
  if (target.is_v4()) return icmp_unreach(router.v4(), us.v4(), uport, target.v4(), tport, seq, code, ttl);
  return icmp6_unreach(router, us, uport, target, tport, seq, code, ttl);
}

inline constexpr uint8_t kSynAck = 0x12, kRstAck = 0x14, kRst = 0x04, kSyn = 0x02, kAck = 0x10;

}  // namespace portauth::test
