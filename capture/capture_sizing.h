// How the kernel capture ring is set up for a scan of a given rate and wait.
//
// Buffer: every reply that can arrive while the capture thread is kept off the CPU must fit
// in the ring, and the longest such stretch we plan for is one pass's wait (the sender
// sleeps then, but on a busy 2-core host the capture thread may not run either). Replies
// come at most at the probe rate, so the ring holds rate x wait replies, at the per-reply
// footprint of the ring format in use, within [kMinBufferBytes, kMaxBufferBytes] (the ring
// is locked kernel memory, so it is capped; --rate max is sized as kMaxBufferBytes). Nor is
// it ever sized for more replies than the scan can draw (`max_replies`): the kernel zeroes
// every page of the ring when the capture opens, and 256 MiB of clear_page showed up as 10%
// of a 196,608-probe scan's CPU time in perf.
//
// Delivery: below kImmediateMaxRate replies are handed over one wake-up each (immediate
// mode, TPACKET_V2 slots of ~snaplen), so a retry pass sees every answer that has landed.
// Above it, libpcap's default TPACKET_V3 ring: replies packed back to back in blocks that
// the kernel retires when full or after the timeout (10 ms), one wake-up per block instead
// of per packet, and ~2x more replies per MiB. 10 ms of latency is nothing next to the wait.
#pragma once
#include <cstdint>
#include <limits>

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

// rate_pps may be infinite (--rate max). max_replies: the replies that can pile up at once,
// one first answer per probe (retry passes re-probe only the unanswered; retransmitted
// SYN-ACKs arrive a second later, long after the ring has drained).
CaptureSizing size_capture(double rate_pps, double wait_seconds,
                           uint64_t max_replies = std::numeric_limits<uint64_t>::max());

}  // namespace portauth::capture
