// How the kernel capture ring is set up for a scan of a given rate and wait.
//
// Buffer: every reply that can arrive while the capture thread is kept off the CPU must fit
// in the ring, and the longest such stretch we plan for is one pass's wait (the sender
// sleeps then, but on a busy 2-core host the capture thread may not run either). Replies
// come at most at the probe rate, so the ring holds rate x wait replies, at the per-reply
// footprint of the ring format in use, within [kMinBufferBytes, kMaxBufferBytes] (the ring
// is locked kernel memory, so it is capped; --rate max is sized as kMaxBufferBytes).
//
// Delivery: below kImmediateMaxRate replies are handed over one wake-up each (immediate
// mode, TPACKET_V2 slots of ~snaplen), so a retry pass sees every answer that has landed.
// Above it, libpcap's default TPACKET_V3 ring: replies packed back to back in blocks that
// the kernel retires when full or after the timeout (10 ms), one wake-up per block instead
// of per packet, and ~2x more replies per MiB. 10 ms of latency is nothing next to the wait.
#pragma once
#include <cstdint>

namespace portauth::capture {

struct CaptureSizing {
  int buffer_bytes = 0;
  bool immediate = true;
};

inline constexpr int kMinBufferBytes = 32 << 20;
inline constexpr int kMaxBufferBytes = 256 << 20;
inline constexpr double kImmediateMaxRate = 100000;
// Ring bytes per captured reply: a TPACKET_V2 slot for snaplen 256, a packed TPACKET_V3
// record (header + Ethernet + IPv4 + TCP/ICMP quote, 16-byte aligned).
inline constexpr int kV2BytesPerReply = 336;
inline constexpr int kV3BytesPerReply = 160;

// rate_pps may be infinite (--rate max).
CaptureSizing size_capture(double rate_pps, double wait_seconds);

}  // namespace portauth::capture
