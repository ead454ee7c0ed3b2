#include "scan_runner.h"

#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <random>
#include <thread>

#include "capture_loop.h"
#include "ipv4.h"
#include "packet_source.h"
#include "probe_space.h"
#include "probe_table.h"
#include "raw_socket_sink.h"
#include "reply_validator.h"
#include "route.h"
#include "sender.h"
#include "syn_packet.h"
#include "syn_template.h"

namespace portauth::app {
namespace {

std::atomic<int> g_signals{0};

void on_signal(int) { g_signals.fetch_add(1, std::memory_order_relaxed); }

// Installs the interrupt handlers for the scan's lifetime and restores the old ones after.
class SignalGuard {
 public:
  SignalGuard() {
    g_signals.store(0);
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
  }
  ~SignalGuard() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }

 private:
  struct sigaction old_int_ {}, old_term_ {};
};

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

output::ScanSummary run_scan(const config::ScanPlan& plan, const output::Annotator& annotate,
                             const std::vector<output::ResultWriter*>& writers) {
  using capture::ScanResult;
  const auto route = scanner::choose_route(plan.targets.at(0), plan.interface, plan.source_ip);

  scanner::SenderConfig sc;
  sc.rate_pps = plan.rate;
  sc.retries = plan.retries;
  sc.pass_wait_ns = uint64_t(plan.wait_seconds * 1e9);
  sc.source_port_count = plan.source_port_count;
  if (plan.source_port_first) {
    sc.source_port_first = *plan.source_port_first;
  } else {
    // Above Linux's ephemeral range (32768-60999), so our probes never share a 4-tuple with
    // the scanning host's own connections; random so two scans rarely share ports either.
    std::random_device rd;
    sc.source_port_first = uint16_t(61000 + rd() % (65536 - 61000 - sc.source_port_count));
  }

  const scanner::SynPacket syn(scanner::build_syn_template({.source_ip = route.source_ip}));
  const scanner::CookieKey key = scanner::CookieKey::random();
  const scanner::ProbeSpace space(plan.targets, plan.ports, plan.seed);
  scanner::ProbeTable table(space.slots());
  const capture::ReplyValidator validator(space, key, route.source_ip, sc.source_port_first, sc.source_port_count);

  // Capture first, so no reply to the first probe can be missed; then the socket. Both
  // need CAP_NET_RAW and throw SetupError (with the hint) before anything is sent.
  capture::LiveOptions lo;
  lo.interface = route.interface;
  lo.filter = capture::reply_filter(route.source_ip, sc.source_port_first, sc.source_port_count);
  auto source = capture::open_live(lo);
  scanner::RawSocketSink sink(route.interface);

  capture::SpscQueue<ScanResult> results(1 << 16);
  capture::CaptureLoop loop(*source, validator, table, results);
  scanner::SteadyClock clock;
  scanner::Sender sender(space, table, syn, key, sink, clock, sc);

  SignalGuard signals;
  std::atomic<bool> stop_sender{false}, stop_capture{false}, capture_done{false};
  const auto start = std::chrono::steady_clock::now();
  std::thread capture_thread([&] {
    loop.run(stop_capture);
    capture_done.store(true, std::memory_order_release);
  });
  std::thread sender_thread([&] { sender.run(stop_sender); });

  output::ScanSummary s;
  s.source_ip = config::format_ipv4(route.source_ip);
  s.interface = route.interface;
  auto deliver = [&](const ScanResult& r) {
    const auto state = capture::state_of(r.reason);
    (state == capture::PortState::kOpen ? s.open : s.closed)++;
    const unsigned bit = state == capture::PortState::kOpen ? config::kShowOpen : config::kShowClosed;
    if (plan.show & bit)
      for (auto* w : writers) w->result(r, annotate(r.port));
  };
  auto drain = [&] {
    ScanResult r;
    while (results.try_pop(r)) deliver(r);
  };

  // Main loop: drain results, watch for interrupts and for the end of sending.
  std::chrono::steady_clock::time_point deadline{};
  bool have_deadline = false;
  auto last_flush = std::chrono::steady_clock::now();
  while (true) {
    drain();
    const int sigs = g_signals.load(std::memory_order_relaxed);
    if (sigs >= 2) break;
    if (sigs == 1 && !stop_sender.load()) {
      stop_sender.store(true);
      s.interrupted = true;
      std::fprintf(stderr, "portauth: interrupted; waiting %.1f s for replies (Ctrl-C again to stop now)\n",
                   plan.wait_seconds);
    }
    if (!have_deadline && (sender.stats().finished.load(std::memory_order_acquire) || stop_sender.load())) {
      deadline = std::chrono::steady_clock::now() + std::chrono::microseconds(int64_t(plan.wait_seconds * 1e6));
      have_deadline = true;
    }
    if (have_deadline && std::chrono::steady_clock::now() >= deadline) break;
    if (std::chrono::steady_clock::now() - last_flush > std::chrono::milliseconds(200)) {
      for (auto* w : writers) w->flush();
      last_flush = std::chrono::steady_clock::now();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (g_signals.load() >= 2) s.interrupted = true;
  stop_sender.store(true);
  sender_thread.join();
  stop_capture.store(true);
  // Keep draining while the capture thread finishes: it never drops a result for want of
  // queue space, so it must always find a consumer.
  while (!capture_done.load(std::memory_order_acquire)) {
    drain();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  capture_thread.join();
  drain();

  // Stealth: every slot that was probed and never answered.
  const auto& st = sender.stats();
  const uint64_t probed = s.interrupted ? st.first_pass_done.load() : space.slots();
  for (uint64_t slot = 0; slot < probed; ++slot) {
    if (table.get(slot) != 0) continue;
    ++s.stealth;
    if (plan.show & config::kShowStealth) {
      const auto t = space.at(slot);
      const ScanResult r{t.addr, t.port, capture::Reason::kNoResponse, 0};
      for (auto* w : writers) w->result(r, annotate(r.port));
    }
  }
  s.probed = probed;
  s.not_sent = space.slots() - probed;
  s.packets_sent = st.sent.load();
  s.send_errors = st.send_errors.load();
  s.passes = st.pass.load() + 1;
  s.seconds = seconds_since(start);
  const double send_seconds = double(st.busy_ns.load()) / 1e9;
  s.pps = send_seconds > 0 ? double(s.packets_sent) / send_seconds : 0;
  const auto& cs = loop.stats();
  s.replies_accepted = cs.accepted.load();
  s.replies_rejected = cs.rejected.load();
  s.duplicates = cs.duplicates.load();
  const auto pc = source->counters();
  s.pcap_received = pc.received;
  s.pcap_dropped = pc.dropped;
  s.pcap_if_dropped = pc.if_dropped;
  for (auto* w : writers) w->finish(s);
  return s;
}

}  // namespace portauth::app
