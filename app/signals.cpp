#include "app/signals.h"

#include <atomic>

namespace portauth::app {
namespace {

std::atomic<int> g_interrupts{0};
std::atomic<bool> g_stop_sending{false};
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free);

void on_signal(int) {
  g_stop_sending.store(true, std::memory_order_relaxed);
  g_interrupts.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace

SignalGuard::SignalGuard() {
  g_interrupts.store(0);
  g_stop_sending.store(false);
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
