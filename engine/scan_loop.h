// The loop: runs the sender and capture threads around the setup's probe table and, on the
// calling (main) thread, streams every fresh answer to the writers, reports progress, and
// watches the interrupt flags, until sending is done and the wait for late replies is over
// (or every probe is answered, or a second interrupt says stop now).
//
// Every wait is on the injected clock, so on a simulated clock the whole loop runs in
// simulated time (engine tests). The threads are joined before run() returns; nothing a
// thread found is lost: the capture thread never drops a result for want of queue space, so
// this thread keeps draining until it has exited.
#pragma once
#include <functional>
#include <memory>
#include <vector>

#include "capture/capture_loop.h"
#include "scanner/clock.h"
#include "output/report.h"
#include "engine/run_scan.h"
#include "engine/scan_setup.h"
#include "scanner/icmp_rate_meter.h"
#include "scanner/rate_controller.h"
#include "scanner/unreachable_phase.h"
#include "scanner/sender.h"
#include "capture/spsc_queue.h"

namespace portauth::engine {

struct LoopOutcome {
  bool interrupted = false;
  uint64_t open = 0, closed = 0;
  uint64_t start_ns = 0, end_ns = 0;
};

class ScanLoop {
 public:
  ScanLoop(ScanSetup& setup, Wire& wire, scanner::Clock& clock, const RunOptions& options);

  capture::CaptureLoop& capture() { return capture_; }
  // Called on this (the main) thread at every turn of the loop, after the results were drained
  // (the held results of hosts that may lie are released from here: engine/result_holdback.h).
  void set_tick(std::function<void()> tick) { tick_ = std::move(tick); }
  // `deliver(result, bytes)` gets each answer once, in arrival order; `bytes` is the first
  // bytes of a UDP service's reply (probe/reply_bytes.h), else null.
  template <class Deliver>
  LoopOutcome run(Deliver&& deliver, const std::vector<output::ResultWriter*>& writers);

  const scanner::SenderStats& sender_stats() const { return sender_.stats(); }
  // The closed-loop controller (null with --fixed-rate).
  const scanner::RateController* controller() const { return controller_.get(); }
  scanner::RateController* controller() { return controller_.get(); }
  const capture::CaptureStats& capture_stats() const { return capture_.stats(); }
  // The UDP phase (null: the scan has no UDP port, or is offline), read after run().
  const scanner::UnreachablePhase* udp_phase() const { return udp_phase_.get(); }

 private:
  LoopOutcome run_impl(void (*deliver)(void*, const probe::ScanResult&, const probe::ReplyBytes*), void* ctx,
                       const std::vector<output::ResultWriter*>& writers);
  void report_progress(const LoopOutcome& o, bool sending_done);

  ScanSetup& setup_;
  Wire& wire_;
  scanner::Clock& clock_;
  const RunOptions& options_;
  std::unique_ptr<scanner::RateController> controller_;
  std::unique_ptr<scanner::IcmpRateMeter> meter_;          // scans with UDP ports only
  std::unique_ptr<scanner::UnreachablePhase> udp_phase_;   // with the meter
  capture::SpscQueue<probe::ScanResult> results_;
  std::unique_ptr<capture::SpscQueue<probe::ReplyBytes>> reply_bytes_;  // scans with UDP ports only
  capture::CaptureLoop capture_;
  scanner::Sender sender_;
  std::atomic<bool> own_stop_{false};
  std::function<void()> tick_;
  const std::atomic<int> no_interrupts_{0};
  uint64_t last_progress_ns_ = 0, last_sent_ = 0, start_ns_ = 0;
};

template <class Deliver>
LoopOutcome ScanLoop::run(Deliver&& deliver, const std::vector<output::ResultWriter*>& writers) {
  using D = std::remove_reference_t<Deliver>;
  return run_impl([](void* ctx, const probe::ScanResult& r, const probe::ReplyBytes* b) { (*static_cast<D*>(ctx))(r, b); },
                  &deliver, writers);
}

}  // namespace portauth::engine
