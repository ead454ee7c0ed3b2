// A reply as the capture side parsed it: the facts a probe module needs to decide whether it
// answers one of its probes. Filled by capture/reply_parser.h, judged by the probe module
// (probe_module.h); it lives here, below both, so neither reaches up to the other.
#pragma once
#include <cstdint>

namespace portauth::probe {

enum class ReplyKind : uint8_t { kSynAck, kRst, kIcmpUnreachable };

struct Reply {
  ReplyKind kind = ReplyKind::kRst;
  uint32_t sender_ip = 0;    // IP source of the reply (a router, for ICMP)
  uint8_t ttl = 0;           // of the reply itself
  uint32_t target_ip = 0;    // the probed address: TCP source / quoted IP destination
  uint16_t target_port = 0;  // TCP source port / quoted TCP destination port
  uint32_t our_ip = 0;       // TCP destination / quoted IP source
  uint16_t our_port = 0;     // TCP destination port / quoted TCP source port
  uint32_t ack = 0;          // TCP acknowledgement number
  bool ack_flag = false;     // TCP ACK flag
  uint32_t quoted_seq = 0;   // ICMP: sequence number of the quoted probe
  uint8_t icmp_code = 0;
};

}  // namespace portauth::probe
