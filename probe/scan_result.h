// One answered probe, as the capture thread reports it to the main thread.
#pragma once
#include <cstdint>

#include "config/address.h"
#include "config/proto.h"
#include "probe/reason.h"

namespace portauth::probe {

struct ScanResult {
  config::Address addr;
  uint16_t port = 0;
  Reason reason = Reason::kNone;
  uint8_t ttl = 0;  // 0 for no-response
  config::Proto proto = config::Proto::kTcp;
  bool has_bytes = false;  // the reply's first bytes follow in the ReplyBytes queue (reply_bytes.h)

  PortState state() const { return state_of(reason, proto); }
};

}  // namespace portauth::probe
