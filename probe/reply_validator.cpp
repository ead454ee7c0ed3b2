#include "probe/reply_validator.h"

namespace portauth::probe {

Verdict ReplyValidator::check(const Reply& r) const noexcept {
  Verdict v;
  if (r.kind == ReplyKind::kEchoReply || r.kind == ReplyKind::kUdp || r.proto == 17) {
    v.reject = Reject::kOtherKind;
    return v;
  }
  // Unsigned wrap makes this one compare for "port_first_ <= our_port < port_first_ + count".
  if (r.our_ip != our_ip_ || uint16_t(r.our_port - port_first_) >= port_count_) {
    v.reject = Reject::kNotOurs;
    return v;
  }
  const uint32_t cookie = probe::syn_cookie(key_, r.target_ip, r.target_port, our_ip_, r.our_port);
  switch (r.kind) {
    case ReplyKind::kSynAck:
      if (r.ack != cookie + 1) v.reject = Reject::kBadCookie;
      v.reason = Reason::kSynAck;
      break;
    case ReplyKind::kRst:
      if (!r.ack_flag || (r.ack != cookie && r.ack != cookie + 1)) v.reject = Reject::kBadCookie;
      v.reason = Reason::kRst;
      break;
    case ReplyKind::kIcmpUnreachable:
    case ReplyKind::kIcmp6Unreachable: {
      const auto reason = r.kind == ReplyKind::kIcmpUnreachable ? reason_for_icmp_unreachable(r.icmp_code)
                                                                 : reason_for_icmp6_unreachable(r.icmp_code);
      if (!reason) {
        v.reject = Reject::kIcmpCode;
        return v;
      }
      if (r.quoted_seq != cookie) v.reject = Reject::kBadCookie;
      v.reason = *reason;
      break;
    }
    case ReplyKind::kEchoReply:  // turned away above
      break;
    case ReplyKind::kUdp:  // a datagram answers a UDP probe (probe/udp_probe.h), never a SYN
      v.reject = Reject::kOtherKind;
      return v;
  }
  if (v.reject != Reject::kNone) return v;
  // The cookie check comes first because it is cheaper than the range search and rejects
  // nearly all stray traffic; only a matching cookie pays for the slot lookup.
  const auto slot = space_.slot_of(r.target_ip, r.target_port);
  if (!slot) {
    v.reject = Reject::kUnknownTarget;
    return v;
  }
  v.slot = *slot;
  return v;
}

}  // namespace portauth::probe
