#include "scanner/clock.h"

#include <sched.h>
#include <time.h>

namespace portauth::scanner {

uint64_t SteadyClock::now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1000000000ULL + uint64_t(ts.tv_nsec);
}

void SteadyClock::sleep_until_ns(uint64_t deadline_ns) {
  for (;;) {
    const uint64_t now = now_ns();
    if (now >= deadline_ns) return;
    const uint64_t left = deadline_ns - now;
    if (left > 200000) {
      // Sleep most of the way; the scheduler's wake-up slack is eaten by the yield loop.
      const uint64_t nap = left - 100000;
      timespec ts{time_t(nap / 1000000000ULL), long(nap % 1000000000ULL)};
      nanosleep(&ts, nullptr);
    } else {
      sched_yield();
    }
  }
}

}  // namespace portauth::scanner
