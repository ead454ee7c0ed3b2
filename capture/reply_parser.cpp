#include "capture/reply_parser.h"

namespace portauth::capture {

using config::Address;
using probe::Reply;
using probe::ReplyKind;
namespace {

inline uint16_t be16(const uint8_t* p) { return uint16_t((p[0] << 8) | p[1]); }
inline uint32_t be32(const uint8_t* p) { return (uint32_t(be16(p)) << 16) | be16(p + 2); }

constexpr uint16_t kEtherIpv4 = 0x0800;
constexpr uint16_t kEtherIpv6 = 0x86dd;
constexpr uint8_t kTcpFin = 0x01, kTcpSyn = 0x02, kTcpRst = 0x04, kTcpAck = 0x10;
constexpr size_t kIpv6Header = 40;
// Extension headers walked before giving up: a real reply carries one or two; a chain
// longer than this is someone probing the parser, and is rejected, never looped over.
constexpr int kMaxExtensionHeaders = 8;

bool is_ip_ethertype(uint16_t type) { return type == kEtherIpv4 || type == kEtherIpv6; }

// DLT_NULL's address family, in the capturing host's byte order: AF_INET is 2 everywhere;
// AF_INET6 is 10 on Linux, 24, 28 or 30 on the BSDs and macOS.
bool null_family_is_ip(const uint8_t* f) {
  for (int af : {2, 10, 24, 28, 30})
    if ((f[0] == af && f[1] == 0 && f[2] == 0 && f[3] == 0) || (f[0] == 0 && f[1] == 0 && f[2] == 0 && f[3] == af))
      return true;
  return false;
}

// The IP version a link header announces (4 or 6; 0: either, as raw IP says nothing).
int version_of(uint16_t ethertype) { return ethertype == kEtherIpv6 ? 6 : 4; }

// Finds the IP header behind the link header. Returns the offset or -1 (status set);
// `version` is what the link header announced, which the IP header must then agree with.
long ip_offset(int linktype, const uint8_t* f, size_t len, ParseStatus& status, int& version) {
  version = 0;
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
      if (!is_ip_ethertype(type)) { status = ParseStatus::kNotIpv4; return -1; }
      version = version_of(type);
      return long(off + 2);
    }
    case kDltLinuxSll:
      if (len < 16) break;
      if (!is_ip_ethertype(be16(f + 14))) { status = ParseStatus::kNotIpv4; return -1; }
      version = version_of(be16(f + 14));
      return 16;
    case kDltLinuxSll2:
      if (len < 20) break;
      if (!is_ip_ethertype(be16(f))) { status = ParseStatus::kNotIpv4; return -1; }
      version = version_of(be16(f));
      return 20;
    case kDltNull:
      if (len < 4) break;
      if (!null_family_is_ip(f)) { status = ParseStatus::kNotIpv4; return -1; }
      return 4;
    case kDltIpv4:
      version = 4;
      return 0;
    case kDltIpv6:
      version = 6;
      return 0;
    case kDltRaw:
    case kLinktypeRaw:
      return 0;
    default:
      status = ParseStatus::kUnsupportedLink;
      return -1;
  }
  status = ParseStatus::kTruncated;
  return -1;
}

struct IpView {
  const uint8_t* payload;
  size_t payload_len;  // bounded by both the length field and the captured bytes
  uint8_t protocol, ttl;
  bool v6;
  uint32_t ident;  // IPv4: the id; IPv6: the flow label
  bool dont_fragment;  // IPv4's DF bit (false for IPv6)
  Address src, dst;
};

