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
  // A simulated clock advances only when every thread that waits on it is asleep, so it must
  // know those threads: enter() before a thread starts waiting on the clock (called by the
  // thread that spawns it, so no moment passes uncounted), leave() when it will wait no more
  // (when it ends, or before it blocks on something else, such as joining another thread).
  // The real clock ignores both.
  virtual void enter() {}
  virtual void leave() {}
};

// CLOCK_MONOTONIC; sleeps with nanosleep for long waits and yields for short ones, because
// a 10 Mpps sender cannot afford a 50 us scheduler round trip per batch.
class SteadyClock final : public Clock {
 public:
  uint64_t now_ns() override;
  void sleep_until_ns(uint64_t deadline_ns) override;
};

}  // namespace portauth::scanner
