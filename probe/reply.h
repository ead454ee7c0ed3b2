// A reply as the capture side parsed it (either family: addresses as config::Address): the facts a probe module needs to decide whether it
// answers one of its probes. Filled by capture/reply_parser.h, judged by the probe module
// (probe_module.h); it lives here, below both, so neither reaches up to the other.
#pragma once
#include <cstdint>

#include "config/address.h"

namespace portauth::probe {

enum class ReplyKind : uint8_t { kSynAck, kRst, kIcmpUnreachable, kIcmp6Unreachable, kEchoReply, kUdp };

// The three addresses come first, then the payload pointer, then the small fields, so the
// struct has no padding between fields (80 bytes, 3 of them tail padding): the parser fills
// one per frame on the capture path.
struct Reply {
  config::Address sender_ip;  // IP source of the reply (a router, for ICMP)
  config::Address target_ip; // the probed address: TCP source / quoted IP destination
  config::Address our_ip;    // TCP destination / quoted IP source
  // kUdp: the datagram's payload as captured (valid while the frame is: during classify()).
  const uint8_t* payload = nullptr;
  uint32_t ack = 0;          // TCP acknowledgement number
  uint32_t quoted_seq = 0;   // ICMP: sequence number of the quoted probe (a quoted UDP probe:
                             // its IPv4 id, or its IPv6 flow label)
  uint16_t target_port = 0;  // TCP source port / quoted TCP destination port
  uint16_t our_port = 0;     // TCP destination port / quoted TCP source port
  ReplyKind kind = ReplyKind::kRst;
  uint8_t ttl = 0;           // of the reply itself (IPv6: its hop limit)
  bool ack_flag = false;     // TCP ACK flag
  uint8_t icmp_code = 0;
  uint16_t payload_len = 0;  // kUdp: payload bytes captured
  uint16_t udp_len = 0;      // kUdp: the UDP length field (the whole datagram, even when captured short)
  uint8_t proto = 6;         // 6 (TCP) or 17 (UDP): the reply's, or for ICMP the quoted probe's
};
static_assert(sizeof(Reply) == 80, "Reply is laid out without padding between fields");
// A UDP datagram (kUdp) fills target_ip/target_port (its source), our_ip/our_port (its
// destination), payload, payload_len, udp_len; an ICMP error quoting a UDP probe fills what it
// fills for TCP, with proto 17 and quoted_seq as above.
// An ICMP or ICMPv6 echo reply (kEchoReply) fills the same fields as a TCP answer would: the
// host pinged is target_ip (target_port 0), our address our_ip, the echo identifier our_port
// (it tells our pings from others' as a source port tells our SYNs) and the echo sequence
// number ack.

}  // namespace portauth::probe
