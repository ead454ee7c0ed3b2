#include "capture_sizing.h"

#include <algorithm>
#include <cmath>

namespace portauth::capture {

CaptureSizing size_capture(double rate_pps, double wait_seconds) {
  CaptureSizing s;
  s.immediate = rate_pps <= kImmediateMaxRate;
  if (!std::isfinite(rate_pps)) {
    s.buffer_bytes = kMaxBufferBytes;
    return s;
  }
  // At least a quarter second of stall, even with --wait 0: a scheduler hiccup is not a wait.
  const double seconds = std::max(wait_seconds, 0.25);
  const double want = rate_pps * seconds * (s.immediate ? kV2BytesPerReply : kV3BytesPerReply);
  s.buffer_bytes = int(std::clamp(want, double(kMinBufferBytes), double(kMaxBufferBytes)));
  return s;
}

}  // namespace portauth::capture
