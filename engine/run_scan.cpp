#include "engine/run_scan.h"

#include <algorithm>
#include <ctime>
#include <memory>
#include <unordered_map>

#include "engine/host_verdicts.h"
#include "engine/result_holdback.h"
#include "engine/scan_finish.h"
#include "engine/scan_loop.h"
#include "engine/scan_setup.h"
#include "output/show_filter.h"
#include "probe/udp_reply_facts.h"

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
  info.udp_ports = plan.udp_ports;
  info.address_count = plan.targets.count();
  info.probe_count = setup.space.slots() - prefix;
  info.rate = plan.rate;
  info.retries = plan.retries;
  info.source_ip = setup.route.source_text();
  info.interface = setup.route.interface;
  for (auto* w : writers) w->begin(info);

  // The verdicts known so far, per host: the block watch's provisional ones while the loop
  // runs, the classifier's once it has run. Each delivered result carries its host's
  // (PortFacts::host_verdict).
  std::unordered_map<config::Address, std::shared_ptr<const verdict::HostVerdict>> verdict_of;
  // Results are filtered by the plan's show mask here, in one place; canary ports the scan
  // added are not ports of the scan (verdict/canaries.h).
  auto deliver = [&](const probe::ScanResult& r, const ResultHoldback::Reply& reply) {
    if (!(plan.show & output::ShowFilter::state_bit(r.state()))) return;
    output::PortFacts facts;
    facts.reply = reply;
    if (!verdict_of.empty())
      if (const auto it = verdict_of.find(r.addr); it != verdict_of.end()) facts.host_verdict = it->second;
    const output::Annotation& a = annotate(r.port, r.proto);
    for (auto* w : writers) w->result(r, a, facts);
  };
  CanaryAnswers canaries_open;  // per host, the added canaries that answered SYN-ACK (few: liars only)
  auto canary = [&](const probe::ScanResult& r) {
    if (r.state() == probe::PortState::kOpen) canaries_open[r.addr].push_back(r.port);
    if (!(plan.show & config::kShowCanaries)) return;
    output::PortFacts facts;
    if (const auto it = verdict_of.find(r.addr); it != verdict_of.end()) facts.host_verdict = it->second;
    const output::Annotation& a = annotate(r.port, r.proto);
    for (auto* w : writers) w->canary_result(r, a, facts);
  };
  const unsigned expected = unsigned(std::min<uint64_t>(verdict::kMinCanaryProof, setup.canaries.ports.size()));
  ResultHoldback holdback(setup.evidence, expected);
  auto report = [&](const probe::ScanResult& r, const probe::ReplyBytes* bytes = nullptr) {
    if (setup.is_added_canary(r.port, r.proto)) return canary(r);
    ResultHoldback::Reply reply;
    // A UDP service's reply: what it said, and how much larger than the probe it was (made
    // now: the bytes are the capture's until this returns).
    if (bytes)
      reply = std::make_shared<const probe::ReplyFacts>(
          probe::explain_udp_reply(r.port, {bytes->bytes, bytes->kept}, bytes->payload_len));
    if (r.reason != probe::Reason::kNoResponse && holdback.hold(r, reply)) return;
    deliver(r, reply);
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
      for (; blocks_told < rc->block_watch().published(); ++blocks_told) {
        auto v = std::make_shared<const verdict::HostVerdict>(
            provisional_block(rc->block_watch().published_addr(blocks_told)));
        verdict_of[v->addr] = v;
        for (auto* w : writers) w->host_verdict(*v);
      }
  });
  const LoopOutcome o = loop.run(report, writers);
  if (options.progress_end) options.progress_end();

  // The hosts that lie: follow-ups on suspects (not after an interrupt: the user asked to
  // stop), the verdicts, then every held result after its host's verdict.
  holdback.canary_deadline_passed();
  holdback.release_cleared(deliver);
  const uint64_t wait = loop.controller() ? loop.controller()->wait_ns() : uint64_t(plan.wait_seconds * 1e9);
  VerdictRun verdicts = make_verdicts(setup, wire, clock, holdback, loop.controller(), options.connect, wait,
                                      !o.interrupted, canaries_open);
  verdict_of.clear();  // a provisional block the classifier did not confirm marks no more lines
  for (const auto& v : verdicts.verdicts) {
    verdict_of[v.addr] = std::make_shared<const verdict::HostVerdict>(v);
    for (auto* w : writers) w->host_verdict(v);
  }
  holdback.release_all(
      [&](const config::Address&, const ResultHoldback::HostHeld& held) { held.each(deliver); });

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
  runs.seconds += double(clock.now_ns() - o.start_ns) / 1e9;  // the follow-ups on suspects included
  s.open = runs.open;
  s.closed = runs.closed;
  if (o.interrupted) {
    const uint64_t done = loop.sender_stats().first_pass_done.load();
    s.probed = done > prefix ? done - prefix : 0;
    s.canary_probes = std::min(done, prefix);
    s.not_sent = setup.space.slots() - prefix - s.probed;
    s.unanswered = s.probed - std::min(s.probed, s.open + s.closed);
    s.resume_file = write_resume(setup, options.resume_path, options.resume_fd, done, runs);
  } else if (plan.dry_run) {
    // Nothing was sent, so nothing is known about any port: no state is reported (and no
    // canary was made: nothing would answer it).
    s.probed = setup.space.slots() - prefix;
  } else {
    s.stealth = sweep_stealth(setup, [&](const probe::ScanResult& r) {
      s.open_filtered += r.proto == config::Proto::kUdp;
      report(r);
    });
    s.stealth -= s.open_filtered;
    s.probed = setup.space.slots() - prefix;
    s.canary_probes = prefix;
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
  s.host_verdicts = std::move(verdicts.verdicts);
  s.follow_up_probes = verdicts.follow_up_probes;
  s.follow_up_seconds = verdicts.follow_up_seconds;
  s.hosts_untracked = setup.evidence.untracked();
  if (options.extension) options.extension->fill(s);
  for (auto* w : writers) w->finish(s);
  return s;
}

}  // namespace portauth::engine
