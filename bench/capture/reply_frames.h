// Reply frames for the capture benchmarks: valid answers to real probes of a ProbeSpace,
// written byte by byte as Ethernet frames (what a veth or NIC capture hands the loop).
#pragma once
#include <cstdint>
#include <vector>

#include "probe/cookie.h"
#include "probe/probe_space.h"

namespace portauth::bench {

inline constexpr uint32_t kUs = 0xc6120001;  // 198.18.0.1
inline constexpr uint16_t kPortFirst = 61000, kPortCount = 256;

// One Ethernet frame per slot in [0, count): a SYN-ACK, an RST+ACK or an ICMP port
// unreachable (slot % 3), each carrying the right cookie for source port 61000 + slot % 256.
inline std::vector<std::vector<uint8_t>> reply_frames(const probe::ProbeSpace& space,
                                                      const probe::CookieKey& key, uint64_t count) {
  auto put16 = [](std::vector<uint8_t>& v, uint32_t x) {
    v.push_back(uint8_t(x >> 8));
    v.push_back(uint8_t(x));
  };
  auto put32 = [&](std::vector<uint8_t>& v, uint32_t x) {
    put16(v, x >> 16);
    put16(v, x & 0xffff);
  };
  auto ip = [&](std::vector<uint8_t>& v, uint32_t src, uint32_t dst, uint8_t proto, uint16_t payload) {
    v.push_back(0x45);
    v.push_back(0);
    put16(v, 20u + payload);
    put32(v, 0x12340000);  // id, no fragment
    v.push_back(64);
    v.push_back(proto);
    put16(v, 0);
    put32(v, src);
    put32(v, dst);
  };
  auto tcp = [&](std::vector<uint8_t>& v, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
                 uint8_t flags) {
    put16(v, sport);
    put16(v, dport);
    put32(v, seq);
    put32(v, ack);
    v.push_back(0x50);
    v.push_back(flags);
    put32(v, 0xffff0000);  // window, checksum
    put16(v, 0);
  };
  std::vector<std::vector<uint8_t>> frames;
  for (uint64_t slot = 0; slot < count; ++slot) {
    const auto pt = space.at(slot);
    const struct { uint32_t addr; uint16_t port; } t{pt.addr.v4(), pt.port};  // IPv4 frames
    const uint16_t sport = uint16_t(kPortFirst + slot % kPortCount);
    const uint32_t cookie = probe::syn_cookie(key, t.addr, t.port, kUs, sport);
    std::vector<uint8_t> f = {2, 0x70, 0x61, 0, 0, 1, 2, 0x70, 0x61, 0, 0, 2, 0x08, 0x00};
    switch (slot % 3) {
      case 0:
        ip(f, t.addr, kUs, 6, 20);
        tcp(f, t.port, sport, 777, cookie + 1, 0x12);
        break;
      case 1:
        ip(f, t.addr, kUs, 6, 20);
        tcp(f, t.port, sport, 0, cookie + 1, 0x14);
        break;
      default:
        ip(f, t.addr, kUs, 1, 8 + 28);
        f.insert(f.end(), {3, 3, 0, 0, 0, 0, 0, 0});  // type 3 code 3, checksum, unused
        ip(f, kUs, t.addr, 6, 24);
        put16(f, sport);
        put16(f, t.port);
        put32(f, cookie);
        break;
    }
    frames.push_back(std::move(f));
  }
  return frames;
}

}  // namespace portauth::bench
