#include "probe/permutation.h"

#include <bit>

namespace portauth::probe {
namespace {

// splitmix64's finalizer: a fast, well-mixed 64-bit hash. Good enough for an order that
// only has to look random to the network, not to resist an adversary.
uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

Permutation::Permutation(uint64_t n, uint64_t seed) : n_(n) {
  const unsigned bits = n <= 2 ? 2 : unsigned(std::bit_width(n - 1));
  low_bits_ = bits / 2;
  low_mask_ = (uint64_t{1} << low_bits_) - 1;
  high_mask_ = (uint64_t{1} << (bits - low_bits_)) - 1;
  uint64_t s = seed;
  for (auto& k : keys_) {
    s += 0x9e3779b97f4a7c15ULL;
    k = mix64(s);
  }
}

uint64_t Permutation::round(int r, uint64_t half) const { return mix64(half ^ keys_[r]); }

// Even rounds: high ^= F(low); odd rounds: low ^= F(high). Unrolled by the compiler (kRounds
// is a constant); each round is one mix64, so a pass costs four dependent multiply chains.
uint64_t Permutation::encrypt(uint64_t x) const {
  uint64_t high = x >> low_bits_, low = x & low_mask_;
  for (int r = 0; r < kRounds; ++r) {
    if (r % 2 == 0) high ^= round(r, low) & high_mask_;
    else low ^= round(r, high) & low_mask_;
  }
  return (high << low_bits_) | low;
}

uint64_t Permutation::decrypt(uint64_t x) const {
  uint64_t high = x >> low_bits_, low = x & low_mask_;
  for (int r = kRounds - 1; r >= 0; --r) {
    if (r % 2 == 0) high ^= round(r, low) & high_mask_;
    else low ^= round(r, high) & low_mask_;
  }
  return (high << low_bits_) | low;
}

uint64_t Permutation::forward(uint64_t position) const {
  uint64_t x = encrypt(position);
  while (x >= n_) x = encrypt(x);
  return x;
}

uint64_t Permutation::inverse(uint64_t index) const {
  uint64_t x = decrypt(index);
  while (x >= n_) x = decrypt(x);
  return x;
}

}  // namespace portauth::probe
