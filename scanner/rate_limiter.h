// Token bucket for the send rate, asked once per batch rather than per packet (masscan's
// throttler does the same: a clock read per packet would cost more than building it).
//
// Contract: grant(now, want) returns how many packets may go at `now` (0..want) and
// consumes them. Tokens accrue at `rate` per second up to `burst`; the burst cap means a
// stall (a slow syscall, a descheduled thread) is not followed by an unbounded catch-up
// burst that would overrun the target's or our capture buffers. Time comes from the
// caller, so tests drive it with a fake clock.
#pragma once
#include <cstdint>

namespace portauth::scanner {

class RateLimiter {
 public:
  RateLimiter(double rate_pps, uint64_t start_ns, double burst = 0);  // burst 0: automatic

  uint64_t grant(uint64_t now_ns, uint64_t want);
  // Earliest time at which at least one packet may go.
  uint64_t next_ns(uint64_t now_ns) const;
  double burst() const { return burst_; }
  // A new rate from now on (the rate controller's); the automatic burst follows it.
  void set_rate(double rate_pps);

 private:
  void refill(uint64_t now_ns);
  double rate_per_ns_;
  double burst_;
  bool auto_burst_;
  double tokens_;
  uint64_t last_ns_;
};

}  // namespace portauth::scanner
