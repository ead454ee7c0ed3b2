#include "engine/run_scan.h"

#include <algorithm>
#include <ctime>

#include "engine/scan_finish.h"
#include "engine/scan_loop.h"
#include "engine/scan_setup.h"
#include "output/show_filter.h"
#include "probe/udp_reply_facts.h"

namespace portauth::engine {

output::ScanSummary run_scan(ScanSetup& setup, Wire& wire, scanner::Clock& clock, const output::Annotator& annotate,
                             const std::vector<output::ResultWriter*>& writers, const RunOptions& options) {
  const config::ScanPlan& plan = setup.plan;
  ScanLoop loop(setup, wire, clock, options);
  if (options.extension) {
    options.extension->open();
    options.extension->attach(loop.capture());
  }
  // Everything privileged is open: from here on the caller's drop applies.
  if (options.after_wire_open) options.after_wire_open();

  output::ScanInfo info;
  info.start_unix = int64_t(std::time(nullptr));
  info.command_line = options.command_line;
  info.ports = plan.ports;
  info.udp_ports = plan.udp_ports;
  info.address_count = plan.targets.count();
  info.probe_count = setup.space.slots();
  info.rate = plan.rate;
  info.retries = plan.retries;
  info.source_ip = setup.route.source_text();
  info.interface = setup.route.interface;
  for (auto* w : writers) w->begin(info);

  // Results are filtered by the plan's show mask here, in one place.
  auto report = [&](const probe::ScanResult& r, const probe::ReplyBytes* bytes = nullptr) {
    if (!(plan.show & output::ShowFilter::state_bit(r.state()))) return;
    output::PortFacts facts;
    // A UDP service's reply: what it said, and how much larger than the probe it was.
    if (bytes)
      facts.reply = std::make_shared<const probe::ReplyFacts>(
          probe::explain_udp_reply(r.port, {bytes->bytes, bytes->kept}, bytes->payload_len));
    const output::Annotation& a = annotate(r.port, r.proto);
    for (auto* w : writers) w->result(r, a, facts);
  };
  const LoopOutcome o = loop.run(report, writers);
  if (options.progress_end) options.progress_end();

  output::ScanSummary s;
  s.source_ip = info.source_ip;
  s.interface = info.interface;
  s.send_path = wire.send_path;
  s.send_path_reason = wire.send_path_reason;
  s.interrupted = o.interrupted;
  // A resumed scan sums up the whole scan: what the interrupted runs found, and this one.
  config::EarlierRuns runs = options.resume ? options.resume->earlier : config::EarlierRuns{};
  s.earlier_runs = runs.runs;
  s.earlier_answers = runs.open + runs.closed;
  runs.runs += 1;
  runs.open += o.open;
  runs.closed += o.closed;
  runs.packets_sent += loop.sender_stats().sent.load();
  runs.seconds += double(o.end_ns - o.start_ns) / 1e9;
  s.open = runs.open;
  s.closed = runs.closed;
  if (o.interrupted) {
    s.probed = loop.sender_stats().first_pass_done.load();
    s.not_sent = setup.space.slots() - s.probed;
    s.unanswered = s.probed - std::min(s.probed, s.open + s.closed);
    s.resume_file = write_resume(setup, options.resume_path, options.resume_fd, s.probed, runs);
  } else if (plan.dry_run) {
    // Nothing was sent, so nothing is known about any port: no state is reported.
    s.probed = setup.space.slots();
  } else {
    s.stealth = sweep_stealth(setup, [&](const probe::ScanResult& r) {
      s.open_filtered += r.proto == config::Proto::kUdp;
      report(r);
    });
    s.stealth -= s.open_filtered;
    s.probed = setup.space.slots();
  }
  s.udp = plan.has_udp();
  if (const scanner::UnreachablePhase* phase = loop.udp_phase(); phase && phase->ran()) {
    s.waited_unreachable = plan.wait_unreachable;
    s.udp_phase_seconds = phase->seconds();
    for (const auto& h : phase->limited())
      s.icmp_limited.push_back({h.addr, h.icmp_before, h.period_s, h.bound_s, h.classified, h.unclassified});
  }
  fill_counters(s, setup, loop, wire);  // this run's packets and send rate
  s.packets_sent = runs.packets_sent;  // and the whole scan's
  s.seconds = runs.seconds;
  if (options.extension) options.extension->fill(s);
  for (auto* w : writers) w->finish(s);
  return s;
}

}  // namespace portauth::engine
