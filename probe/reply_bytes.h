// The first bytes of a UDP service's reply, copied by the capture thread (the frame is gone
// once classify() returns) for the main thread, which explains them (probe/udp_reply_facts.h)
// and measures the amplification. Fixed size: the capture path allocates nothing. They travel
// in a queue of their own, pushed just before the result they belong to (whose has_bytes
// says so), so the main thread pops them in step.
#pragma once
#include <cstddef>
#include <cstdint>

namespace portauth::probe {

struct ReplyBytes {
  static constexpr size_t kKeep = 512;
  uint16_t payload_len = 0;  // the reply's whole UDP payload (its length field less 8)
  uint16_t kept = 0;         // bytes of it in `bytes`
  uint8_t bytes[kKeep];
};

}  // namespace portauth::probe
