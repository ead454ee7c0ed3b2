// Big-endian field access and one's-complement sums for the probe templates (SYN over IPv4
// and IPv6): the little helpers both patchers use on the per-probe path, inline and branch-free.
#pragma once
#include <cstddef>
#include <cstdint>

namespace portauth::probe::wire {

inline uint16_t get16(const uint8_t* p) { return uint16_t((p[0] << 8) | p[1]); }
inline void put16(uint8_t* p, uint16_t v) {
  p[0] = uint8_t(v >> 8);
  p[1] = uint8_t(v);
}
inline void put32(uint8_t* p, uint32_t v) {
  put16(p, uint16_t(v >> 16));
  put16(p + 2, uint16_t(v));
}
// The 16-bit big-endian words of p[0..len) added up (an odd last byte as the high half).
inline uint32_t sum_words(const uint8_t* p, size_t len) {
  uint32_t s = 0;
  for (size_t i = 0; i + 1 < len; i += 2) s += get16(p + i);
  if (len & 1) s += uint32_t(p[len - 1]) << 8;
  return s;
}
// Folds a sum to 16 bits and complements it: the Internet checksum of what was summed.
inline uint16_t fold(uint64_t s) {
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return uint16_t(~s & 0xffff);
}

}  // namespace portauth::probe::wire
