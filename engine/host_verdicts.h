// After the scan loop: the hosts that lie. Picks the suspects from the evidence the capture
// kept (verdict::plan_follow_ups), runs their follow-ups (engine/follow_ups.h), adds the rate
// controller's record of hosts that went silent (scanner/block_watch.h), and asks the one
// classifier (verdict/classify.h) about every host that answered: verdicts in address order.
#pragma once
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "engine/connect_check.h"
#include "engine/result_holdback.h"
#include "engine/scan_setup.h"
#include "engine/wire.h"
#include "scanner/clock.h"
#include "scanner/rate_controller.h"
#include "verdict/host_verdict.h"

namespace portauth::engine {

struct VerdictRun {
  std::vector<verdict::HostVerdict> verdicts;
  uint64_t follow_up_probes = 0;  // SYNs and connections
  double follow_up_seconds = 0;
};

// Per host, the canary ports the scan added that answered SYN-ACK (run_scan sees their results;
// the covered ones are among the held results): an answers-all verdict lists every open canary.
using CanaryAnswers = std::unordered_map<config::Address, std::vector<uint16_t>>;

// `follow_up` false (an interrupted scan): judge on the evidence alone. `rc` may be null
// (--fixed-rate: no block watch), `connect` too (no connect check).
VerdictRun make_verdicts(const ScanSetup& setup, Wire& wire, scanner::Clock& clock, const ResultHoldback& holdback,
                         const scanner::RateController* rc, ConnectChecker* connect, uint64_t wait_ns, bool follow_up,
                         const CanaryAnswers& added_canaries_open = {});

}  // namespace portauth::engine
