#include "engine/scan_finish.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>

namespace portauth::engine {

config::SlotRanges answered_ranges(const probe::ProbeTable& table) {
  config::SlotRanges answered;
  for (uint64_t slot = 0; slot < table.size(); ++slot) {
    if (table.get(slot) == 0) continue;
    if (!answered.empty() && answered.back().second + 1 == slot) answered.back().second = slot;
    else answered.emplace_back(slot, slot);
  }
  return answered;
}

std::string write_resume(const ScanSetup& setup, const std::string& path, int fd, uint64_t next_slot,
                         const config::EarlierRuns& earlier) {
  const auto answered = answered_ranges(setup.table);
  try {
    config::write_resume_file(path, setup.plan, next_slot, answered, earlier);
    return path;
  } catch (const std::exception& e) {
    if (fd >= 0) {  // the user's path: there or nowhere
      try {
        config::write_resume_fd(fd, path, setup.plan, next_slot, answered, earlier);
        return path;
      } catch (const std::exception& e2) {
        std::fprintf(stderr, "portauth: %s\n", e2.what());
        return "";
      }
    }
    const std::string fallback = "/tmp/portauth-resume-" + std::to_string(getpid()) + ".yaml";
    std::fprintf(stderr, "portauth: %s; writing %s instead\n", e.what(), fallback.c_str());
    try {
      config::write_resume_file(fallback, setup.plan, next_slot, answered, earlier);
      return fallback;
    } catch (const std::exception& e2) {
      std::fprintf(stderr, "portauth: %s\n", e2.what());
    }
  }
  return "";
}

void fill_counters(output::ScanSummary& s, const ScanSetup& setup, const ScanLoop& loop, const Wire& wire) {
  const auto& st = loop.sender_stats();
  s.packets_sent = st.sent.load();
  s.canary_packets = st.prefix_sent.load();
  s.send_errors = st.send_errors.load();
  s.passes = st.pass.load() + 1;
  // Only while some probe is still unanswered: with every one answered no port can be wrong (the
  // last pass may also have been the first send of probes the block watch had deferred).
  if (s.passes > 1 && !s.interrupted && setup.table.answered() < setup.table.size())
    s.last_retry_answers = setup.table.answered() - st.answered_at_pass_start.load();
  const double send_seconds = double(st.busy_ns.load()) / 1e9;
  s.pps = send_seconds > 0 ? double(s.packets_sent) / send_seconds : 0;
  const auto& cs = loop.capture_stats();
  s.replies_accepted = cs.accepted.load();
  s.replies_rejected = cs.rejected.load();
  s.duplicates = cs.duplicates.load();
  if (const scanner::RateController* rc = loop.controller()) {
    const auto& c = rc->stats();
    s.adaptive = true;
    s.rate_ceiling = rc->ceiling();
    s.rate_ceiling_is_max = !std::isfinite(setup.plan.rate);
    s.rate_at_send_path = scanner::HeldBy(c.held_why.load()) == scanner::HeldBy::kSendPath;
    s.rate_min = c.rate_min.load();
    s.rate_max = c.rate_max.load();
    s.rate_final = c.rate.load();
    s.rate_backoffs = c.backoffs.load();
    if (c.backoffs.load() > 0) s.rate_held_by = scanner::rate_note(c);
    s.rtt_p50_ms = rc->rtt_percentile_ms(0.5);
    s.rtt_p99_ms = rc->rtt_percentile_ms(0.99);
    s.extra_passes = c.extra_passes.load();
    s.silences_forgotten = rc->block_watch().false_alarms();
  }
  if (setup.plan.dry_run) {
    // What the scan would do on the wire, for the dry run's report: the controller's start
    // and ceiling, and the first pass's time if nothing held the rate back.
    const config::ScanPlan& plan = setup.plan;
    s.dry_run = true;
    s.rate_ceiling = std::min(plan.rate, scanner::RateController::kMaxRate);
    s.rate_ceiling_is_max = !std::isfinite(plan.rate);
    s.adaptive = !plan.fixed_rate;
    const scanner::ControllerConfig start;
    s.rate_initial = std::min(start.initial, s.rate_ceiling);
    const uint64_t probes = setup.space.slots() - std::min(setup.sender_config.first_pass_start, setup.space.slots());
    s.estimated_send_seconds =
        plan.fixed_rate ? (std::isfinite(plan.rate) ? double(probes) / plan.rate : 0)
                        : scanner::RateController::ramp_seconds(probes, s.rate_initial, s.rate_ceiling);
  }
  const auto pc = wire.source->counters();
  s.pcap_received = pc.received;
  s.pcap_dropped = pc.dropped;
  s.pcap_if_dropped = pc.if_dropped;
}

}  // namespace portauth::engine
