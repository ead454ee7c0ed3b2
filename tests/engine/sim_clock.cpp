#include "sim_clock.h"

#include <algorithm>

namespace portauth::test {

void SimClock::sleep_until_ns(uint64_t deadline_ns) {
  std::unique_lock lock(mu_);
  if (deadline_ns <= now_.load()) return;
  Sleeper me{deadline_ns};
  sleepers_.push_back(&me);
  advance_if_all_asleep();
  cv_.wait(lock, [&] { return me.woken; });
}

void SimClock::enter() {
  std::lock_guard lock(mu_);
  ++participants_;
}

void SimClock::leave() {
  std::lock_guard lock(mu_);
  --participants_;
  advance_if_all_asleep();
}

void SimClock::advance_if_all_asleep() {
  if (sleepers_.empty() || int(sleepers_.size()) < participants_) return;
  uint64_t next = UINT64_MAX;
  for (const Sleeper* s : sleepers_) next = std::min(next, s->deadline);
  if (next > now_.load()) now_.store(next, std::memory_order_release);
  std::erase_if(sleepers_, [&](Sleeper* s) {
    if (s->deadline > next) return false;
    s->woken = true;
    return true;
  });
  cv_.notify_all();
}

}  // namespace portauth::test
