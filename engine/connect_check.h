// The seam for the kernel-connection follow-up (verdict/classify.h): connect to ports of a
// suspect host and say what came of each connection. Live: engine/live_connect.h (epoll,
// non-blocking sockets, no privilege); tests: the in-memory network's hosts answer it by their
// profile. Run on the main thread after the scan loop, never on the per-packet path.
//
// With -sV the check still runs first and decides which of a flagged host's open ports reach a
// service; -sV (service/service_stage.h) then identifies those ports only, never every SYN-ACK.
#pragma once
#include <cstdint>
#include <vector>

#include "probe/probe_space.h"
#include "verdict/classify.h"

namespace portauth::engine {

class ConnectChecker {
 public:
  virtual ~ConnectChecker() = default;
  // One outcome per target, in order. A handshake gets `handshake_ns`; a connection that is up
  // is watched `hold_ns` for data, a close, a reset or (held silent) its peer's window.
  virtual std::vector<verdict::ConnectOutcome> check(const std::vector<probe::ProbeTarget>& targets,
                                                     uint64_t handshake_ns, uint64_t hold_ns) = 0;
};

}  // namespace portauth::engine
