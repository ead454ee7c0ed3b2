#include "probe/udp_probe.h"

#include <algorithm>

#include "config/address.h"

namespace portauth::probe {
namespace {

// The cookie bits a probe's IP header carries: the IPv4 id (16) or the IPv6 flow label (20).
uint32_t ip_ident(uint64_t cookie, bool v6) {
  return v6 ? uint32_t(cookie >> 32) & 0xfffff : uint32_t(cookie >> 32) & 0xffff;
}

// The sum of the cookie field's bytes at their place in the payload (even offsets are the
// high half of a 16-bit word: the UDP header is 8 bytes, so payload parity is packet parity).
uint32_t field_sum(const uint8_t* payload, size_t offset, size_t len) {
  uint32_t s = 0;
  for (size_t i = offset; i < offset + len; ++i) s += (i & 1) ? payload[i] : uint32_t(payload[i]) << 8;
  return s;
}

size_t field_len(const UdpPayload& p) {
  return p.coding == CookieCoding::kNone ? 0 : p.coding == CookieCoding::kBerInt ? 4 : p.width;
}

}  // namespace

UdpProbe::UdpProbe(std::span<const uint8_t> v4_template, std::span<const uint8_t> v6_template,
                   const ProbeSpace& space, const CookieKey& key, SourcePorts ports)
    : space_(space), key_(key), ports_(ports) {
  if (!v4_template.empty()) v4_ = UdpPacket(v4_template);
  if (!v6_template.empty()) v6_ = UdpPacket(v6_template);
  if (ports_.count == 0) ports_.count = 1;
  size_t longest = 0;
  for (const UdpPayload& p : udp_payloads()) {
    // The sum without the cookie field (SIP's holds '0' digits, not zero bytes): write() adds it.
    std::vector<uint8_t> constant = p.bytes;
    std::fill_n(constant.begin() + p.offset, field_len(p), 0);
    payload_sums_.push_back(udp_payload_sum(constant));
    longest = std::max(longest, p.bytes.size());
    if (p.reply_from_any_port)
      for (uint16_t port : p.ports)
        if (std::binary_search(space.udp_ports().begin(), space.udp_ports().end(), port)) any_port_ports_.push_back(port);
  }
  max_len_ = UdpPacket::kHeader6 + longest;
}

uint64_t UdpProbe::cookie(const config::Address& target, uint16_t port) const {
  return udp_cookie(key_, target, port, packet_for(target).source_ip());
}

size_t UdpProbe::payload_len(uint16_t port) {
  const UdpPayload* p = udp_payload_for(port);
  return p ? p->bytes.size() : 0;
}

uint16_t UdpProbe::source_port(const ProbeTarget& t, uint16_t) const noexcept {
  return source_port_of(cookie(t.addr, t.port));
}

size_t UdpProbe::write(uint8_t* out, const ProbeTarget& t, uint16_t) const noexcept {
  const UdpPacket& packet = packet_for(t.addr);
  if (packet.empty()) return 0;  // no template of this family (the contract says it does not happen)
  const uint64_t c = udp_cookie(key_, t.addr, t.port, packet.source_ip());
  uint8_t* payload = out + packet.header_len();
  size_t len = 0;
  uint32_t sum = 0;
  if (const UdpPayload* p = udp_payload_for(t.port)) {
    write_udp_payload(*p, c, payload);
    len = p->bytes.size();
    sum = payload_sums_[size_t(p - udp_payloads().data())] + field_sum(payload, p->offset, field_len(*p));
  }
  return packet.write(out, {t.addr, source_port_of(c), t.port, ip_ident(c, packet.v6()), len, sum});
}

std::string UdpProbe::capture_filter() const {
  const std::string first = std::to_string(ports_.first), last = std::to_string(ports_.first + ports_.count - 1);
  std::string filter;
  if (!v4_.empty()) {
    const std::string ip = config::format_address(v4_.source_ip());
    // TFTP answers from a port of its own, to our source port: the destination port decides.
    filter = "(udp and dst host " + ip + " and dst portrange " + first + "-" + last + ") or (icmp and dst host " +
             ip + " and icmp[icmptype] == icmp-unreach)";
  }
  if (!v6_.empty()) {
    // As for IPv6 SYN replies (syn6_probe.cpp): explicit offsets, extension headers to the parser.
    const std::string ip = config::format_address(v6_.source_ip());
    filter += (filter.empty() ? "" : " or ") + std::string("(ip6 dst host ") + ip +
              " and ((ip6[6] == 17 and ip6[42:2] >= " + first + " and ip6[42:2] <= " + last +
              ") or (ip6[6] == 58 and ip6[40] == 1) or ip6[6] == 0 or ip6[6] == 43 or ip6[6] == 44 or ip6[6] == 60))";
  }
  return filter;
}

Verdict UdpProbe::classify(const Reply& r) const noexcept {
  if (r.kind == ReplyKind::kUdp) return classify_datagram(r);
  if ((r.kind == ReplyKind::kIcmpUnreachable || r.kind == ReplyKind::kIcmp6Unreachable) && r.proto == 17)
    return classify_icmp(r);
  Verdict v;
  v.reject = Reject::kOtherKind;
  return v;
}

Verdict UdpProbe::classify_datagram(const Reply& r) const noexcept {
  Verdict v;
  const UdpPacket& packet = packet_for(r.our_ip);
  if (packet.empty() || r.our_ip != packet.source_ip() || uint16_t(r.our_port - ports_.first) >= ports_.count) {
    v.reject = Reject::kNotOurs;
    return v;
  }
  const std::span<const uint8_t> payload(r.payload, r.payload_len);
  const uint64_t c = udp_cookie(key_, r.target_ip, r.target_port, packet.source_ip());
  const UdpPayload* p = udp_payload_for(r.target_port);
  if (r.our_port == source_port_of(c) && (!p || udp_reply_echoes(*p, payload, c))) {
    if (const auto slot = space_.slot_of(r.target_ip, r.target_port, config::Proto::kUdp)) {
      v.reason = Reason::kUdpResponse;
      v.proto = config::Proto::kUdp;
      v.slot = *slot;
    } else {
      v.reject = Reject::kUnknownTarget;
    }
    return v;
  }
  // A server that answers from a port of its own (TFTP's transfer id): the probe it answers
  // is the one whose source port the reply went to.
  for (uint16_t port : any_port_ports_) {
    const uint64_t pc = udp_cookie(key_, r.target_ip, port, packet.source_ip());
    if (r.our_port != source_port_of(pc) || !looks_like_tftp_reply(payload)) continue;
    if (const auto slot = space_.slot_of(r.target_ip, port, config::Proto::kUdp)) {
      v.reason = Reason::kUdpResponse;
      v.proto = config::Proto::kUdp;
      v.other_port = true;
      v.port = port;
      v.slot = *slot;
      return v;
    }
  }
  v.reject = Reject::kBadCookie;
  return v;
}

Verdict UdpProbe::classify_icmp(const Reply& r) const noexcept {
  Verdict v;
  const auto reason = r.kind == ReplyKind::kIcmpUnreachable ? reason_for_icmp_unreachable(r.icmp_code)
                                                             : reason_for_icmp6_unreachable(r.icmp_code);
  if (!reason) {
    v.reject = Reject::kIcmpCode;
    return v;
  }
  const UdpPacket& packet = packet_for(r.our_ip);
  if (packet.empty() || r.our_ip != packet.source_ip() || uint16_t(r.our_port - ports_.first) >= ports_.count) {
    v.reject = Reject::kNotOurs;
    return v;
  }
  const uint64_t c = udp_cookie(key_, r.target_ip, r.target_port, packet.source_ip());
  if (r.our_port != source_port_of(c) || r.quoted_seq != ip_ident(c, packet.v6())) {
    v.reject = Reject::kBadCookie;
    return v;
  }
  const auto slot = space_.slot_of(r.target_ip, r.target_port, config::Proto::kUdp);
  if (!slot) {
    v.reject = Reject::kUnknownTarget;
    return v;
  }
  v.reason = *reason;
  v.proto = config::Proto::kUdp;
  v.slot = *slot;
  return v;
}

}  // namespace portauth::probe
