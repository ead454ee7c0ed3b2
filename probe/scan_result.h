// One answered probe, as the capture thread reports it to the main thread.
#pragma once
#include <cstdint>

#include "probe/reason.h"

namespace portauth::probe {

struct ScanResult {
  uint32_t addr = 0;
  uint16_t port = 0;
  Reason reason = Reason::kNone;
  uint8_t ttl = 0;  // 0 for no-response
};

}  // namespace portauth::probe
