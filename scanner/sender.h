// The sender: walks the shard's slots in permuted order, has the probe module write each
// probe, and hands batches to a sink at the rate of the moment (the rate controller's, or a
// fixed one). After the first pass it re-probes only the slots still unanswered in the
// ProbeTable, `retries` more passes (more while the controller sees retries answered),
// waiting between passes so late replies can land first; then, in a scan with UDP ports, the
// UDP phase for hosts that limit their ICMP errors (unreachable_phase.h).
//
// Thread contract: run() is called on one thread (the sender thread). The table is shared
// with the capture thread (see probe_table.h); stats are atomics readable from any thread.
// stop (an atomic flag owned by the caller) ends run() after the current batch.
#pragma once
#include <atomic>
#include <cstdint>
#include <limits>

#include "scanner/clock.h"
#include "scanner/packet_sink.h"
#include "scanner/rate_controller.h"
#include "scanner/unreachable_phase.h"
#include "probe/probe_module.h"
#include "probe/probe_space.h"
#include "probe/probe_table.h"

namespace portauth::scanner {

// --rate max: no pacing at all; the sink's own back-pressure (a full socket buffer or TX
// ring) is the only brake.
inline constexpr double kUnlimitedRate = std::numeric_limits<double>::infinity();

struct SenderConfig {
  double rate_pps = 10000;  // kUnlimitedRate (or any non-finite value): as fast as the sink takes them
  unsigned retries = 2;
  uint64_t pass_wait_ns = 1000000000;
  uint16_t source_port_first = 61000;
  uint16_t source_port_count = 256;
  uint64_t first_pass_start = 0;  // a resumed scan starts its first pass here
  size_t max_batch = 64;  // upper bound; the sender uses ~1 ms of traffic per batch below this
  // Closed loop (the default): the controller sets the rate (rate_pps is then its ceiling),
  // the waits, and whether retries go on past `retries`. Null: open loop at rate_pps
  // (--fixed-rate), the fixed pass_wait_ns, exactly `retries` retry passes.
  RateController* controller = nullptr;
  // A scan with UDP ports: what to do after the passes about hosts that limit their ICMP
  // errors (scanner/unreachable_phase.h). Null: nothing.
  UnreachablePhase* udp_phase = nullptr;
};

struct SenderStats {
  std::atomic<uint64_t> sent{0};
  std::atomic<uint64_t> prefix_sent{0};  // of `sent`, probes of the space's prefix (canaries: verdict/canaries.h)
  std::atomic<uint64_t> send_errors{0};
  std::atomic<unsigned> pass{0};
  // Slots of the first pass handed to the sink so far: after an interrupt, slots at or past
  // this were never probed and must not be reported as stealth.
  std::atomic<uint64_t> first_pass_done{0};
  std::atomic<uint64_t> busy_ns{0};  // time spent sending (passes only, not the waits)
  // The table's answered count when the current (last) pass began: what came after it is
  // what that pass found (with any late answers to the pass before).
  std::atomic<uint64_t> answered_at_pass_start{0};
  std::atomic<bool> finished{false};
};

// The source port a probe uses on a given pass. Varying it by pass means a retry is a new
// 4-tuple, so a middlebox that dropped the first SYN as a duplicate sees a fresh one.
inline uint16_t probe_source_port(const SenderConfig& c, uint64_t slot, unsigned pass) {
  return uint16_t(c.source_port_first + (slot + pass) % c.source_port_count);
}

class Sender {
 public:
  Sender(const probe::ProbeSpace& space, probe::ProbeTable& table, const probe::ProbeModule& module,
         PacketSink& sink, Clock& clock, SenderConfig config);

  void run(const std::atomic<bool>& stop);
  const SenderStats& stats() const { return stats_; }

 private:
  // Sends one pass; returns false if stopped.
  bool run_pass(unsigned pass, const std::atomic<bool>& stop);
  // Between passes: while a host that blocks us is silent, its keepalives (block_watch.h).
  void wait_for_silent_hosts(unsigned pass, const std::atomic<bool>& stop);

  const probe::ProbeSpace& space_;
  probe::ProbeTable& table_;
  const probe::ProbeModule& module_;
  PacketSink& sink_;
  Clock& clock_;
  SenderConfig config_;
  SenderStats stats_;
};

}  // namespace portauth::scanner
