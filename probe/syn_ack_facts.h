// What a SYN-ACK says about the stack that built it, beyond "open": the header fields and TCP
// options a host cannot help showing. A middlebox that answers for a host (a SYN proxy, a
// tarpit, a redirect to one listener) shows itself here: a window of 0, no options at all, the
// same options on every port, a sequence number that is a SYN cookie.
//
// Filled by capture/reply_parser.h only for SYN-ACKs and only when the caller asks, so
// probe::Reply stays 64 bytes; kept per host by verdict/host_evidence.h. Plain data, no
// allocation: the capture thread fills one per SYN-ACK.
#pragma once
#include <cstdint>

namespace portauth::probe {

struct SynAckFacts {
  uint32_t isn = 0;           // the SYN-ACK's sequence number: the host's initial sequence number
  uint32_t tsval = 0;         // timestamps option (when has_timestamps())
  uint32_t tsecr = 0;
  uint32_t option_order = 0;  // option kinds in order, 4 bits each, the first in the low bits (kind > 14: 15)
  uint16_t window = 0;        // the advertised window, unscaled (a SYN-ACK's never is)
  uint16_t mss = 0;           // 0: no MSS option
  uint16_t ip_id = 0;         // IPv4 identification (0 for IPv6)
  uint16_t payload = 0;       // data bytes the SYN-ACK carries (a real stack sends none)
  uint8_t ttl = 0;            // the reply's TTL / hop limit
  uint8_t wscale = kNoWscale; // window scale shift, or kNoWscale
  uint8_t option_count = 0;   // options seen, NOPs included (at most kMaxOrder recorded in order)
  uint8_t flags = 0;          // kSackPermitted | kTimestamps | kDontFragment | kBadOptions

  static constexpr uint8_t kNoWscale = 0xff;
  static constexpr uint8_t kSackPermitted = 1, kTimestamps = 2, kDontFragment = 4, kBadOptions = 8;
  static constexpr unsigned kMaxOrder = 8;

  bool sack_permitted() const { return flags & kSackPermitted; }
  bool has_timestamps() const { return flags & kTimestamps; }
  bool no_options() const { return option_count == 0; }
};
static_assert(sizeof(SynAckFacts) == 28, "SynAckFacts is laid out without padding");

// The option kinds in order as text, nmap-style letters: M (MSS), W (window scale), S (SACK
// permitted), T (timestamps), N (NOP), E (end of list), ? (any other); "" for none.
// Writes at most SynAckFacts::kMaxOrder letters plus a terminating NUL into out[9].
void option_letters(const SynAckFacts& f, char (&out)[SynAckFacts::kMaxOrder + 1]);

}  // namespace portauth::probe
