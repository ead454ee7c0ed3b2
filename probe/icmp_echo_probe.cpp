#include "probe/icmp_echo_probe.h"

#include <cstring>
#include <stdexcept>

#include "probe/wire_bytes.h"

namespace portauth::probe {

using wire::fold;
using wire::get16;
using wire::put16;
using wire::sum_words;

namespace {

constexpr size_t kIp4 = 20, kIp6 = 40;
constexpr uint8_t kEchoRequest = 8, kEcho6Request = 128;

// The one's-complement sum of a 128-bit address's eight 16-bit words.
uint64_t address_words(const config::Address& a) {
  const uint64_t hi = a.hi(), lo = a.lo();
  return (hi >> 48) + ((hi >> 32) & 0xffff) + ((hi >> 16) & 0xffff) + (hi & 0xffff) + (lo >> 48) +
         ((lo >> 32) & 0xffff) + ((lo >> 16) & 0xffff) + (lo & 0xffff);
}

}  // namespace

IcmpEchoProbe::Template IcmpEchoProbe::load(std::span<const uint8_t> t, bool v6) {
  Template out;
  if (t.empty()) return out;
  const size_t ip = v6 ? kIp6 : kIp4;
  const bool ok = v6 ? t.size() == kIcmp6EchoPacketSize && (t[0] >> 4) == 6 && t[6] == 58 && t[ip] == kEcho6Request
                     : t.size() == kIcmpEchoPacketSize && t[0] == 0x45 && t[9] == 1 && t[ip] == kEchoRequest;
  if (!ok) throw std::invalid_argument(v6 ? "echo template is not an ICMPv6 echo request of 80 bytes"
                                          : "echo template is not an ICMP echo request of 60 bytes");
  std::memcpy(out.bytes, t.data(), t.size());
  out.len = t.size();
  uint8_t* icmp = out.bytes + ip;
  // Zero what write() fills, so the sums cover exactly the constant bytes.
  std::memset(icmp + 2, 0, 6);  // checksum, identifier, sequence
  if (v6) {
    out.source = config::Address::from_bytes(&out.bytes[8]);
    std::memset(&out.bytes[24], 0, 16);
    // ICMPv6 sums the pseudo header (RFC 4443 2.3): addresses, upper-layer length, next header.
    out.icmp_sum = sum_words(&out.bytes[8], 16) + uint32_t(out.len - ip) + 58 + sum_words(icmp, out.len - ip);
  } else {
    out.source = config::Address::v4(uint32_t(get16(&out.bytes[12])) << 16 | get16(&out.bytes[14]));
    std::memset(&out.bytes[16], 0, 4);
    put16(&out.bytes[10], 0);
    out.ip_sum = sum_words(out.bytes, kIp4);
    out.icmp_sum = sum_words(icmp, out.len - ip);  // ICMPv4 has no pseudo header
  }
  return out;
}

IcmpEchoProbe::IcmpEchoProbe(std::span<const uint8_t> v4_template, std::span<const uint8_t> v6_template,
                             const ProbeSpace& space, const CookieKey& key, SourcePorts identifiers)
    : v4_(load(v4_template, false)), v6_(load(v6_template, true)), space_(space), key_(key), ids_(identifiers) {}

uint16_t IcmpEchoProbe::sequence_for(const CookieKey& key, const config::Address& target, const config::Address& us,
                                     uint16_t identifier) {
  return uint16_t(syn_cookie(key, target, 0, us, identifier));
}

size_t IcmpEchoProbe::write(uint8_t* out, const ProbeTarget& target, uint16_t id) const noexcept {
  const bool v6 = !target.addr.is_v4();
  const Template& t = v6 ? v6_ : v4_;
  if (!t.len) return 0;  // no template of this family (the contract says it does not happen)
  std::memcpy(out, t.bytes, t.len);
  const uint16_t seq = sequence_for(key_, target.addr, t.source, id);
  uint8_t* icmp = out + (v6 ? kIp6 : kIp4);
  put16(icmp + 4, id);
  put16(icmp + 6, seq);
  if (v6) {
    target.addr.to_bytes(&out[24]);
    put16(icmp + 2, fold(uint64_t{t.icmp_sum} + address_words(target.addr) + id + seq));
  } else {
    const uint32_t dst = target.addr.v4();
    wire::put32(&out[16], dst);
    put16(&out[10], fold(uint64_t{t.ip_sum} + (dst >> 16) + (dst & 0xffff)));
    put16(icmp + 2, fold(uint64_t{t.icmp_sum} + id + seq));
  }
  return t.len;
}

std::string IcmpEchoProbe::capture_filter() const {
  std::string filter;
  if (v4_.len)
    filter = "(icmp and dst host " + config::format_address(v4_.source) + " and icmp[icmptype] == icmp-echoreply)";
  if (v6_.len)
    filter += (filter.empty() ? "" : " or ") + std::string("(icmp6 and dst host ") +
              config::format_address(v6_.source) + " and icmp6[icmp6type] == icmp6-echoreply)";
  return filter;
}

Verdict IcmpEchoProbe::classify(const Reply& r) const noexcept {
  Verdict v;
  if (r.kind != ReplyKind::kEchoReply) {
    v.reject = Reject::kOtherKind;
    return v;
  }
  const Template& t = r.our_ip.is_v4() ? v4_ : v6_;
  if (!t.len || r.our_ip != t.source || uint16_t(r.our_port - ids_.first) >= ids_.count) {
    v.reject = Reject::kNotOurs;
    return v;
  }
  if (r.ack != sequence_for(key_, r.target_ip, t.source, r.our_port)) {
    v.reject = Reject::kBadCookie;
    return v;
  }
  const auto slot = space_.slot_of(r.target_ip, 0);
  if (!slot) {
    v.reject = Reject::kUnknownTarget;
    return v;
  }
  v.reason = Reason::kEchoReply;
  v.slot = *slot;
  return v;
}

}  // namespace portauth::probe
