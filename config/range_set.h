// A set of IPv4 addresses kept as sorted, disjoint, non-adjacent inclusive ranges.
// Adding overlapping or touching ranges merges them, so every address is counted once.
// Index access (at/index_of) is what the scanner uses to map probe indices to addresses.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

namespace portauth::config {

struct Ipv4Range {
  uint32_t first = 0;
  uint32_t last = 0;  // inclusive
  uint64_t size() const { return uint64_t{last} - first + 1; }
  bool operator==(const Ipv4Range&) const = default;
};

class RangeSet {
 public:
  RangeSet() = default;
  explicit RangeSet(std::vector<Ipv4Range> ranges);  // any order, overlaps allowed

  void add(Ipv4Range r);
  void add(const RangeSet& other);
  // Removes every address of `other`; returns how many addresses were removed.
  uint64_t subtract(const RangeSet& other);
  RangeSet intersect(const RangeSet& other) const;

  bool contains(uint32_t addr) const;
  bool empty() const { return ranges_.empty(); }
  uint64_t count() const { return total_; }
  const std::vector<Ipv4Range>& ranges() const { return ranges_; }

  // The index-th address in ascending order; index < count(). O(log ranges).
  uint32_t at(uint64_t index) const;
  // Position of addr in ascending order, or nullopt if not in the set. O(log ranges).
  std::optional<uint64_t> index_of(uint32_t addr) const;

 private:
  void normalize();
  std::vector<Ipv4Range> ranges_;
  std::vector<uint64_t> offset_;  // offset_[i] = addresses before ranges_[i]
  uint64_t total_ = 0;
};

}  // namespace portauth::config
