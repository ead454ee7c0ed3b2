// The UDP phase: what a scan does after its passes about hosts that limit their ICMP errors.
//
// A closed UDP port says so only with an ICMP port unreachable, and Linux sends at most one
// such error a second to a peer after a burst of 6. So after the passes every open port is
// known (replies are not limited) and most closed ports of such a host look silent. For each
// host that sent ICMP errors and still has unanswered UDP ports (icmp_rate_meter.h):
//
//   canary   `canary` probes to a port the host already called closed. All answered: it does
//            not limit (now), and its unanswered ports are silent; done. Fewer: it limits,
//            and its bucket is empty now.
//   measure  a probe every `measure_gap_ns` to the port known to be closed until its next ICMP
//            error: the time since the bucket emptied is the period it grants one (exact when
//            the canary or its burst had spent a full bucket). By default the phase stops here
//            (at most `measure_window_ns` after the bucket emptied: then only a bound is known),
//            and the rest are reported open|filtered, with how long telling them apart would
//            take. --wait-unreachable waits for one more error, probing its unanswered ports
//            (the error classifies one): the time between the two is the period, exact to a
//            gap or two, since the first left the bucket empty (one token spent on a port
//            already known: the price of a model that never runs fast).
//   follow   --wait-unreachable: one probe at a time, each when the host's bucket (modelled:
//            the period measured, the largest burst seen) holds a token. An error: closed (or
//            filtered), a token spent. Nothing within `answer_wait_ns`: a suspect (the token
//            was not spent, if the model is right), and the next probe goes at once. Then the
//            proof: every suspect in one burst, followed by the port known closed. If that one
//            answers, a token was left after every suspect had passed, so each suspect that
//            drew nothing had one to spend and kept it: open|filtered, proven; if not, the
//            model ran fast, it slows down and tries again. So no closed port is ever called
//            silent on the model's word, and the phase takes about one period per closed port
//            the burst did not cover, one more for the proof, plus an answer wait per silent
//            port; it ends when every port is classified.
//
// No result is made here: the capture thread records the ICMP errors as for any probe. Runs on
// the sender thread; reads the probe table and the meter; all waits on the injected clock.
#pragma once
#include <atomic>
#include <cstdint>
#include <vector>

#include "probe/probe_module.h"
#include "probe/probe_space.h"
#include "probe/probe_table.h"
#include "scanner/clock.h"
#include "scanner/icmp_rate_meter.h"
#include "scanner/packet_sink.h"
#include "scanner/rate_controller.h"

namespace portauth::scanner {

struct UdpPhaseConfig {
  bool wait_all = false;                    // --wait-unreachable: follow until every port is classified
  uint64_t measure_window_ns = 1'500'000'000;  // default mode: the longest wait for the next error
  uint64_t wait_window_ns = 30'000'000'000;    // --wait-unreachable: the same (a host silent this long is done)
  uint64_t answer_wait_ns = 50'000'000;     // how long one probe's ICMP error may take
  uint64_t measure_gap_ns = 10'000'000;     // between measuring probes to one host
  unsigned canary = 7;                      // Linux's burst of 6, and one more
  double rate_pps = 0;                      // the phase's send rate ceiling (0 or infinite: none)
};

// A host that limits its ICMP errors, as the phase found it.
struct HostIcmpLimit {
  config::Address addr;
  uint32_t icmp_before = 0;   // errors before the phase (its burst, and what the retries drew)
  double period_s = 0;        // seconds per error it grants (0: not measured)
  double bound_s = 0;         // not measured: at least this long
  uint64_t classified = 0;    // ports the phase's probes classified
  uint64_t unclassified = 0;  // UDP ports still unanswered after the phase
  bool waited = false;        // --wait-unreachable: the unclassified ones are silent, not unknown
};

class UnreachablePhase {
 public:
  UnreachablePhase(const probe::ProbeSpace& space, const probe::ProbeTable& table, const probe::ProbeModule& module,
                   PacketSink& sink, Clock& clock, const IcmpRateMeter& meter, UdpPhaseConfig config);

  // Sender thread, after the passes: returns false if `stop` ended it. `sent` counts the probes;
  // `answer_wait_ns` and `rate_pps`, when not 0, replace the configured ones (the controller's
  // waits and rate of the moment).
  bool run(const std::atomic<bool>& stop, std::atomic<uint64_t>& sent, uint64_t answer_wait_ns = 0,
           double rate_pps = 0, RateController* rc = nullptr);
  // After run(): the hosts found to limit their errors, in address order.
  const std::vector<HostIcmpLimit>& limited() const { return limited_; }
  double seconds() const { return double(end_ns_ - start_ns_) / 1e9; }
  bool ran() const { return end_ns_ > start_ns_; }

 private:
  struct Host;
  void step(Host& h, uint64_t now, std::vector<probe::ProbeTarget>& out);
  void send(uint64_t slot, std::vector<probe::ProbeTarget>& out);

  const probe::ProbeSpace& space_;
  const probe::ProbeTable& table_;
  const probe::ProbeModule& module_;
  PacketSink& sink_;
  Clock& clock_;
  const IcmpRateMeter& meter_;
  UdpPhaseConfig config_;
  std::vector<HostIcmpLimit> limited_;
  uint64_t start_ns_ = 0, end_ns_ = 0;
};

}  // namespace portauth::scanner
