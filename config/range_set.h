// A set of addresses of either family (config/address.h) kept as sorted, disjoint,
// non-adjacent inclusive ranges. Adding overlapping or touching ranges merges them, so every
// address is counted once. Index access (at/index_of) is what the scanner uses to map probe
// indices to addresses: the IPv4 addresses (::ffff:0:0/96) come in one run among the IPv6
// ones, so a mixed set is still one dense index.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "config/address.h"

namespace portauth::config {

struct AddressRange {
  Address first;
  Address last;  // inclusive
  // Saturates at 2^128 - 1 (only ::/0 has more).
  Uint128 size() const {
    const Uint128 d = last.value - first.value;
    return d == ~Uint128{0} ? d : d + 1;
  }
  bool operator==(const AddressRange&) const = default;
};

// Saturating: a count no uint64_t holds is UINT64_MAX (the plan refuses such sets anyway).
inline uint64_t clamp64(Uint128 n) { return n >> 64 ? UINT64_MAX : uint64_t(n); }

class RangeSet {
 public:
  RangeSet() = default;
  explicit RangeSet(std::vector<AddressRange> ranges);  // any order, overlaps allowed

  void add(AddressRange r);
  void add(const RangeSet& other);
  // Removes every address of `other`; returns how many addresses were removed.
  uint64_t subtract(const RangeSet& other);
  RangeSet intersect(const RangeSet& other) const;

  bool contains(Address addr) const;
  bool empty() const { return ranges_.empty(); }
  uint64_t count() const { return clamp64(total_); }  // saturating, see clamp64
  Uint128 count128() const { return total_; }
  uint64_t count_v4() const;  // the IPv4 addresses among them
  const std::vector<AddressRange>& ranges() const { return ranges_; }

  // The index-th address in ascending order; index < count(). O(log ranges).
  Address at(uint64_t index) const;
  // Position of addr in ascending order, or nullopt if not in the set. O(log ranges).
  std::optional<uint64_t> index_of(Address addr) const;

 private:
  void normalize();
  std::vector<AddressRange> ranges_;
  std::vector<Uint128> offset_;  // offset_[i] = addresses before ranges_[i]
  Uint128 total_ = 0;
};

}  // namespace portauth::config
