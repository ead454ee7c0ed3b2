// Fuzz harness: a hostile frame as the UDP half of the capture path sees it. What a stranger
// controls: the link header, IPv4 or IPv6, a UDP datagram and its payload (a service's answer,
// or a forged one), or an ICMP error quoting a UDP header.
//
// Input: byte 0 picks the link type (as fuzz_reply_parser), the rest is the captured frame.
// Each input goes through
//   1. CaptureLoop::handle with the UDP module and the reply-bytes queue (parse -> classify ->
//      table CAS -> the payload copied for the main thread);
//   2. explain_udp_reply on every datagram's payload (the main thread's reading of it);
//   3. the module again on the parsed reply with the cookie fixed up (source port, IP id or
//      flow label, and the echoed bytes where the port's rule puts them at an offset), because
//      the fuzzer cannot guess SipHash: this reaches the accept path and the slot lookup.
// Properties checked (a violation traps): an accepted datagram came to our address, to the
// source port its (target, port) cookie gives (TFTP: its probe's), echoes the cookie as its
// port's rule says, and maps back to exactly its (address, UDP port); an accepted ICMP error
// quotes that source port and the cookie's IP id / flow label; a fixed-up reply to a probed
// port is accepted; nothing else is.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "capture/capture_loop.h"
#include "capture/reply_parser.h"
#include "capture/spsc_queue.h"
#include "config/target_spec.h"
#include "probe/probe_space.h"
#include "probe/probe_table.h"
#include "probe/udp_probe.h"
#include "probe/udp_reply_facts.h"
#include "tests/unit/udp_fixture.h"

using namespace portauth;

namespace {

constexpr config::Address kUs = config::Address::v4(0xc6120001);                 // 198.18.0.1
constexpr config::Address kUs6 = config::Address::v6(0x2001000200000000ULL, 1);  // 2001:2::1
constexpr int kLinkTypes[] = {capture::kDltEthernet, capture::kDltLinuxSll, capture::kDltLinuxSll2,
                              capture::kDltNull,     capture::kDltRaw,      capture::kLinktypeRaw,
                              capture::kDltIpv4,     147 /* DLT_USER0: unsupported */, capture::kDltIpv6};

#define FUZZ_CHECK(cond)             \
  do {                               \
    if (!(cond)) __builtin_trap();   \
  } while (0)

class OneFrameSource final : public capture::PacketSource {
 public:
  explicit OneFrameSource(int linktype) : linktype_(linktype) {}
  int linktype() const override { return linktype_; }
  int dispatch(Handler, void*) override { return -1; }
  capture::SourceCounters counters() const override { return {}; }

