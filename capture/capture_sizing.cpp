#include "capture/capture_sizing.h"

#include <algorithm>
#include <cmath>

namespace portauth::capture {

CaptureSizing size_capture(double rate_pps, double wait_seconds, uint64_t max_replies) {
  CaptureSizing s;
  s.immediate = rate_pps <= kImmediateMaxRate;
  const double per_reply = s.immediate ? kV2BytesPerReply : kV3BytesPerReply;
  // At least a quarter second of stall, even with --wait 0: a scheduler hiccup is not a wait.
  // An unpaced scan (infinite rate) asks for the cap.
  const double seconds = std::max(wait_seconds, 0.25);
  double want = std::isfinite(rate_pps) ? rate_pps * seconds * per_reply : double(kMaxBufferBytes);
  want = std::min(want, double(max_replies) * per_reply);
  s.buffer_bytes = int(std::clamp(want, double(kMinBufferBytes), double(kMaxBufferBytes)));
  return s;
}

}  // namespace portauth::capture
