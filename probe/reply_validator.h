// Decides whether a parsed reply answers one of our probes, and which one. Pure: no I/O,
// no state beyond what the scan was configured with, so forged and stray packets are
// tested byte by byte.
//
// Accepted iff: it is addressed to our source address and one of our source ports, the
// (target, port) is in the probe space (and this shard), and the SYN cookie matches:
//   SYN-ACK: ack == cookie + 1;  RST: ACK flag and ack in {cookie, cookie + 1};
//   ICMP or ICMPv6 unreachable with a port-relevant code: quoted seq == cookie.
// One validator judges one family: its our_ip's; a reply of the other family is not ours.
#pragma once
#include <cstdint>

#include "probe/cookie.h"
#include "probe/probe_space.h"
#include "probe/reply_classifier.h"

namespace portauth::probe {

class ReplyValidator final : public ReplyClassifier {
 public:
  ReplyValidator(const probe::ProbeSpace& space, const probe::CookieKey& key, config::Address our_ip,
                 uint16_t source_port_first, uint16_t source_port_count)
      : space_(space), key_(key), our_ip_(our_ip), port_first_(source_port_first), port_count_(source_port_count) {}

  Verdict check(const Reply& r) const noexcept;
  Verdict classify(const Reply& r) const noexcept override { return check(r); }

 private:
  const probe::ProbeSpace& space_;
  const probe::CookieKey key_;
  config::Address our_ip_;
  uint16_t port_first_;
  uint16_t port_count_;
};

}  // namespace portauth::probe
