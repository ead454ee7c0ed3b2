#include "app/signals.h"

#include <time.h>

#include <atomic>
#include <cstdint>

namespace portauth::app {
namespace {

std::atomic<int> g_interrupts{0};
std::atomic<bool> g_stop_sending{false};
std::atomic<int64_t> g_last_counted_ns{0};
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free &&
              std::atomic<int64_t>::is_always_lock_free);

// Signals this close to the last one counted are the same interrupt: one Ctrl-C reaches the
// whole foreground process group, and sudo (or another wrapper) may relay it once more; a
// person pressing Ctrl-C again does so well after this.
constexpr int64_t kSameInterruptNs = 250'000'000;

void on_signal(int) {
  g_stop_sending.store(true, std::memory_order_relaxed);
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);  // async-signal-safe
  const int64_t now = int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
  const int64_t last = g_last_counted_ns.load(std::memory_order_relaxed);
  if (last != 0 && now - last < kSameInterruptNs) return;
  g_last_counted_ns.store(now, std::memory_order_relaxed);
  g_interrupts.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace

SignalGuard::SignalGuard() {
  g_interrupts.store(0);
  g_stop_sending.store(false);
  g_last_counted_ns.store(0);
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &old_int_);
  sigaction(SIGTERM, &sa, &old_term_);
}

SignalGuard::~SignalGuard() {
  sigaction(SIGINT, &old_int_, nullptr);
  sigaction(SIGTERM, &old_term_, nullptr);
}

engine::InterruptFlags SignalGuard::flags() const { return {&g_stop_sending, &g_interrupts}; }

const std::atomic<int>& interrupt_count() { return g_interrupts; }

}  // namespace portauth::app