 private:
  int linktype_;
};

std::vector<uint16_t> ports() {
  std::vector<uint16_t> p = {9, 40000};  // two ports without a payload
  for (const auto& row : probe::udp_payloads()) p.insert(p.end(), row.ports.begin(), row.ports.end());
  std::sort(p.begin(), p.end());
  p.erase(std::unique(p.begin(), p.end()), p.end());
  return p;
}

struct Fixture {
  probe::ProbeSpace space{config::parse_targets({"198.18.0.2-5", "2001:2::2-2001:2::5"}), {80}, ports(), 7};
  probe::CookieKey key{0x0123456789abcdefULL, 0xfedcba9876543210ULL};
  std::vector<uint8_t> t4 = test::reference_udp_template(kUs), t6 = test::reference_udp_template(kUs6);
  probe::UdpProbe udp{t4, t6, space, key, {61000, 256}};
};

const Fixture& fixture() {
  static const Fixture f;
  return f;
}

uint32_t ip_ident(uint64_t c, bool v6) { return v6 ? uint32_t(c >> 32) & 0xfffff : uint32_t(c >> 32) & 0xffff; }

void check_verdict(const Fixture& f, const probe::Reply& r, const probe::Verdict& v) {
  if (v.reject != probe::Reject::kNone) return;
  const config::Address us = r.our_ip.is_v4() ? kUs : kUs6;
  FUZZ_CHECK(r.our_ip == us);
  FUZZ_CHECK(v.proto == config::Proto::kUdp && v.slot < f.space.slots());
  const uint16_t port = v.other_port ? v.port : r.target_port;
  const probe::ProbeTarget t = f.space.at(v.slot);
  FUZZ_CHECK(t.addr == r.target_ip && t.port == port && t.proto == config::Proto::kUdp);
  const uint64_t c = probe::udp_cookie(f.key, r.target_ip, port, us);
  FUZZ_CHECK(r.our_port == f.udp.source_port_of(c));
  if (r.kind == probe::ReplyKind::kUdp) {
    FUZZ_CHECK(v.reason == probe::Reason::kUdpResponse);
    const probe::UdpPayload* p = probe::udp_payload_for(port);
    if (v.other_port) {
      FUZZ_CHECK(p && p->reply_from_any_port && probe::looks_like_tftp_reply({r.payload, r.payload_len}));
    } else if (p) {
      FUZZ_CHECK(probe::udp_reply_echoes(*p, {r.payload, r.payload_len}, c));
    }
  } else {
    FUZZ_CHECK(r.proto == 17 && !v.other_port);
    FUZZ_CHECK(r.quoted_seq == ip_ident(c, !us.is_v4()));
    FUZZ_CHECK(r.kind == probe::ReplyKind::kIcmpUnreachable
                   ? probe::reason_for_icmp_unreachable(r.icmp_code) == v.reason
                   : probe::reason_for_icmp6_unreachable(r.icmp_code) == v.reason);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const Fixture& f = fixture();
  const int linktype = kLinkTypes[data[0] % (sizeof kLinkTypes / sizeof kLinkTypes[0])];
  const uint8_t* frame = data + 1;
  const size_t len = size - 1;

  // 1. The capture thread's path, with the payload copied for the main thread.
  {
    OneFrameSource source(linktype);
    probe::ProbeTable table(f.space.slots());
    capture::SpscQueue<probe::ScanResult> results(4);
    capture::SpscQueue<probe::ReplyBytes> bytes(4);
    capture::CaptureLoop loop(source, f.udp, table, results);
    loop.set_reply_bytes(&bytes);
    loop.handle(frame, len);
    loop.handle(frame, len);  // the same frame twice: at most one result
    probe::ScanResult r;
    int n = 0;
    while (results.try_pop(r)) {
      ++n;
      probe::ReplyBytes b;
      if (r.has_bytes) {
        FUZZ_CHECK(bytes.try_pop(b));
        FUZZ_CHECK(b.kept <= probe::ReplyBytes::kKeep);
        (void)probe::explain_udp_reply(r.port, {b.bytes, b.kept}, b.payload_len);
      }
    }
    FUZZ_CHECK(n <= 1);
  }

  probe::Reply reply;
  if (capture::parse_reply(linktype, frame, len, reply) != capture::ParseStatus::kOk) return 0;
  if (reply.kind == probe::ReplyKind::kUdp) {
    FUZZ_CHECK(reply.payload_len + 8u <= reply.udp_len || reply.udp_len < 8);
    // 2. The main thread's reading of any payload.
    const probe::ReplyFacts facts = probe::explain_udp_reply(reply.target_port, {reply.payload, reply.payload_len},
                                                             reply.udp_len >= 8 ? reply.udp_len - 8u : 0u);
    FUZZ_CHECK(!facts.summary.empty());
  }
  probe::Verdict v = f.udp.classify(reply);
  check_verdict(f, reply, v);

  // 3. The same reply with the cookie fixed up.
  if (reply.proto != 17 || reply.our_ip.is_zero()) return 0;
  probe::Reply fixed = reply;
  fixed.our_ip = reply.our_ip.is_v4() ? kUs : kUs6;
  if (reply.target_ip.is_v4() != fixed.our_ip.is_v4()) return 0;
  const uint64_t c = probe::udp_cookie(f.key, fixed.target_ip, fixed.target_port, fixed.our_ip);
  fixed.our_port = f.udp.source_port_of(c);
  std::vector<uint8_t> payload;
  bool should_accept = f.space.slot_of(fixed.target_ip, fixed.target_port, config::Proto::kUdp).has_value();
  if (reply.kind == probe::ReplyKind::kUdp) {
    payload.assign(reply.payload, reply.payload + reply.payload_len);
    if (const probe::UdpPayload* p = probe::udp_payload_for(fixed.target_port)) {
      if (p->echo == probe::UdpEcho::kAt) {
        if (payload.size() >= p->echo_offset + p->width) {
          std::vector<uint8_t> want(p->bytes.size());
          probe::write_udp_payload(*p, c, want.data());
          std::memcpy(&payload[p->echo_offset], &want[p->offset], p->width);
        } else {
          should_accept = false;  // too short to carry the cookie
        }
      } else if (p->echo != probe::UdpEcho::kNone) {
        should_accept = should_accept && probe::udp_reply_echoes(*p, payload, c);
      }
    }
    fixed.payload = payload.data();
  } else {
    fixed.quoted_seq = ip_ident(c, !fixed.our_ip.is_v4());
    const auto code_ok = reply.kind == probe::ReplyKind::kIcmpUnreachable
                             ? probe::reason_for_icmp_unreachable(reply.icmp_code).has_value()
                             : probe::reason_for_icmp6_unreachable(reply.icmp_code).has_value();
    should_accept = should_accept && code_ok;
  }
  v = f.udp.classify(fixed);
  check_verdict(f, fixed, v);
  if (should_accept) FUZZ_CHECK(v.reject == probe::Reject::kNone);
  return 0;
}
