#include "scanner/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace portauth::scanner {

RateLimiter::RateLimiter(double rate_pps, uint64_t start_ns, double burst)
    : rate_per_ns_(rate_pps / 1e9),
      // Automatic burst: 2 ms worth of packets, at least one batch of 64 at high rates and at
      // least 1 packet at tiny ones. Small enough to stay smooth, large enough that the
      // sender is not woken per packet.
      burst_(burst > 0 ? burst : std::clamp(rate_pps * 0.002, 1.0, 65536.0)),
      auto_burst_(burst <= 0),
      tokens_(1.0),
      last_ns_(start_ns) {}

void RateLimiter::refill(uint64_t now_ns) {
  if (now_ns > last_ns_) {
    tokens_ = std::min(burst_, tokens_ + double(now_ns - last_ns_) * rate_per_ns_);
    last_ns_ = now_ns;
  }
}

void RateLimiter::set_rate(double rate_pps) {
  rate_per_ns_ = rate_pps / 1e9;
  if (auto_burst_) burst_ = std::clamp(rate_pps * 0.002, 1.0, 65536.0);
  tokens_ = std::min(tokens_, burst_);
}

uint64_t RateLimiter::grant(uint64_t now_ns, uint64_t want) {
  refill(now_ns);
  const uint64_t n = std::min<uint64_t>(want, uint64_t(std::floor(tokens_)));
  tokens_ -= double(n);
  return n;
}

uint64_t RateLimiter::next_ns(uint64_t now_ns) const {
  if (tokens_ >= 1.0) return std::max(now_ns, last_ns_);
  return std::max(now_ns, last_ns_ + uint64_t(std::ceil((1.0 - tokens_) / rate_per_ns_)));
}

}  // namespace portauth::scanner
