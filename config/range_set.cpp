#include "config/range_set.h"

#include <algorithm>

namespace portauth::config {

RangeSet::RangeSet(std::vector<Ipv4Range> ranges) : ranges_(std::move(ranges)) { normalize(); }

void RangeSet::add(Ipv4Range r) {
  ranges_.push_back(r);
  normalize();
}

void RangeSet::add(const RangeSet& other) {
  ranges_.insert(ranges_.end(), other.ranges_.begin(), other.ranges_.end());
  normalize();
}

void RangeSet::normalize() {
  std::sort(ranges_.begin(), ranges_.end(),
            [](const Ipv4Range& a, const Ipv4Range& b) { return a.first < b.first; });
  std::vector<Ipv4Range> merged;
  merged.reserve(ranges_.size());
  for (const auto& r : ranges_) {
    // Merge overlapping and adjacent ranges; the 64-bit compare avoids wrap at 255.255.255.255.
    if (!merged.empty() && uint64_t{r.first} <= uint64_t{merged.back().last} + 1) {
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
    total_ += ranges_[i].size();
  }
}

uint64_t RangeSet::subtract(const RangeSet& other) {
  const uint64_t before = total_;
  std::vector<Ipv4Range> out;
  size_t j = 0;
  const auto& cut = other.ranges_;
  for (auto r : ranges_) {
    uint64_t lo = r.first;
    const uint64_t hi = r.last;
    while (j < cut.size() && cut[j].last < lo) ++j;
    size_t k = j;
    while (k < cut.size() && cut[k].first <= hi && lo <= hi) {
      if (cut[k].first > lo) out.push_back({uint32_t(lo), cut[k].first - 1});
      lo = uint64_t{cut[k].last} + 1;
      ++k;
    }
    if (lo <= hi) out.push_back({uint32_t(lo), uint32_t(hi)});
  }
  ranges_ = std::move(out);
  normalize();
  return before - total_;
}

RangeSet RangeSet::intersect(const RangeSet& other) const {
  std::vector<Ipv4Range> out;
  size_t i = 0, j = 0;
  while (i < ranges_.size() && j < other.ranges_.size()) {
    const auto& a = ranges_[i];
    const auto& b = other.ranges_[j];
    const uint32_t lo = std::max(a.first, b.first);
    const uint32_t hi = std::min(a.last, b.last);
    if (lo <= hi) out.push_back({lo, hi});
    if (a.last < b.last) ++i; else ++j;
  }
  return RangeSet(std::move(out));
}

bool RangeSet::contains(uint32_t addr) const { return index_of(addr).has_value(); }

uint32_t RangeSet::at(uint64_t index) const {
  // Last range whose offset is <= index.
  auto it = std::upper_bound(offset_.begin(), offset_.end(), index);
  const size_t r = size_t(it - offset_.begin()) - 1;
  return uint32_t(ranges_[r].first + (index - offset_[r]));
}

std::optional<uint64_t> RangeSet::index_of(uint32_t addr) const {
  auto it = std::upper_bound(ranges_.begin(), ranges_.end(), addr,
                             [](uint32_t a, const Ipv4Range& r) { return a < r.first; });
  if (it == ranges_.begin()) return std::nullopt;
  --it;
  if (addr > it->last) return std::nullopt;
  const size_t r = size_t(it - ranges_.begin());
  return offset_[r] + (addr - it->first);
}

}  // namespace portauth::config
