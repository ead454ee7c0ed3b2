// The connect check on the real network: ordinary kernel TCP connections (no raw socket, so it
// runs after the privilege drop), non-blocking, all driven by one epoll loop on the calling
// thread, at most kInFlight at once (and never more than the file-descriptor limit allows,
// whose soft limit is raised to the hard one first). For each target:
//   refused                 the SYN got an RST (ECONNREFUSED)
//   no-answer               no handshake within handshake_ns (or unreachable)
//   reset-after-handshake   connected, then reset (ECONNRESET): a SYN proxy with nothing behind
//   reached                 connected, then data, an orderly close (FIN: a backend accepted and
//                           closed), or held for hold_ns with the peer's window open
//   held-zero-window        held for hold_ns, the peer's window still 0 (TCP_INFO's tcpi_snd_wnd)
// Nothing is ever written to a connection: the check only listens.
#pragma once
#include "engine/connect_check.h"

namespace portauth::engine {

class LiveConnectChecker final : public ConnectChecker {
 public:
  static constexpr unsigned kInFlight = 2048;
  std::vector<verdict::ConnectOutcome> check(const std::vector<probe::ProbeTarget>& targets, uint64_t handshake_ns,
                                             uint64_t hold_ns) override;
};

}  // namespace portauth::engine