// `quoted`: the header inside an ICMP error, whose payload is usually cut short on purpose.
ParseStatus parse_ipv4(const uint8_t* p, size_t len, IpView& v, bool quoted) {
  if (len < 20) return ParseStatus::kTruncated;
  if ((p[0] >> 4) != 4) return ParseStatus::kNotIpv4;
  const size_t ihl = size_t(p[0] & 0x0f) * 4;
  if (ihl < 20 || len < ihl) return ParseStatus::kTruncated;
  const size_t total = be16(p + 2);
  if (total < ihl) return ParseStatus::kTruncated;
  if ((be16(p + 6) & 0x1fff) != 0) return ParseStatus::kFragment;  // not the first fragment
  v.protocol = p[9];
  v.ttl = p[8];
  v.v6 = false;
  v.ident = be16(p + 4);
  v.dont_fragment = (p[6] & 0x40) != 0;
  v.src = Address::v4(be32(p + 12));
  v.dst = Address::v4(be32(p + 16));
  v.payload = p + ihl;
  size_t avail = len - ihl;
  if (!quoted && total - ihl < avail) avail = total - ihl;  // ignore Ethernet padding
  v.payload_len = avail;
  return ParseStatus::kOk;
}

// IPv6 and its extension headers (RFC 8200 4): hop-by-hop, routing, destination options and
// AH are stepped over by their length fields; a fragment header is followed only on the first
// fragment (the one that carries the TCP or ICMPv6 header). Every step is bounds-checked.
ParseStatus parse_ipv6(const uint8_t* p, size_t len, IpView& v, bool quoted) {
  if (len < kIpv6Header) return ParseStatus::kTruncated;
  if ((p[0] >> 4) != 6) return ParseStatus::kNotIpv4;
  size_t avail = len;
  const size_t payload_len = be16(p + 4);
  // Ethernet padding is cut off; payload length 0 (a jumbogram) keeps what was captured.
  if (!quoted && payload_len != 0 && kIpv6Header + payload_len < avail) avail = kIpv6Header + payload_len;
  v.ttl = p[7];
  v.v6 = true;
  v.ident = be32(p) & 0xfffff;
  v.dont_fragment = false;
  v.src = Address::from_bytes(p + 8);
  v.dst = Address::from_bytes(p + 24);
  uint8_t next = p[6];
  size_t off = kIpv6Header;
  for (int hops = 0;; ++hops) {
    if (next != 0 && next != 43 && next != 44 && next != 51 && next != 60) break;  // upper layer
    if (hops == kMaxExtensionHeaders) return ParseStatus::kBadExtensionHeaders;
    if (avail < off + 8) return ParseStatus::kTruncated;  // every extension header is >= 8 bytes
    const uint8_t* h = p + off;
    size_t h_len;
    if (next == 44) {
      if ((be16(h + 2) >> 3) != 0) return ParseStatus::kFragment;  // not the first fragment
      h_len = 8;
    } else if (next == 51) {
      h_len = (size_t(h[1]) + 2) * 4;  // AH counts 4-byte words, less two
    } else {
      h_len = (size_t(h[1]) + 1) * 8;
    }
    next = h[0];
    off += h_len;
    if (avail < off) return ParseStatus::kTruncated;
  }
  if (next == 59) return ParseStatus::kNotAReply;  // "no next header"
  v.protocol = next;
  v.payload = p + off;
  v.payload_len = avail - off;
  return ParseStatus::kOk;
}

ParseStatus parse_ip(const uint8_t* p, size_t len, IpView& v, bool quoted) {
  if (len < 1) return ParseStatus::kTruncated;
  return (p[0] >> 4) == 6 ? parse_ipv6(p, len, v, quoted) : parse_ipv4(p, len, v, quoted);
}

