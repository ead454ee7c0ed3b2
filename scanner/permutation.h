// A keyed pseudo-random permutation of [0, n), computed on demand: no list is stored, so a
// scan of 2^28 probes costs no memory for its order. forward(j) is the j-th index to probe;
// inverse(i) finds where index i falls in that order (the capture side uses it to map a reply
// back to a shard slot).
//
// Construction: a 4-round balanced Feistel network over the smallest even-bit power of two
// >= n, with cycle walking (re-encrypt until the value falls inside [0, n)). A Feistel
// network is a bijection for any round function, and cycle walking restricts a bijection to
// a subset, so forward() is a bijection of [0, n). The domain is < 4n, so a call averages
// fewer than 4 rounds of the network. Same (n, seed) -> same order, on every machine.
#pragma once
#include <array>
#include <cstdint>

namespace portauth::scanner {

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
  unsigned half_bits_ = 1;
  uint64_t half_mask_ = 1;
  std::array<uint64_t, kRounds> keys_{};
};

}  // namespace portauth::scanner
