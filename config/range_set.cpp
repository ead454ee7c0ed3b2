#include "config/range_set.h"

#include <algorithm>

namespace portauth::config {
namespace {

constexpr Uint128 kMax = ~Uint128{0};

}  // namespace

RangeSet::RangeSet(std::vector<AddressRange> ranges) : ranges_(std::move(ranges)) { normalize(); }

void RangeSet::add(AddressRange r) {
  ranges_.push_back(r);
  normalize();
}

void RangeSet::add(const RangeSet& other) {
  ranges_.insert(ranges_.end(), other.ranges_.begin(), other.ranges_.end());
  normalize();
}

void RangeSet::normalize() {
  std::sort(ranges_.begin(), ranges_.end(),
            [](const AddressRange& a, const AddressRange& b) { return a.first < b.first; });
  std::vector<AddressRange> merged;
  merged.reserve(ranges_.size());
  for (const auto& r : ranges_) {
    // Merge overlapping and adjacent ranges; the first test avoids wrap at the last address.
    if (!merged.empty() && (merged.back().last.value == kMax || r.first.value <= merged.back().last.value + 1)) {
      merged.back().last = std::max(merged.back().last, r.last);
    } else {
      merged.push_back(r);
    }
  }
  ranges_ = std::move(merged);
  offset_.resize(ranges_.size());
  total_ = 0;
  for (size_t i = 0; i < ranges_.size(); ++i) {
    offset_[i] = total_;
    const Uint128 n = ranges_[i].size();
    total_ = total_ > kMax - n ? kMax : total_ + n;
  }
}

uint64_t RangeSet::subtract(const RangeSet& other) {
  const Uint128 before = total_;
  std::vector<AddressRange> out;
  size_t j = 0;
  const auto& cut = other.ranges_;
  for (auto r : ranges_) {
    Uint128 lo = r.first.value;
    const Uint128 hi = r.last.value;
    bool open = true;  // [lo, hi] still has addresses
    while (j < cut.size() && cut[j].last.value < lo) ++j;
    size_t k = j;
    while (open && k < cut.size() && cut[k].first.value <= hi) {
      if (cut[k].first.value > lo) out.push_back({Address{lo}, Address{cut[k].first.value - 1}});
      if (cut[k].last.value >= hi) open = false;
      else lo = cut[k].last.value + 1;
      ++k;
    }
    if (open) out.push_back({Address{lo}, Address{hi}});
  }
  ranges_ = std::move(out);
  normalize();
  return clamp64(before - total_);
}

RangeSet RangeSet::intersect(const RangeSet& other) const {
  std::vector<AddressRange> out;
  size_t i = 0, j = 0;
  while (i < ranges_.size() && j < other.ranges_.size()) {
    const auto& a = ranges_[i];
    const auto& b = other.ranges_[j];
    const Address lo = std::max(a.first, b.first);
    const Address hi = std::min(a.last, b.last);
    if (lo <= hi) out.push_back({lo, hi});
    if (a.last < b.last) ++i; else ++j;
  }
  return RangeSet(std::move(out));
}

bool RangeSet::contains(Address addr) const {
  auto it = std::upper_bound(ranges_.begin(), ranges_.end(), addr,
                             [](Address a, const AddressRange& r) { return a < r.first; });
  return it != ranges_.begin() && addr <= (it - 1)->last;
}

uint64_t RangeSet::count_v4() const { return clamp64(intersect(RangeSet({{kFirstV4, kLastV4}})).total_); }

Address RangeSet::at(uint64_t index) const {
  // Last range whose offset is <= index.
  auto it = std::upper_bound(offset_.begin(), offset_.end(), Uint128{index});
  const size_t r = size_t(it - offset_.begin()) - 1;
  return Address{ranges_[r].first.value + (index - offset_[r])};
}

std::optional<uint64_t> RangeSet::index_of(Address addr) const {
  auto it = std::upper_bound(ranges_.begin(), ranges_.end(), addr,
                             [](Address a, const AddressRange& r) { return a < r.first; });
  if (it == ranges_.begin()) return std::nullopt;
  --it;
  if (addr > it->last) return std::nullopt;
  const size_t r = size_t(it - ranges_.begin());
  const Uint128 i = offset_[r] + (addr.value - it->first.value);
  if (i >> 64) return std::nullopt;  // beyond any probe index (the plan refuses such sets)
  return uint64_t(i);
}

}  // namespace portauth::config