// A SYN-ACK's facts (probe/syn_ack_facts.h). The option list ends at the TCP header's data
// offset, which must itself lie within the captured segment; each option's length byte is
// checked before the option is read.
void syn_ack_facts(const IpView& ip, probe::SynAckFacts& f) {
  const uint8_t* tcp = ip.payload;
  f = probe::SynAckFacts{};
  f.isn = be32(tcp + 4);
  f.window = be16(tcp + 14);
  f.ttl = ip.ttl;
  f.ip_id = ip.v6 ? 0 : uint16_t(ip.ident);  // IPv6 has no IP id (its flow label is not one)
  if (ip.dont_fragment) f.flags |= probe::SynAckFacts::kDontFragment;
  size_t header = size_t(tcp[12] >> 4) * 4;
  if (header < 20 || header > ip.payload_len) {
    f.flags |= probe::SynAckFacts::kBadOptions;
    header = 20;
  }
  f.payload = uint16_t(ip.payload_len - header);
  auto note = [&f](uint8_t kind) {
    if (f.option_count < probe::SynAckFacts::kMaxOrder)
      f.option_order |= uint32_t(kind > 14 ? 15 : kind) << (4 * f.option_count);
    if (f.option_count < 255) ++f.option_count;
  };
  for (size_t off = 20; off < header;) {
    const uint8_t kind = tcp[off];
    if (kind == 0) {  // end of option list
      note(0);
      break;
    }
    if (kind == 1) {  // NOP
      note(1);
      ++off;
      continue;
    }
    if (off + 1 >= header || tcp[off + 1] < 2 || off + tcp[off + 1] > header) {
      f.flags |= probe::SynAckFacts::kBadOptions;
      break;
    }
    const uint8_t len = tcp[off + 1];
    const uint8_t* o = tcp + off;
    note(kind);
    if (kind == 2 && len == 4) f.mss = be16(o + 2);
    else if (kind == 3 && len == 3) f.wscale = o[2];
    else if (kind == 4 && len == 2) f.flags |= probe::SynAckFacts::kSackPermitted;
    else if (kind == 8 && len == 10) {
      f.flags |= probe::SynAckFacts::kTimestamps;
      f.tsval = be32(o + 2);
      f.tsecr = be32(o + 6);
    }
    off += len;
  }
}

ParseStatus parse_tcp(const IpView& ip, Reply& out) {
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

// An ICMP or ICMPv6 error quoting one of our probes: the quoted IP header is the same family
// as the error's own (an IPv4 error quoting IPv6 is not ours), its payload the TCP header.
ParseStatus parse_quote(const IpView& ip, ReplyKind kind, bool v6, Reply& out) {
  if (ip.payload_len < 8) return ParseStatus::kTruncated;
  const uint8_t* icmp = ip.payload;
  IpView inner;
  const uint8_t* q = icmp + 8;
  const size_t q_len = ip.payload_len - 8;
  if (q_len < 1) return ParseStatus::kTruncated;
  if (((q[0] >> 4) == 6) != v6) return ParseStatus::kNotAReply;
  const ParseStatus status = parse_ip(q, q_len, inner, true);
  if (status != ParseStatus::kOk) return status;
  if (inner.protocol != 6 && inner.protocol != 17) return ParseStatus::kNotAReply;
  // RFC 792 and RFC 4443 both leave at least 8 bytes of the original: ports and sequence
  // (a UDP probe: ports, length and checksum).
  if (inner.payload_len < 8) return ParseStatus::kTruncated;
  out.kind = kind;
  out.icmp_code = icmp[1];
  out.target_ip = inner.dst;
  out.our_ip = inner.src;
  out.our_port = be16(inner.payload);
  out.target_port = be16(inner.payload + 2);
  out.proto = inner.protocol;
  // A UDP header has no sequence number: the probe's cookie bits are in its IP header.
  out.quoted_seq = inner.protocol == 6 ? be32(inner.payload + 4) : inner.ident;
  return ParseStatus::kOk;
}

// A UDP datagram: its addresses and ports, and its payload as far as it was captured.
ParseStatus parse_udp(const IpView& ip, Reply& out) {
  if (ip.payload_len < 8) return ParseStatus::kTruncated;
  const uint8_t* udp = ip.payload;
  const size_t length = be16(udp + 4);
  if (length < 8) return ParseStatus::kTruncated;
  out.kind = ReplyKind::kUdp;
  out.proto = 17;
  out.target_ip = ip.src;
  out.target_port = be16(udp);
  out.our_ip = ip.dst;
  out.our_port = be16(udp + 2);
  out.udp_len = uint16_t(length);
  // What was captured of the payload, never past the UDP length (padding is not payload).
  size_t have = ip.payload_len - 8;
  if (have > length - 8) have = length - 8;
  out.payload = udp + 8;
  out.payload_len = uint16_t(have);
  return ParseStatus::kOk;
}

// An echo reply (ICMP type 0, ICMPv6 type 129), in a SYN answer's fields (probe/reply.h).
ParseStatus parse_echo_reply(const IpView& ip, Reply& out) {
  const uint8_t* icmp = ip.payload;
  out.kind = ReplyKind::kEchoReply;
  out.target_ip = ip.src;
  out.our_ip = ip.dst;
  out.our_port = be16(icmp + 4);
  out.ack = be16(icmp + 6);
  return ParseStatus::kOk;
}

}  // namespace

