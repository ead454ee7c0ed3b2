// The one classifier: a host's evidence (verdict/host_evidence.h), the results of the cheap
// follow-ups run on suspects, and the rate controller's record of silences, in; a verdict that
// names its evidence, or none, out. Pure: no I/O, no clock; tested in tests/unit.
//
// LZR's order: cheap evidence first (every SYN-ACK's facts, the canaries), follow-ups only for
// suspects (suspicion() and plan_follow_ups()):
//   SYN cookies   two SYNs to one open port from one source port, the second with seq + delta,
//                 milliseconds apart: a SYN-cookie ISN moves by exactly delta (Linux: the cookie
//                 is a hash of the 4-tuple and the minute plus the client's sequence number); a
//                 stack that keeps state picks an ISN from a clock, which moves by anything else
//   more canaries fresh canary ports: a host that answers every port answers those too
//   connect       a kernel connection to each open port of a window-0 host: data, or a connection
//                 held with an open window, reaches a backend; a reset right after the
//                 handshake does not (a SYN proxy with nothing behind the port); a connection
//                 held with a window that stays 0 is a tarpit
//
// The rules (first match wins; a rate-block record is added to any of them as evidence):
//   tarpit       every SYN-ACK had 0 < window < kTinyWindow and no option; or every SYN-ACK had
//                window 0, no SYN cookies, and every connection was held with a window of 0
//   syn-proxy    SYN cookies proven, and the host answers everywhere: every SYN-ACK had window 0,
//                or the canaries answered SYN-ACK
//   answers-all  the canaries answered SYN-ACK (at least kMinCanaryProof, at least 9 in 10 of the
//                canary answers, every follow-up canary), no SYN cookies
//   rate-block   the controller saw the host answer, fall silent after a burst, answer again
//   none         anything else: no verdict without evidence
//
// The -sV hook: ClassifyInput::services takes what service identification found on the host's
// ports. With it, a syn-proxy's service ports are the ports with an identified service (not the
// connect check's), and an answers-all verdict gains what its canaries and a sample of its ports
// showed (verdict/same_service.h: same_service or services_differ). A scan does not feed it
// here: its verdicts are made before -sV runs (so that -sV never connects to 65,536 SYN-ACKs),
// and -sV then identifies only the service ports the connect check found, or on an answers-all
// host its canary ports and a bounded sample (HostVerdict::canary_ports), and adds that evidence
// itself with add_service_evidence (service/service_stage.h). Without -sV, reports say the open
// ports are unverified.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "verdict/host_evidence.h"
#include "verdict/host_verdict.h"
#include "verdict/same_service.h"

namespace portauth::verdict {

inline constexpr unsigned kMinCanaryProof = 3;  // canary SYN-ACKs needed for "answers everywhere"

// What the capture side's evidence says so far, for holding a host's results back until its
// verdict is known (engine/result_holdback.h): kSuspect (it may lie: hold every result),
// kPending (its canaries have not all answered: hold its open results), kClear.
enum class Suspicion : uint8_t { kClear, kPending, kSuspect };
// `canaries_expected`: canary answers that settle an honest host (min(3, canary ports)).
Suspicion suspicion(const HostEvidence& e, unsigned canaries_expected);

struct FollowUpPlan {
  bool cookie = false;       // the SYN-cookie test on up to two open ports
  unsigned more_canaries = 0;
  bool connect = false;      // connect to the open ports (after the cookie test: connect_wanted())
  bool any() const { return cookie || more_canaries || connect; }
};
// Which follow-ups a host's evidence calls for (none for a host that looks honest).
FollowUpPlan plan_follow_ups(const HostEvidence& e);

enum class ConnectOutcome : uint8_t {
  kReached,          // data came, or the connection was held with an open window
  kHeldZeroWindow,   // held, but the window never opened
  kResetAfterHandshake,
  kRefused,          // RST to the SYN
  kNoAnswer,         // no handshake within the deadline
};
const char* connect_outcome_name(ConnectOutcome o);

struct ConnectResult {
  uint16_t port = 0;
  ConnectOutcome outcome = ConnectOutcome::kNoAnswer;
};

struct FollowUps {
  // SYN-cookie test: pairs sent, pairs with both SYN-ACKs back, and pairs whose ISN moved by
  // exactly the delta.
  unsigned cookie_pairs = 0, cookie_answered = 0, cookie_moved_by_delta = 0;
  // More canaries: ports probed and how they answered.
  std::vector<uint16_t> canaries;
  unsigned canary_syn_acks = 0, canary_others = 0;
  std::vector<uint16_t> canaries_open;  // those of `canaries` that answered SYN-ACK
  std::vector<ConnectResult> connects;
  double seconds = 0;  // what the follow-ups cost in time
};

// After the cookie test: whether the connect check should run (window-0 hosts and proven
// SYN cookies: a SYN proxy's real services are found by connecting).
bool connect_wanted(const HostEvidence& e, const FollowUps& f);

// The rate controller's account of one host that went silent (scanner/block_watch.h).
struct BlockRecord {
  unsigned silences = 0;         // times it went silent to us
  double silent_seconds = 0;     // in all
  bool answered_again = false;   // it answered after its last silence
  double tolerated_pps = 0;      // the rate the scan settled on for it (SYNs a second)
  uint64_t answers_before = 0;   // answers before it first went silent
  uint64_t probes_resent = 0;    // probes sent into its silences before they were seen, sent again
  uint64_t probes_deferred = 0;  // probes held back while it was silent
  double cost_seconds = 0;       // the scan's time spent waiting on it and pacing for it
};

struct ClassifyInput {
  const HostEvidence* evidence = nullptr;  // may be null (a host known only from a block record)
  const FollowUps* follow_ups = nullptr;   // null: none ran
  const BlockRecord* block = nullptr;      // null: it never went silent
  config::Address addr;
  uint64_t open_ports = 0;                 // the host's open results (canaries not counted)
  std::span<const uint16_t> open_port_list;  // the same, when known (the SYN-cookie test's ports)
  // The scan's canary ports that answered SYN-ACK (the follow-ups' are in follow_ups): an
  // answers-all verdict lists them all (HostVerdict::canary_ports) for -sV to try.
  std::span<const uint16_t> canary_syn_acks;
  bool services_ran = false;               // -sV ran on the host
  std::span<const ServiceSeen> services;   // what it found (empty without -sV; verdict/same_service.h)
};

std::optional<HostVerdict> classify(const ClassifyInput& in);

}  // namespace portauth::verdict
