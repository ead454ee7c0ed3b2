// Decides whether a parsed reply answers one of our probes, and which one. Pure: no I/O,
// no state beyond what the scan was configured with, so forged and stray packets are
// tested byte by byte.
//
// Accepted iff: it is addressed to our source address and one of our source ports, the
// (target, port) is in the probe space (and this shard), and the SYN cookie matches:
//   SYN-ACK: ack == cookie + 1;  RST: ACK flag and ack in {cookie, cookie + 1};
//   ICMP unreachable with a port-relevant code: quoted seq == cookie.
#pragma once
#include <cstdint>

#include "cookie.h"
#include "probe_space.h"
#include "reason.h"
#include "reply_parser.h"

namespace portauth::capture {

enum class Reject : uint8_t {
  kNone = 0,
  kNotOurs,        // wrong destination address or port outside our source range
  kUnknownTarget,  // (address, port) we never probe (or another shard's)
  kBadCookie,      // right 4-tuple, wrong sequence/ack: forged, stale, or another scan's
  kIcmpCode,       // an unreachable code that says nothing about the port
};

struct Verdict {
  Reject reject = Reject::kNone;
  Reason reason = Reason::kNone;
  uint64_t slot = 0;
};

class ReplyValidator {
 public:
  ReplyValidator(const scanner::ProbeSpace& space, const scanner::CookieKey& key, uint32_t our_ip,
                 uint16_t source_port_first, uint16_t source_port_count)
      : space_(space), key_(key), our_ip_(our_ip), port_first_(source_port_first), port_count_(source_port_count) {}

  Verdict check(const Reply& r) const;

 private:
  const scanner::ProbeSpace& space_;
  const scanner::CookieKey key_;
  uint32_t our_ip_;
  uint16_t port_first_;
  uint16_t port_count_;
};

}  // namespace portauth::capture
