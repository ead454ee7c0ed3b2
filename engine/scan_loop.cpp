#include "engine/scan_loop.h"

#include <pthread.h>

#include <cstdio>
#include <thread>

namespace portauth::engine {
namespace {

constexpr uint64_t kMs = 1000000;

std::unique_ptr<scanner::RateController> make_controller(const config::ScanPlan& plan, scanner::Clock& clock) {
  // Open loop with --fixed-rate, and offline (--dry-run, --pcap-out), where nothing answers.
  if (plan.fixed_rate || plan.offline()) return nullptr;
  scanner::ControllerConfig c;
  c.ceiling = plan.rate;
  c.floor = plan.min_rate;
  c.max_wait_ns = uint64_t(plan.wait_seconds * 1e9);
  return std::make_unique<scanner::RateController>(clock, c);
}

scanner::SenderConfig with_controller(scanner::SenderConfig c, scanner::RateController* rc,
                                      scanner::UnreachablePhase* udp_phase) {
  c.controller = rc;
  c.udp_phase = udp_phase;
  return c;
}

// A scan with UDP ports on the wire: the ICMP meter and the UDP phase (none offline: nothing answers).
std::unique_ptr<scanner::IcmpRateMeter> make_meter(const ScanSetup& setup, scanner::Clock& clock) {
  if (!setup.plan.has_udp() || setup.plan.offline()) return nullptr;
  auto meter = std::make_unique<scanner::IcmpRateMeter>(setup.space, clock);
  return meter->enabled() ? std::move(meter) : nullptr;
}

std::unique_ptr<scanner::UnreachablePhase> make_udp_phase(const ScanSetup& setup, Wire& wire, scanner::Clock& clock,
                                                          const scanner::IcmpRateMeter* meter) {
  if (!meter) return nullptr;
  scanner::UdpPhaseConfig c;
  c.wait_all = setup.plan.wait_unreachable;
  // The wait for a limited host's next error after its burst: --wait and half again, so that
  // Linux's one-a-second is measured with the default --wait of 1 s.
  c.measure_window_ns = uint64_t(setup.plan.wait_seconds * 1.5e9);
  c.answer_wait_ns = setup.sender_config.pass_wait_ns;
  c.rate_pps = setup.plan.rate;
  return std::make_unique<scanner::UnreachablePhase>(setup.space, setup.table, setup.module(), *wire.sink, clock, *meter,
                                                     c);
}

}  // namespace

ScanLoop::ScanLoop(ScanSetup& setup, Wire& wire, scanner::Clock& clock, const RunOptions& options)
    : setup_(setup),
      wire_(wire),
      clock_(clock),
      options_(options),
      controller_(make_controller(setup.plan, clock)),
      meter_(make_meter(setup, clock)),
      udp_phase_(make_udp_phase(setup, wire, clock, meter_.get())),
      results_(1 << 16),
      capture_(*wire.source, setup.module(), setup.table, results_),
      sender_(setup.space, setup.table, setup.module(), *wire.sink, clock,
              with_controller(setup.sender_config, controller_.get(), udp_phase_.get())) {
  capture_.set_answer_observer(controller_.get());
  capture_.set_evidence(&setup.evidence);
  capture_.set_limited_observer(meter_.get());
  if (setup.plan.has_udp()) {
    // The replies of UDP services, to explain them: 4096 x 516 bytes, only in UDP scans.
    reply_bytes_ = std::make_unique<capture::SpscQueue<probe::ReplyBytes>>(4096);
    capture_.set_reply_bytes(reply_bytes_.get());
  }
}

void ScanLoop::report_progress(const LoopOutcome& o, bool sending_done) {
  const uint64_t now = clock_.now_ns();
  const double dt = double(now - last_progress_ns_) / 1e9;
  const auto& st = sender_.stats();
  output::ProgressSnapshot p;
  p.elapsed_seconds = double(now - start_ns_) / 1e9;
  p.packets_sent = st.sent.load();
  p.first_pass_done = st.first_pass_done.load();
  p.first_pass_total = setup_.space.slots();
  p.pass = st.pass.load();
  p.passes = setup_.plan.retries + 1;
  p.current_pps = dt > 0 ? double(p.packets_sent - last_sent_) / dt : 0;
  p.open = o.open;
  p.closed = o.closed;
  p.pcap_dropped = wire_.source->counters().dropped;
  p.sending_done = sending_done;
  if (controller_) {
    p.target_rate = controller_->stats().rate.load();
    p.rate_note = scanner::rate_note(controller_->stats());
  }
  last_sent_ = p.packets_sent;
  last_progress_ns_ = now;
  options_.progress(p);
}

LoopOutcome ScanLoop::run_impl(void (*deliver)(void*, const probe::ScanResult&, const probe::ReplyBytes*), void* ctx,
                               const std::vector<output::ResultWriter*>& writers) {
  std::atomic<bool>& stop_sender = options_.interrupt.stop_sending ? *options_.interrupt.stop_sending : own_stop_;
  const std::atomic<int>& interrupts = options_.interrupt.interrupts ? *options_.interrupt.interrupts : no_interrupts_;
  ScanExtension* ext = options_.extension;
  LoopOutcome o;
  std::atomic<bool> stop_capture{false}, capture_done{false};
  start_ns_ = last_progress_ns_ = o.start_ns = clock_.now_ns();

  // The simulated clock must count both threads from the moment they exist (clock.h).
  clock_.enter();
  // Named for top, perf and the bench's per-thread CPU figures (scripts/bench_wire.py).
  std::thread capture_thread([&] {
    pthread_setname_np(pthread_self(), "pa-capture");
    capture_.run(stop_capture);
    capture_done.store(true, std::memory_order_release);
    clock_.leave();
  });
  clock_.enter();
  std::thread sender_thread([&] {
    pthread_setname_np(pthread_self(), "pa-sender");
    sender_.run(stop_sender);
    clock_.leave();
  });

  auto bytes = std::make_unique<probe::ReplyBytes>();
  auto drain = [&] {
    probe::ScanResult r;
    while (results_.try_pop(r)) {
      // Answers on canary ports the scan added are not ports of the scan (they are TCP).
      if (!setup_.is_added_canary(r.port, r.proto)) (r.state() == probe::PortState::kOpen ? o.open : o.closed)++;
      // Pushed before the result: there when the result says so.
      const bool have = r.has_bytes && reply_bytes_ && reply_bytes_->try_pop(*bytes);
      deliver(ctx, r, have ? bytes.get() : nullptr);
    }
  };
  const uint64_t wait_ns = setup_.plan.dry_run ? 0 : uint64_t(setup_.plan.wait_seconds * 1e9);
  uint64_t deadline = 0;
  bool have_deadline = false;
  int announced = 0;  // interrupts seen when the first was announced
  uint64_t last_flush = clock_.now_ns();
  while (true) {
    drain();
    if (tick_) tick_();
    if (ext) ext->on_pass(sender_.stats().pass.load());
    const int sigs = interrupts.load(std::memory_order_relaxed);
    const uint64_t now = clock_.now_ns();
    // "Ctrl-C again" means again after the announcement: two signals that arrive together (a
    // terminal's SIGINT relayed by sudo as well) are one interrupt, announced and waited for.
    if (o.interrupted && sigs > announced) break;
    if (controller_) controller_->note_capture_drops(wire_.source->counters().dropped);
    const bool interrupted_now = sigs > 0 && !o.interrupted;
    if (!have_deadline &&
        (sender_.stats().finished.load(std::memory_order_acquire) || stop_sender.load() || interrupted_now)) {
      deadline = now + (controller_ ? controller_->wait_ns() : wait_ns);
      have_deadline = true;
    }
    if (interrupted_now) {
      // Say what happens, and then do it: the wait announced is the deadline's (the one under
      // way, if sending had already ended), which the loop keeps to unless every probe answers.
      o.interrupted = true;
      announced = sigs;
      std::fprintf(stderr,
                   "portauth: interrupted: sending stopped; waiting up to %.2f s for late replies, then writing the "
                   "results (Ctrl-C again to stop now)\n",
                   double(deadline > now ? deadline - now : 0) / 1e9);
    }
    // Every probe answered: no late reply can change a result, so the wait is over early.
    if (have_deadline && (now >= deadline || setup_.table.answered() == setup_.table.size())) break;
    if (options_.progress && now - last_progress_ns_ > 250 * kMs) report_progress(o, have_deadline);
    if (now - last_flush > 200 * kMs) {
      for (auto* w : writers) w->flush();
      last_flush = now;
    }
    clock_.sleep_until_ns(now + 5 * kMs);
  }
  stop_sender.store(true);
  stop_capture.store(true);
  // Joining is not waiting on the clock: let simulated time run while the threads finish.
  clock_.leave();
  sender_thread.join();
  // Keep draining while the capture thread finishes: it never drops a result for want of
  // queue space, so it must always find a consumer.
  while (!capture_done.load(std::memory_order_acquire)) {
    drain();
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  capture_thread.join();
  clock_.enter();
  drain();
  o.end_ns = clock_.now_ns();
  return o;
}

}  // namespace portauth::engine
