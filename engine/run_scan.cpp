#include "engine/run_scan.h"

#include <algorithm>
#include <ctime>

#include "engine/host_verdicts.h"
#include "engine/result_holdback.h"
#include "engine/scan_finish.h"
#include "engine/scan_loop.h"
#include "engine/scan_setup.h"

namespace portauth::engine {
namespace {

// What the loop says of a host that went silent while the scan ran: enough for a streaming
// writer to mark the host's later lines; the full verdict comes after the loop.
verdict::HostVerdict provisional_block(const config::Address& addr) {
  verdict::HostVerdict v;
  v.addr = addr;
  v.kind = verdict::VerdictKind::kRateBlock;
  v.evidence.push_back({"went_silent", true, "went silent after a burst"});
  return v;
}

}  // namespace

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

  const uint64_t prefix = setup.space.prefix_slots();
  output::ScanInfo info;
  info.start_unix = int64_t(std::time(nullptr));
  info.command_line = options.command_line;
  info.ports = plan.ports;
  info.address_count = plan.targets.count();
  info.probe_count = setup.space.slots() - prefix;
  info.rate = plan.rate;
  info.retries = plan.retries;
  info.source_ip = setup.route.source_text();
  info.interface = setup.route.interface;
  for (auto* w : writers) w->begin(info);

  // Results are filtered by the plan's show mask here, in one place; canary ports the scan
  // added are not ports of the scan (verdict/canaries.h).
  auto deliver = [&](const probe::ScanResult& r) {
    const auto state = probe::state_of(r.reason);
    const unsigned bit = state == probe::PortState::kOpen     ? config::kShowOpen
                         : state == probe::PortState::kClosed ? config::kShowClosed
                                                              : config::kShowStealth;
    if (plan.show & bit)
      for (auto* w : writers) w->result(r, annotate(r.port));
  };
  uint64_t canary_stealth = 0;
  auto canary = [&](const probe::ScanResult& r) {
    if (r.reason == probe::Reason::kNoResponse) ++canary_stealth;
    if (plan.show & config::kShowCanaries)
      for (auto* w : writers) w->canary_result(r, annotate(r.port));
  };
  const unsigned expected = unsigned(std::min<uint64_t>(verdict::kMinCanaryProof, setup.canaries.ports.size()));
  ResultHoldback holdback(setup.evidence, expected);
  auto report = [&](const probe::ScanResult& r) {
    if (setup.is_added_canary(r.port)) return canary(r);
    if (r.reason != probe::Reason::kNoResponse && holdback.hold(r)) return;
    deliver(r);
  };
  // The canary deadline: the canaries (the prefix, or with none the whole first pass) sent,
  // and a wait for their answers.
  const uint64_t canary_slots = prefix > 0 ? prefix : setup.space.slots();
  uint64_t canaries_sent_ns = 0;
  unsigned blocks_told = 0;
  loop.set_tick([&] {
    if (!holdback.deadline_passed()) {
      const uint64_t now = clock.now_ns();
      if (canaries_sent_ns == 0 && loop.sender_stats().first_pass_done.load(std::memory_order_relaxed) >= canary_slots)
        canaries_sent_ns = now;
      const uint64_t wait = loop.controller() ? loop.controller()->wait_ns() : uint64_t(plan.wait_seconds * 1e9);
      if (canaries_sent_ns != 0 && now - canaries_sent_ns >= wait) holdback.canary_deadline_passed();
    }
    if (holdback.held_count() > 0) holdback.release_cleared(deliver);
    if (const scanner::RateController* rc = loop.controller())
      for (; blocks_told < rc->block_watch().published(); ++blocks_told)
        for (auto* w : writers) w->host_verdict(provisional_block(rc->block_watch().published_addr(blocks_told)));
  });
  const LoopOutcome o = loop.run(report, writers);
  if (options.progress_end) options.progress_end();

  // The hosts that lie: follow-ups on suspects (not after an interrupt: the user asked to
  // stop), the verdicts, then every held result after its host's verdict.
  holdback.canary_deadline_passed();
  holdback.release_cleared(deliver);
  const uint64_t wait = loop.controller() ? loop.controller()->wait_ns() : uint64_t(plan.wait_seconds * 1e9);
  VerdictRun verdicts = make_verdicts(setup, wire, clock, holdback, loop.controller(), options.connect, wait,
                                      !o.interrupted);
  for (const auto& v : verdicts.verdicts)
    for (auto* w : writers) w->host_verdict(v);
  holdback.release_all([&](const config::Address&, const std::vector<probe::ScanResult>& results) {
    for (const auto& r : results) deliver(r);
  });

  output::ScanSummary s;
  s.source_ip = info.source_ip;
  s.interface = info.interface;
  s.open = o.open;
  s.closed = o.closed;
  s.interrupted = o.interrupted;
  if (o.interrupted) {
    const uint64_t done = loop.sender_stats().first_pass_done.load();
    s.probed = done > prefix ? done - prefix : 0;
    s.canary_probes = std::min(done, prefix);
    s.not_sent = setup.space.slots() - prefix - s.probed;
    s.resume_file = write_resume(setup, options.resume_path, done);
  } else {
    s.stealth = sweep_stealth(setup, report);
    s.probed = setup.space.slots() - prefix;
    s.canary_probes = prefix;
  }
  fill_counters(s, loop, wire);
  s.seconds = double(clock.now_ns() - o.start_ns) / 1e9;
  s.host_verdicts = std::move(verdicts.verdicts);
  s.follow_up_probes = verdicts.follow_up_probes;
  s.follow_up_seconds = verdicts.follow_up_seconds;
  s.hosts_untracked = setup.evidence.untracked();
  if (options.extension) options.extension->fill(s);
  for (auto* w : writers) w->finish(s);
  return s;
}

}  // namespace portauth::engine
