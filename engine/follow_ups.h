// The cheap follow-ups on suspects (verdict/classify.h says which and why), run after the scan
// loop on the main thread, on the scan's own wire (the capture thread has stopped): SYNs built
// by the scan's probe module, replies read straight from the wire's source and matched here.
//
//   SYN cookies   per host, up to two open ports: a SYN with the port's cookie as its sequence
//                 number, then, kPairGapNs later and from the same source port, one with
//                 cookie + delta (a random delta in [2^24, 2^30): no clock-driven ISN moves by
//                 that much in milliseconds, nor by exactly that). Each SYN-ACK must ack its own
//                 SYN's sequence number + 1, which no one who has not seen our SYNs can forge.
//   more canaries SYNs to fresh canary ports, judged by the scan's own rule (the cookie).
//   connect       the ConnectChecker (engine/connect_check.h), on the open ports of hosts whose
//                 answers call for it (window 0, or SYN cookies proven): at most kMaxConnects.
// Waits are the controller's (3 x the RTT p99, at least 50 ms), on the injected clock.
#pragma once
#include <cstdint>
#include <map>
#include <vector>

#include "engine/connect_check.h"
#include "engine/scan_setup.h"
#include "engine/wire.h"
#include "scanner/clock.h"
#include "verdict/classify.h"

namespace portauth::engine {

struct Suspect {
  config::Address addr;
  verdict::FollowUpPlan plan;
  std::vector<uint16_t> open_ports;  // sorted; the SYN-cookie test's ports, the connect check's targets
};

struct FollowUpRun {
  std::map<config::Address, verdict::FollowUps> results;
  uint64_t probes = 0;       // SYNs sent
  uint64_t connections = 0;  // kernel connections made
  double seconds = 0;
};

inline constexpr uint64_t kPairGapNs = 2'000'000;
inline constexpr uint64_t kMaxConnects = 65536;

// `connect` may be null (no connect check: a syn-proxy's services stay unknown).
FollowUpRun run_follow_ups(const ScanSetup& setup, Wire& wire, scanner::Clock& clock, const std::vector<Suspect>& suspects,
                           ConnectChecker* connect, uint64_t wait_ns);

}  // namespace portauth::engine
