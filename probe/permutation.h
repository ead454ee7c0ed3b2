// A keyed pseudo-random permutation of [0, n), computed on demand: no list is stored, so a
// scan of 2^28 probes costs no memory for its order. forward(j) is the j-th index to probe;
// inverse(i) finds where index i falls in that order (the capture side uses it to map a reply
// back to a shard slot).
//
// Construction: a 4-round Feistel network over the smallest power of two >= n, with cycle
// walking (re-encrypt until the value falls inside [0, n)). The two halves may differ by one
// bit (an unbalanced, alternating Feistel: even rounds rewrite the high half from the low
// one, odd rounds the low half from the high one); each round is invertible whatever the
// round function, so the network is a bijection, and cycle walking restricts a bijection to
// a subset, so forward() is a bijection of [0, n). The domain is < 2n, so a call averages
// fewer than 2 passes through the network (a balanced network needs an even bit count, a
// domain up to 4n: the send path spent half its time there). Same (n, seed) -> same order,
// on every machine.
#pragma once
#include <array>
#include <cstdint>

namespace portauth::probe {

class Permutation {
 public:
  Permutation(uint64_t n, uint64_t seed);

  uint64_t size() const { return n_; }
  uint64_t forward(uint64_t position) const;  // requires position < size()
  uint64_t inverse(uint64_t index) const;     // requires index < size()

 private:
  static constexpr int kRounds = 4;
  uint64_t encrypt(uint64_t x) const;
  uint64_t decrypt(uint64_t x) const;
  uint64_t round(int r, uint64_t half) const;

  uint64_t n_;
  unsigned low_bits_ = 1;   // the low half; the high half has bits - low_bits_ (equal or one more)
  uint64_t low_mask_ = 1;
  uint64_t high_mask_ = 1;
  std::array<uint64_t, kRounds> keys_{};
};

}  // namespace portauth::probe
