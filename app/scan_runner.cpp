#include "scan_runner.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <random>
#include <optional>
#include <thread>

#include "capture_loop.h"
#include "ipv4.h"
#include "packet_source.h"
#include "privileges.h"
#include "probe_space.h"
#include "probe_table.h"
#include "sink_factory.h"
#include "reply_validator.h"
#include "route.h"
#include "sender.h"
#include "syn_packet.h"
#include "syn_template.h"
#include "trustealth_watch.h"

namespace portauth::app {
namespace {

std::atomic<int> g_signals{0};
// Set by the handler itself, so sending stops within one batch of Ctrl-C however busy the
// main thread is (lock-free atomics are async-signal-safe).
std::atomic<bool> g_stop_sending{false};
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free);

void on_signal(int) {
  g_stop_sending.store(true, std::memory_order_relaxed);
  g_signals.fetch_add(1, std::memory_order_relaxed);
}

// Installs the interrupt handlers for the scan's lifetime and restores the old ones after.
class SignalGuard {
 public:
  SignalGuard() {
    g_signals.store(0);
    g_stop_sending.store(false);
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
                             const std::vector<output::ResultWriter*>& writers, const RunOptions& options) {
  using capture::ScanResult;
  const auto route = scan_route(plan);

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
  const scanner::ProbeSpace space(plan.targets, plan.ports, plan.seed, plan.shard_index, plan.shard_count);
  scanner::ProbeTable table(space.slots());
  if (options.resume) {
    sc.first_pass_start = options.resume->next_slot;
    for (const auto& [first, last] : options.resume->answered)
      for (uint64_t slot = first; slot <= last && slot < space.slots(); ++slot)
        table.record(slot, scanner::ProbeTable::kAnsweredEarlier);
  }
  const capture::ReplyValidator validator(space, key, route.source_ip, sc.source_port_first, sc.source_port_count);

  // Capture first, then the sink (raw socket, TX ring, or offline: sink_factory.h). Live ones
  // need CAP_NET_RAW and throw SetupError (with the hint) before anything is sent.
  std::optional<TrustealthWatch> trustealth;
  if (options.trustealth) trustealth.emplace(plan, route, sc.source_port_first, sc.source_port_count);
  std::string filter = capture::reply_filter(route.source_ip, sc.source_port_first, sc.source_port_count);
  if (trustealth) filter = trustealth->capture_filter(filter);
  Wire wire = open_wire(plan, route, filter);
  auto& source = wire.source;
  scanner::PacketSink& sink = *wire.sink;

  capture::SpscQueue<ScanResult> results(1 << 16);
  capture::CaptureLoop loop(*source, validator, table, results);
  if (trustealth) {
    trustealth->open();
    trustealth->attach(loop);
  }
  // Everything privileged is open (capture, socket, and before this call the outputs,
  // config and database): from here on, run as an ordinary user with CAP_NET_RAW only.
  // An offline run (--dry-run, --pcap-out) opened nothing privileged: started unprivileged,
  // it has nothing to drop and must not ask for CAP_NET_RAW.
  if (!plan.offline() || geteuid() == 0) drop_privileges(options.user);
  scanner::SteadyClock clock;
  scanner::Sender sender(space, table, syn, key, sink, clock, sc);

  output::ScanInfo info;
  info.start_unix = int64_t(std::time(nullptr));
  info.command_line = options.command_line;
  info.ports = plan.ports;
  info.address_count = plan.targets.count();
  info.probe_count = space.slots();
  info.rate = plan.rate;
  info.retries = plan.retries;
  info.source_ip = config::format_ipv4(route.source_ip);
  info.interface = route.interface;
  for (auto* w : writers) w->begin(info);

  SignalGuard signals;
  std::atomic<bool>& stop_sender = g_stop_sending;
  std::atomic<bool> stop_capture{false}, capture_done{false};
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
  auto last_progress = last_flush;
  uint64_t last_sent = 0;
  auto report_progress = [&] {
    const auto now = std::chrono::steady_clock::now();
    const double dt = std::chrono::duration<double>(now - last_progress).count();
    output::ProgressSnapshot p;
    p.elapsed_seconds = seconds_since(start);
    p.packets_sent = sender.stats().sent.load();
    p.first_pass_done = sender.stats().first_pass_done.load();
    p.first_pass_total = space.slots();
    p.pass = sender.stats().pass.load();
    p.passes = plan.retries + 1;
    p.current_pps = dt > 0 ? double(p.packets_sent - last_sent) / dt : 0;
    p.open = s.open;
    p.closed = s.closed;
    p.pcap_dropped = source->counters().dropped;
    p.sending_done = have_deadline;
    last_sent = p.packets_sent;
    last_progress = now;
    options.progress(p);
  };
  while (true) {
    drain();
    if (trustealth) trustealth->on_pass(sender.stats().pass.load());
    const int sigs = g_signals.load(std::memory_order_relaxed);
    if (sigs >= 2) break;
    if (sigs >= 1 && !s.interrupted) {
      s.interrupted = true;
      std::fprintf(stderr, "portauth: interrupted; waiting %.1f s for replies (Ctrl-C again to stop now)\n",
                   plan.wait_seconds);
    }
    if (!have_deadline && (sender.stats().finished.load(std::memory_order_acquire) || stop_sender.load())) {
      deadline = std::chrono::steady_clock::now() + std::chrono::microseconds(int64_t(plan.wait_seconds * 1e6));
      have_deadline = true;
    }
    // Every probe answered: no late reply can change a result, so the wait is over early.
    if (have_deadline && (std::chrono::steady_clock::now() >= deadline || table.answered() == table.size())) break;
    if (options.progress && std::chrono::steady_clock::now() - last_progress > std::chrono::milliseconds(250))
      report_progress();
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

  const auto& st = sender.stats();
  if (s.interrupted) {
    // Stealth needs every retry pass; an interrupted scan reports only what answered and
    // leaves the rest to the resumed run (resume_file.h states the guarantee).
    s.probed = st.first_pass_done.load();
    s.not_sent = space.slots() - s.probed;
    config::SlotRanges answered;
    for (uint64_t slot = 0; slot < space.slots(); ++slot) {
      if (table.get(slot) == 0) continue;
      if (!answered.empty() && answered.back().second + 1 == slot) answered.back().second = slot;
      else answered.emplace_back(slot, slot);
    }
    try {
      config::write_resume_file(options.resume_path, plan, s.probed, answered);
      s.resume_file = options.resume_path;
    } catch (const std::exception& e) {
      // After the privilege drop the scan may not be allowed to write where it started
      // (root's directory); keep the progress somewhere it can rather than lose it.
      const std::string fallback = "/tmp/portauth-resume-" + std::to_string(getpid()) + ".yaml";
      std::fprintf(stderr, "portauth: %s; writing %s instead\n", e.what(), fallback.c_str());
      try {
        config::write_resume_file(fallback, plan, s.probed, answered);
        s.resume_file = fallback;
      } catch (const std::exception& e2) {
        std::fprintf(stderr, "portauth: %s\n", e2.what());
      }
    }
  } else {
    // Stealth: every slot probed on every pass and never answered.
    for (uint64_t slot = 0; slot < space.slots(); ++slot) {
      if (table.get(slot) != 0) continue;
      ++s.stealth;
      if (plan.show & config::kShowStealth) {
        const auto t = space.at(slot);
        const ScanResult r{t.addr, t.port, capture::Reason::kNoResponse, 0};
        for (auto* w : writers) w->result(r, annotate(r.port));
      }
    }
    s.probed = space.slots();
  }
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
  if (trustealth) trustealth->fill(s);
  for (auto* w : writers) w->finish(s);
  return s;
}

}  // namespace portauth::app
