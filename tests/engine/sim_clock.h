// Simulated time for whole-scan tests: a discrete-event clock shared by real threads.
//
// Time stands still while any participating thread is running and jumps to the earliest
// deadline once every participant sleeps on the clock, so a scan of many simulated seconds
// runs as fast as the code allows, and what a thread sees of time depends only on the
// simulation (not on how the host schedules the test). Participants are counted with
// enter()/leave() (scanner/clock.h); the constructing thread is the first.
//
// Waking is done by the thread that advances time, which marks every sleeper it wakes as
// running before anyone can sleep again: a woken thread that has not been scheduled yet
// still holds time back, so no thread ever misses the moment it asked for.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <vector>

#include "scanner/clock.h"

namespace portauth::test {

class SimClock final : public scanner::Clock {
 public:
  explicit SimClock(uint64_t start_ns = 1'000'000'000) : now_(start_ns) {}

  uint64_t now_ns() override { return now_.load(std::memory_order_acquire); }
  void sleep_until_ns(uint64_t deadline_ns) override;
  void enter() override;
  void leave() override;

 private:
  struct Sleeper {
    uint64_t deadline;
    bool woken = false;
  };
  void advance_if_all_asleep();  // with mu_ held

  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<uint64_t> now_;
  int participants_ = 1;
  std::vector<Sleeper*> sleepers_;
};

}  // namespace portauth::test
