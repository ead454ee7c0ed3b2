#include "verdict/canaries.h"

#include <algorithm>

namespace portauth::verdict {
namespace {

// splitmix64: the draw must not depend on the standard library's generators, so that every
// machine running a shard draws the same canaries from the same seed.
uint64_t next(uint64_t& s) {
  uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

bool contains(const std::vector<uint16_t>& sorted, uint16_t p) { return std::binary_search(sorted.begin(), sorted.end(), p); }

// `n` distinct ports of `from` (partial Fisher-Yates on a copy), sorted.
std::vector<uint16_t> draw(std::vector<uint16_t> from, unsigned n, uint64_t seed) {
  uint64_t s = seed ^ 0x63616e6172793321ULL;
  const size_t k = std::min<size_t>(n, from.size());
  for (size_t i = 0; i < k; ++i) std::swap(from[i], from[i + next(s) % (from.size() - i)]);
  from.resize(k);
  std::sort(from.begin(), from.end());
  return from;
}

}  // namespace

CanaryPlan choose_canaries(const std::vector<uint16_t>& pool, const std::vector<uint16_t>& scan_ports, unsigned count,
                           uint64_t seed) {
  CanaryPlan plan;
  if (count == 0) return plan;
  std::vector<uint16_t> uncovered;
  for (uint16_t p : pool) (contains(scan_ports, p) ? plan.ports : uncovered).push_back(p);
  if (plan.ports.size() >= count) return plan;
  plan.extra = draw(std::move(uncovered), unsigned(count - plan.ports.size()), seed);
  plan.ports.insert(plan.ports.end(), plan.extra.begin(), plan.extra.end());
  std::sort(plan.ports.begin(), plan.ports.end());
  return plan;
}

std::vector<uint16_t> more_canaries(const std::vector<uint16_t>& pool, const std::vector<uint16_t>& scan_ports,
                                    const std::vector<uint16_t>& canaries, unsigned n, uint64_t seed) {
  std::vector<uint16_t> fresh;
  for (uint16_t p : pool)
    if (!contains(scan_ports, p) && !contains(canaries, p)) fresh.push_back(p);
  return draw(std::move(fresh), n, seed ^ 0x666f6c6c6f777570ULL);
}

}  // namespace portauth::verdict