long ipv4_offset(int linktype, const uint8_t* frame, size_t caplen, ParseStatus& status) {
  int version = 0;
  return ip_offset(linktype, frame, caplen, status, version);
}

ParseStatus parse_reply(int linktype, const uint8_t* frame, size_t caplen, Reply& out) {
  return parse_reply(linktype, frame, caplen, out, nullptr);
}

ParseStatus parse_reply(int linktype, const uint8_t* frame, size_t caplen, Reply& out, probe::SynAckFacts* facts) {
  ParseStatus status = ParseStatus::kOk;
  int version = 0;
  const long off = ip_offset(linktype, frame, caplen, status, version);
  if (off < 0) return status;
  // The link header and the IP header must agree on the version (an IPv4 EtherType before an
  // IPv6 header is malformed, not IPv6).
  if (version != 0 && size_t(off) < caplen && (frame[off] >> 4) != version) return ParseStatus::kNotIpv4;
  IpView ip;
  if ((status = parse_ip(frame + off, caplen - size_t(off), ip, false)) != ParseStatus::kOk) return status;
  // Every field is written on the way to kOk: each kind's parser sets its addresses and ports,
  // and the fields it has none for are cleared here (not the whole struct: clearing all of
  // it per frame was a quarter of the parse's cost).
  out.sender_ip = ip.src;
  out.ttl = ip.ttl;
  out.ack = 0;
  out.quoted_seq = 0;
  out.target_port = 0;
  out.ack_flag = false;
  out.icmp_code = 0;
  out.payload = nullptr;
  out.payload_len = 0;
  out.udp_len = 0;
  out.proto = 6;
  const bool v6 = ip.v6;
  if (ip.protocol == 6) {
    const ParseStatus tcp = parse_tcp(ip, out);
    if (facts && tcp == ParseStatus::kOk && out.kind == ReplyKind::kSynAck) syn_ack_facts(ip, *facts);
    return tcp;
  }
  if (ip.protocol == 17) return parse_udp(ip, out);
  if (!v6 && ip.protocol == 1) {
    if (ip.payload_len < 8) return ParseStatus::kTruncated;
    if (ip.payload[0] == 0) return parse_echo_reply(ip, out);
    if (ip.payload[0] != 3) return ParseStatus::kNotAReply;  // else destination unreachable only
    return parse_quote(ip, ReplyKind::kIcmpUnreachable, false, out);
  }
  if (v6 && ip.protocol == 58) {
    if (ip.payload_len < 8) return ParseStatus::kTruncated;
    if (ip.payload[0] == 129) return parse_echo_reply(ip, out);
    if (ip.payload[0] != 1) return ParseStatus::kNotAReply;  // else destination unreachable only
    return parse_quote(ip, ReplyKind::kIcmp6Unreachable, true, out);
  }
  return ParseStatus::kNotAReply;
}

}  // namespace portauth::capture
