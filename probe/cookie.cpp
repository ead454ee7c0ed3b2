#include "probe/cookie.h"

#include <sys/random.h>

#include <cstring>
#include <stdexcept>

namespace portauth::probe {
namespace {

inline uint64_t rotl(uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }

struct SipState {
  uint64_t v0, v1, v2, v3;
  explicit SipState(const CookieKey& k)
      : v0(k.k0 ^ 0x736f6d6570736575ULL),
        v1(k.k1 ^ 0x646f72616e646f6dULL),
        v2(k.k0 ^ 0x6c7967656e657261ULL),
        v3(k.k1 ^ 0x7465646279746573ULL) {}
  inline void round() {
    v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32);
    v2 += v3; v3 = rotl(v3, 16); v3 ^= v2;
    v0 += v3; v3 = rotl(v3, 21); v3 ^= v0;
    v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32);
  }
  inline void compress(uint64_t m) {
    v3 ^= m;
    round();
    round();
    v0 ^= m;
  }
  inline uint64_t finish() {
    v2 ^= 0xff;
    round(); round(); round(); round();
    return v0 ^ v1 ^ v2 ^ v3;
  }
};

inline uint64_t load_le64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

}  // namespace

CookieKey CookieKey::random() {
  CookieKey key;
  uint8_t buf[16];
  size_t got = 0;
  while (got < sizeof buf) {
    const ssize_t n = getrandom(buf + got, sizeof buf - got, 0);
    if (n < 0) throw std::runtime_error("getrandom failed: cannot make a cookie key");
    got += size_t(n);
  }
  key.k0 = load_le64(buf);
  key.k1 = load_le64(buf + 8);
  return key;
}

uint64_t siphash24(const CookieKey& key, const void* data, size_t len) {
  const auto* p = static_cast<const uint8_t*>(data);
  SipState s(key);
  const size_t whole = len & ~size_t{7};
  for (size_t i = 0; i < whole; i += 8) s.compress(load_le64(p + i));
  uint64_t last = uint64_t(len & 0xff) << 56;
  for (size_t i = 0; i < (len & 7); ++i) last |= uint64_t(p[whole + i]) << (8 * i);
  s.compress(last);
  return s.finish();
}

void cookie_message(uint32_t target_ip, uint16_t target_port, uint32_t source_ip,
                    uint16_t source_port, uint64_t out[2]) {
  out[0] = (uint64_t{target_ip} << 32) | source_ip;
  out[1] = (uint64_t{target_port} << 16) | source_port;
}

uint32_t syn_cookie(const CookieKey& key, uint32_t target_ip, uint16_t target_port,
                    uint32_t source_ip, uint16_t source_port) {
  // Hot path: SipHash-2-4 of exactly 16 bytes, the two message words then the length block.
  uint64_t m[2];
  cookie_message(target_ip, target_port, source_ip, source_port, m);
  SipState s(key);
  s.compress(m[0]);
  s.compress(m[1]);
  s.compress(uint64_t{16} << 56);
  const uint64_t h = s.finish();
  return uint32_t(h ^ (h >> 32));
}

void cookie_message6(const config::Address& target, uint16_t target_port, const config::Address& source,
                     uint16_t source_port, uint64_t out[5]) {
  out[0] = target.hi();
  out[1] = target.lo();
  out[2] = source.hi();
  out[3] = source.lo();
  out[4] = (uint64_t{target_port} << 16) | source_port;
}

uint32_t syn_cookie(const CookieKey& key, const config::Address& target, uint16_t target_port,
                    const config::Address& source, uint16_t source_port) {
  // IPv4 keeps its 16-byte message: the same cookies, the same cost as before IPv6.
  if (target.is_v4() && source.is_v4()) return syn_cookie(key, target.v4(), target_port, source.v4(), source_port);
  uint64_t m[5];
  cookie_message6(target, target_port, source, source_port, m);
  SipState s(key);
  for (uint64_t w : m) s.compress(w);
  s.compress(uint64_t{40} << 56);
  const uint64_t h = s.finish();
  return uint32_t(h ^ (h >> 32));
}

void udp_cookie_message(const config::Address& target, uint16_t target_port, const config::Address& source,
                        uint64_t out[5]) {
  out[0] = target.hi();
  out[1] = target.lo();
  out[2] = source.hi();
  out[3] = source.lo();
  // "UDP" in the high bytes: a SYN message's last word never has bits above 32 set.
  out[4] = (uint64_t{0x554450} << 40) | target_port;
}

uint64_t udp_cookie(const CookieKey& key, const config::Address& target, uint16_t target_port,
                    const config::Address& source) {
  uint64_t m[5];
  udp_cookie_message(target, target_port, source, m);
  SipState s(key);
  for (uint64_t w : m) s.compress(w);
  s.compress(uint64_t{40} << 56);
  return s.finish();
}

}  // namespace portauth::probe
