// Ctrl-C and SIGTERM during a scan: the handler raises the engine's interrupt flags
// (engine/run_scan.h InterruptFlags) and nothing else. It sets the stop-sending flag itself,
// so sending stops within one batch however busy the main thread is (lock-free atomics are
// async-signal-safe). Signals within 250 ms of the last one counted count as the same interrupt
// (one Ctrl-C, relayed twice). Installed for one scan's lifetime; the old handlers come back after.
#pragma once
#include <signal.h>

#include <atomic>

#include "engine/run_scan.h"

namespace portauth::app {

class SignalGuard {
 public:
  SignalGuard();
  ~SignalGuard();
  SignalGuard(const SignalGuard&) = delete;
  SignalGuard& operator=(const SignalGuard&) = delete;

  engine::InterruptFlags flags() const;

 private:
  struct sigaction old_int_ {}, old_term_ {};
};

// How many interrupts have arrived while a SignalGuard is installed (0 after it is made): the
// service stage reads it while it waits for the last identifications, after the engine's loop.
const std::atomic<int>& interrupt_count();

}  // namespace portauth::app
