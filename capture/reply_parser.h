// Parses one captured frame into the facts a reply validator needs. Pure: bytes in, struct
// out; every length is checked against the captured length before it is read, so a
// truncated or malicious frame yields a status, never an out-of-bounds read.
//
// Link types: Ethernet (with 802.1Q / 802.1ad tags), Linux cooked v1 and v2, raw IPv4,
// BSD loopback (DLT_NULL). Replies of interest: TCP segments with RST or SYN+ACK, and ICMP
// destination-unreachable messages quoting a TCP header.
#pragma once
#include <cstddef>
#include <cstdint>

namespace portauth::capture {

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

enum class ParseStatus : uint8_t {
  kOk,
  kUnsupportedLink,
  kTruncated,
  kNotIpv4,
  kFragment,
  kNotAReply,  // another protocol, TCP without RST/SYN+ACK, another ICMP type, ...
};

ParseStatus parse_reply(int linktype, const uint8_t* frame, size_t caplen, Reply& out);

// Where the IPv4 header starts behind the link header of `linktype` (the same link types as
// parse_reply): its offset, or -1 with `status` set (kUnsupportedLink, kTruncated, kNotIpv4).
// The IPv4 header itself is not checked.
long ipv4_offset(int linktype, const uint8_t* frame, size_t caplen, ParseStatus& status);

// DLT values used above (from pcap/dlt.h), so pure code does not include pcap.h.
inline constexpr int kDltNull = 0;
inline constexpr int kDltEthernet = 1;
inline constexpr int kDltRaw = 12;
inline constexpr int kLinktypeRaw = 101;
inline constexpr int kDltLinuxSll = 113;
inline constexpr int kDltIpv4 = 228;
inline constexpr int kDltLinuxSll2 = 276;

}  // namespace portauth::capture
