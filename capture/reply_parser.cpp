#include "capture/reply_parser.h"

namespace portauth::capture {

using probe::Reply;
using probe::ReplyKind;
namespace {

inline uint16_t be16(const uint8_t* p) { return uint16_t((p[0] << 8) | p[1]); }
inline uint32_t be32(const uint8_t* p) { return (uint32_t(be16(p)) << 16) | be16(p + 2); }

constexpr uint16_t kEtherIpv4 = 0x0800;
constexpr uint8_t kTcpFin = 0x01, kTcpSyn = 0x02, kTcpRst = 0x04, kTcpAck = 0x10;

// Finds the IPv4 header behind the link header. Returns the offset or -1 (status set).
long ip_offset(int linktype, const uint8_t* f, size_t len, ParseStatus& status) {
  switch (linktype) {
    case kDltEthernet: {
      size_t off = 12;
      if (len < off + 2) break;
      uint16_t type = be16(f + off);
      while (type == 0x8100 || type == 0x88a8) {  // VLAN tags
        off += 4;
        if (len < off + 2) { status = ParseStatus::kTruncated; return -1; }
        type = be16(f + off);
      }
      if (type != kEtherIpv4) { status = ParseStatus::kNotIpv4; return -1; }
      return long(off + 2);
    }
    case kDltLinuxSll:
      if (len < 16) break;
      if (be16(f + 14) != kEtherIpv4) { status = ParseStatus::kNotIpv4; return -1; }
      return 16;
    case kDltLinuxSll2:
      if (len < 20) break;
      if (be16(f) != kEtherIpv4) { status = ParseStatus::kNotIpv4; return -1; }
      return 20;
    case kDltNull:
      if (len < 4) break;
      // Address family in the capturing host's byte order; AF_INET is 2 everywhere.
      if (!((f[0] == 2 && f[1] == 0 && f[2] == 0 && f[3] == 0) || (f[0] == 0 && f[1] == 0 && f[2] == 0 && f[3] == 2))) {
        status = ParseStatus::kNotIpv4;
        return -1;
      }
      return 4;
    case kDltRaw:
    case kLinktypeRaw:
    case kDltIpv4:
      return 0;
    default:
      status = ParseStatus::kUnsupportedLink;
      return -1;
  }
  status = ParseStatus::kTruncated;
  return -1;
}

struct Ipv4View {
  const uint8_t* payload;
  size_t payload_len;  // bounded by both the total-length field and the captured bytes
  uint8_t protocol, ttl;
  uint32_t src, dst;
};

// `quoted`: the header inside an ICMP error, whose payload is usually cut short on purpose.
ParseStatus parse_ipv4(const uint8_t* p, size_t len, Ipv4View& v, bool quoted) {
  if (len < 20) return ParseStatus::kTruncated;
  if ((p[0] >> 4) != 4) return ParseStatus::kNotIpv4;
  const size_t ihl = size_t(p[0] & 0x0f) * 4;
  if (ihl < 20 || len < ihl) return ParseStatus::kTruncated;
  const size_t total = be16(p + 2);
  if (total < ihl) return ParseStatus::kTruncated;
  if ((be16(p + 6) & 0x1fff) != 0) return ParseStatus::kFragment;  // not the first fragment
  v.protocol = p[9];
  v.ttl = p[8];
  v.src = be32(p + 12);
  v.dst = be32(p + 16);
  v.payload = p + ihl;
  size_t avail = len - ihl;
  if (!quoted && total - ihl < avail) avail = total - ihl;  // ignore Ethernet padding
  v.payload_len = avail;
  return ParseStatus::kOk;
}

}  // namespace

long ipv4_offset(int linktype, const uint8_t* frame, size_t caplen, ParseStatus& status) {
  return ip_offset(linktype, frame, caplen, status);
}

ParseStatus parse_reply(int linktype, const uint8_t* frame, size_t caplen, Reply& out) {
  ParseStatus status = ParseStatus::kOk;
  const long off = ip_offset(linktype, frame, caplen, status);
  if (off < 0) return status;
  Ipv4View ip;
  if ((status = parse_ipv4(frame + off, caplen - size_t(off), ip, false)) != ParseStatus::kOk) return status;
  out = Reply{};
  out.sender_ip = ip.src;
  out.ttl = ip.ttl;

  if (ip.protocol == 6) {
    if (ip.payload_len < 20) return ParseStatus::kTruncated;
    const uint8_t* tcp = ip.payload;
    const uint8_t flags = tcp[13];
    if (flags & kTcpRst) {
      out.kind = ReplyKind::kRst;
    } else if ((flags & (kTcpSyn | kTcpAck | kTcpFin)) == (kTcpSyn | kTcpAck)) {
      out.kind = ReplyKind::kSynAck;
    } else {
      return ParseStatus::kNotAReply;
    }
    out.target_ip = ip.src;
    out.target_port = be16(tcp);
    out.our_ip = ip.dst;
    out.our_port = be16(tcp + 2);
    out.ack = be32(tcp + 8);
    out.ack_flag = (flags & kTcpAck) != 0;
    return ParseStatus::kOk;
  }
  if (ip.protocol == 1) {
    if (ip.payload_len < 8) return ParseStatus::kTruncated;
    const uint8_t* icmp = ip.payload;
    if (icmp[0] != 3) return ParseStatus::kNotAReply;  // destination unreachable only
    Ipv4View inner;
    status = parse_ipv4(icmp + 8, ip.payload_len - 8, inner, true);
    if (status != ParseStatus::kOk) return status;
    if (inner.protocol != 6) return ParseStatus::kNotAReply;
    // RFC 792 guarantees 8 bytes of the original datagram: ports and sequence number.
    if (inner.payload_len < 8) return ParseStatus::kTruncated;
    out.kind = ReplyKind::kIcmpUnreachable;
    out.icmp_code = icmp[1];
    out.target_ip = inner.dst;
    out.our_ip = inner.src;
    out.our_port = be16(inner.payload);
    out.target_port = be16(inner.payload + 2);
    out.quoted_seq = be32(inner.payload + 4);
    return ParseStatus::kOk;
  }
  return ParseStatus::kNotAReply;
}

}  // namespace portauth::capture
