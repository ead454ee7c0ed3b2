// A clock that only moves when something sleeps on it, for deterministic rate and wait tests.
#pragma once
#include "scanner/clock.h"

namespace portauth::test {

class FakeClock final : public scanner::Clock {
 public:
  uint64_t now_ns() override { return now; }
  void sleep_until_ns(uint64_t deadline) override {
    ++sleeps;
    if (deadline > now) now = deadline;
  }
  uint64_t now = 1'000'000'000;
  uint64_t sleeps = 0;
};

}  // namespace portauth::test
