#include "engine/host_verdicts.h"

#include <algorithm>
#include <map>

#include "engine/follow_ups.h"
#include "verdict/classify.h"

namespace portauth::engine {
namespace {

// SYN-ACKs on the scan's own ports (not on canaries it added).
uint64_t open_results(const verdict::HostEvidence& e) {
  const uint32_t syn = e.syn_acks.load(std::memory_order_relaxed);
  return syn > e.added_syn_acks ? syn - e.added_syn_acks : 0;
}

// A suspect's open TCP ports: the held ones (every result of a suspect is held; its UDP
// results are no part of a verdict about SYN-ACKs), or at least the port of its first SYN-ACK.
std::vector<uint16_t> open_ports_of(const ScanSetup& setup, const verdict::HostEvidence& e, const ResultHoldback& holdback) {
  std::vector<uint16_t> ports;
  if (const auto it = holdback.held().find(e.addr); it != holdback.held().end())
    for (const auto& r : it->second.results)
      if (r.proto == config::Proto::kTcp && r.state() == probe::PortState::kOpen &&
          !setup.is_added_canary(r.port, r.proto))
        ports.push_back(r.port);
  if (ports.empty() && e.syn_acks.load(std::memory_order_relaxed) > 0 &&
      !setup.is_added_canary(e.first_port, config::Proto::kTcp))
    ports.push_back(e.first_port);
  std::sort(ports.begin(), ports.end());
  ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
  return ports;
}

}  // namespace

VerdictRun make_verdicts(const ScanSetup& setup, Wire& wire, scanner::Clock& clock, const ResultHoldback& holdback,
                         const scanner::RateController* rc, ConnectChecker* connect, uint64_t wait_ns, bool follow_up,
                         const CanaryAnswers& added_canaries_open) {
  VerdictRun out;
  std::vector<Suspect> suspects;
  std::map<config::Address, std::vector<uint16_t>> open_lists;
  setup.evidence.for_each([&](const verdict::HostEvidence& e) {
    const verdict::FollowUpPlan plan = verdict::plan_follow_ups(e);
    if (!plan.any()) return;
    auto ports = open_ports_of(setup, e, holdback);
    open_lists[e.addr] = ports;
    if (follow_up) suspects.push_back({e.addr, plan, std::move(ports)});
  });
  FollowUpRun run;
  if (!suspects.empty()) {
    run = run_follow_ups(setup, wire, clock, suspects, connect, wait_ns);
    out.follow_up_probes = run.probes + run.connections;
    out.follow_up_seconds = run.seconds;
  }
  std::map<config::Address, verdict::BlockRecord> blocks;
  if (rc)
    for (const auto& r : rc->block_watch().records(clock.now_ns())) {
      verdict::BlockRecord& b = blocks[r.addr];
      b.silences = r.silences;
      b.silent_seconds = r.silent_seconds;
      b.answered_again = r.answered_again;
      b.tolerated_pps = r.tolerated_pps;
      b.answers_before = r.answers_before;
      b.probes_resent = r.fell_into_silence;
      b.probes_deferred = r.deferred;
      b.cost_seconds = r.cost_seconds;
    }
  auto judge = [&](const verdict::HostEvidence* e, const config::Address& addr) {
    verdict::ClassifyInput in;
    in.evidence = e;
    in.addr = addr;
    if (e) in.open_ports = open_results(*e);
    if (const auto it = run.results.find(addr); it != run.results.end()) in.follow_ups = &it->second;
    if (const auto it = blocks.find(addr); it != blocks.end()) in.block = &it->second;
    if (const auto it = open_lists.find(addr); it != open_lists.end()) in.open_port_list = it->second;
    // The scan's canaries that answered SYN-ACK: the added ones, and the covered ones (open ports).
    std::vector<uint16_t> canaries;
    if (const auto it = added_canaries_open.find(addr); it != added_canaries_open.end()) canaries = it->second;
    for (uint16_t p : in.open_port_list)
      if (setup.evidence.is_canary(p)) canaries.push_back(p);
    in.canary_syn_acks = canaries;
    if (auto v = verdict::classify(in)) out.verdicts.push_back(std::move(*v));
  };
  setup.evidence.for_each([&](const verdict::HostEvidence& e) {
    if (e.syn_acks.load(std::memory_order_relaxed) > 0 || blocks.count(e.addr)) judge(&e, e.addr);
  });
  for (const auto& [addr, b] : blocks)
    if (!setup.evidence.find(addr)) judge(nullptr, addr);
  std::sort(out.verdicts.begin(), out.verdicts.end(),
            [](const verdict::HostVerdict& a, const verdict::HostVerdict& b) { return a.addr < b.addr; });
  return out;
}

}  // namespace portauth::engine
