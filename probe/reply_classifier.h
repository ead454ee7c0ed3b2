// The capture half of a probe's rule, as the capture loop sees it: a parsed reply in, a verdict
// out (which slot it answers and why, or why it is rejected). A probe module is one
// (probe_module.h); ReplyValidator, the SYN rule alone, is another, for tests that judge
// replies without building probes. Const, allocation-free, lock-free, never throws.
#pragma once
#include <cstdint>

#include "probe/reason.h"
#include "probe/reply.h"

namespace portauth::probe {

enum class Reject : uint8_t {
  kNone = 0,
  kNotOurs,        // wrong destination address or port outside our source range
  kUnknownTarget,  // (address, port) we never probe (or another shard's)
  kBadCookie,      // right 4-tuple, wrong sequence/ack: forged, stale, or another scan's
  kIcmpCode,       // an unreachable code that says nothing about the port
  kOtherKind,      // a kind of reply this module sends no probe for (an echo reply to a SYN scan)
};

struct Verdict {
  Reject reject = Reject::kNone;
  Reason reason = Reason::kNone;
  config::Proto proto = config::Proto::kTcp;  // of the probe it answers
  // The probe's port when it is not the reply's source port (a TFTP server answers from a
  // port of its own); else the reply's source port is the probe's port.
  bool other_port = false;
  uint16_t port = 0;
  uint64_t slot = 0;
};

class ReplyClassifier {
 public:
  virtual ~ReplyClassifier() = default;
  virtual Verdict classify(const Reply& reply) const noexcept = 0;
};

}  // namespace portauth::probe
