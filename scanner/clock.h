// The scanner's only view of time. Injected so the rate limiter and the sender's pass and
// wait logic can be tested with a fake clock (masscan reads the clock inside its throttler,
// which makes it untestable).
#pragma once
#include <cstdint>

namespace portauth::scanner {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual uint64_t now_ns() = 0;
  virtual void sleep_until_ns(uint64_t deadline_ns) = 0;
};

// CLOCK_MONOTONIC; sleeps with nanosleep for long waits and yields for short ones, because
// a 10 Mpps sender cannot afford a 50 us scheduler round trip per batch.
class SteadyClock final : public Clock {
 public:
  uint64_t now_ns() override;
  void sleep_until_ns(uint64_t deadline_ns) override;
};

}  // namespace portauth::scanner
