// Fuzz harness: the capture path's view of a hostile frame. Everything here is what a stranger
// on the wire controls: the link header, IPv4, TCP or ICMP (with the quoted header inside).
//
// Input: byte 0 picks the link type (the ones parse_reply knows, plus an unknown one), the rest
// is the captured frame. Each input goes through
//   1. CaptureLoop::handle (parse -> validate -> table CAS -> evidence -> queue), the capture
//      thread's path, with the evidence table on (so SYN-ACK options are walked);
//   2. HostWatch::observe (TruStealth's own look at every frame, the echo probe module judging
//      echo replies);
//   3. the validator and the echo module again on the parsed reply with the cookie fixed up,
//      because the fuzzer cannot guess a SipHash cookie: this reaches the accept path and the
//      slot lookup.
// Properties checked (a violation traps): an accepted reply carries the cookie of its 4-tuple,
// is addressed to us and maps back to exactly its (address, port); nothing else is accepted;
// a SYN-ACK's facts stay within the frame (option count, payload, data offset).
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "capture/capture_loop.h"
#include "probe/cookie.h"
#include "probe/icmp_echo_probe.h"
#include "tests/unit/echo_fixture.h"
#include "capture/host_watch.h"
#include "probe/probe_space.h"
#include "probe/probe_table.h"
#include "probe/reason.h"
#include "capture/reply_parser.h"
#include "probe/reply_validator.h"
#include "capture/spsc_queue.h"
#include "config/target_spec.h"

using namespace portauth;

namespace {

constexpr config::Address kUs = config::Address::v4(0xc6120001);      // 198.18.0.1
constexpr config::Address kUs6 = config::Address::v6(0x2001000200000000ULL, 1);  // 2001:2::1
constexpr uint16_t kPortFirst = 61000, kPortCount = 256;
constexpr int kLinkTypes[] = {capture::kDltEthernet, capture::kDltLinuxSll, capture::kDltLinuxSll2,
                              capture::kDltNull,     capture::kDltRaw,      capture::kLinktypeRaw,
                              capture::kDltIpv4,     147 /* DLT_USER0: unsupported */, capture::kDltIpv6};

#define FUZZ_CHECK(cond) \
  do {                   \
    if (!(cond)) __builtin_trap(); \
  } while (0)

// A frame source the loop only asks for its link type; frames are handed to handle().
class OneFrameSource final : public capture::PacketSource {
 public:
  explicit OneFrameSource(int linktype) : linktype_(linktype) {}
  int linktype() const override { return linktype_; }
  int dispatch(Handler, void*) override { return -1; }
  capture::SourceCounters counters() const override { return {}; }

 private:
  int linktype_;
};

// Each reply to the validator of its destination's family, as DualStackProbe does.
struct BothFamilies final : probe::ReplyClassifier {
  BothFamilies(const probe::ReplyValidator& a, const probe::ReplyValidator& b) : v4(a), v6(b) {}
  probe::Verdict check(const probe::Reply& r) const noexcept { return r.our_ip.is_v4() ? v4.check(r) : v6.check(r); }
  probe::Verdict classify(const probe::Reply& r) const noexcept override { return check(r); }
  const probe::ReplyValidator& v4;
  const probe::ReplyValidator& v6;
};

struct Fixture {
  // 198.18.0.2-5 and 2001:2::2-5 x a few ports, the shape of a small mixed lab scan.
  probe::ProbeSpace space{config::parse_targets({"198.18.0.2-5", "2001:2::2-2001:2::5"}),
                          {0, 21, 22, 25, 80, 443, 8080, 65535}, 7};
  probe::CookieKey key{0x0123456789abcdefULL, 0xfedcba9876543210ULL};
  probe::ReplyValidator validator4{space, key, kUs, kPortFirst, kPortCount};
  probe::ReplyValidator validator6{space, key, kUs6, kPortFirst, kPortCount};
  BothFamilies validator{validator4, validator6};
  // The pings' module over the same addresses ("port" 0), identifier 0x1234.
  probe::ProbeSpace echo_space{space.targets(), {0}, 7};
  std::vector<uint8_t> echo4 = test::reference_echo_template(kUs), echo6 = test::reference_echo_template(kUs6);
  probe::IcmpEchoProbe echo{echo4, echo6, echo_space, key, {0x1234, 1}};
};

// The echo module's verdict: an accepted reply is an echo reply to us, with our identifier,
// the cookie's sequence, from a target of the space.
void check_echo_verdict(const Fixture& f, const probe::Reply& r, const probe::Verdict& v) {
  if (v.reject != probe::Reject::kNone) return;
  const config::Address us = r.our_ip.is_v4() ? kUs : kUs6;
  FUZZ_CHECK(r.kind == probe::ReplyKind::kEchoReply && r.our_ip == us && r.our_port == 0x1234);
  FUZZ_CHECK(r.ack == probe::IcmpEchoProbe::sequence_for(f.key, r.target_ip, us, r.our_port));
  FUZZ_CHECK(v.reason == probe::Reason::kEchoReply && v.slot < f.echo_space.slots());
  FUZZ_CHECK(f.echo_space.at(v.slot).addr == r.target_ip);
}

const Fixture& fixture() {
  static const Fixture f;
  return f;
}

// Checks the validator's verdict on `r` against what the contract says it must be.
void check_verdict(const Fixture& f, const probe::Reply& r, const probe::Verdict& v) {
  if (v.reject != probe::Reject::kNone) return;
  FUZZ_CHECK(r.our_ip == kUs || r.our_ip == kUs6);
  FUZZ_CHECK(uint16_t(r.our_port - kPortFirst) < kPortCount);
  const uint32_t cookie = probe::syn_cookie(f.key, r.target_ip, r.target_port, r.our_ip, r.our_port);
  switch (r.kind) {
    case probe::ReplyKind::kSynAck:
      FUZZ_CHECK(r.ack == cookie + 1 && v.reason == probe::Reason::kSynAck);
      break;
    case probe::ReplyKind::kRst:
      FUZZ_CHECK(r.ack_flag && (r.ack == cookie || r.ack == cookie + 1) && v.reason == probe::Reason::kRst);
      break;
    case probe::ReplyKind::kIcmpUnreachable:
      FUZZ_CHECK(r.quoted_seq == cookie);
      FUZZ_CHECK(probe::reason_for_icmp_unreachable(r.icmp_code) == v.reason);
      break;
    case probe::ReplyKind::kIcmp6Unreachable:
      FUZZ_CHECK(r.quoted_seq == cookie);
      FUZZ_CHECK(probe::reason_for_icmp6_unreachable(r.icmp_code) == v.reason);
      break;
    case probe::ReplyKind::kEchoReply:
    case probe::ReplyKind::kUdp:
      FUZZ_CHECK(false);  // the SYN rule never takes an echo reply or a datagram (Reject::kOtherKind)
      break;
  }
  FUZZ_CHECK(v.slot < f.space.slots());
  const probe::ProbeTarget t = f.space.at(v.slot);
  FUZZ_CHECK(t.addr == r.target_ip && t.port == r.target_port);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const Fixture& f = fixture();
  const int linktype = kLinkTypes[data[0] % (sizeof kLinkTypes / sizeof kLinkTypes[0])];
  const uint8_t* frame = data + 1;
  const size_t caplen = size - 1;

  // 1. The capture thread's path, with fresh per-input state.
  OneFrameSource source(linktype);
  probe::ProbeTable table(f.space.slots());
  capture::SpscQueue<probe::ScanResult> results(64);
  capture::CaptureLoop loop(source, f.validator, table, results);
  verdict::EvidenceTable evidence(f.space.targets().count());
  evidence.set_canary_ports({65535});
  loop.set_evidence(&evidence);
  loop.handle(frame, caplen);
  loop.handle(frame, caplen);  // the same frame again is at most a duplicate
  const auto& st = loop.stats();
  FUZZ_CHECK(st.frames.load() == 2);
  FUZZ_CHECK(st.accepted.load() <= 1);
  FUZZ_CHECK(st.accepted.load() + st.duplicates.load() + st.malformed.load() + st.not_replies.load() +
                 st.rejected.load() + st.icmp_ignored.load() ==
             2);

  // 2. TruStealth's watch sees every frame too.
  capture::HostWatch watch(f.space.targets(), {kUs, kUs6, 0x1234, kPortFirst, kPortCount, &f.echo});
  watch.observe(linktype, frame, caplen);

  // 3. The parser and the validator directly; then with the cookie fixed up.
  probe::Reply r;
  probe::SynAckFacts facts;
  const capture::ParseStatus status = capture::parse_reply(linktype, frame, caplen, r, &facts);
  if (status != capture::ParseStatus::kOk) return 0;
  if (r.kind == probe::ReplyKind::kSynAck) {
    FUZZ_CHECK(facts.payload < caplen);
    FUZZ_CHECK(size_t(facts.option_count) <= caplen);
    char letters[probe::SynAckFacts::kMaxOrder + 1];
    probe::option_letters(facts, letters);
  }
  check_verdict(f, r, f.validator.check(r));
  check_echo_verdict(f, r, f.echo.classify(r));
  if (r.kind == probe::ReplyKind::kEchoReply) {
    probe::Reply echo = r;
    echo.ack = probe::IcmpEchoProbe::sequence_for(f.key, r.target_ip, r.our_ip.is_v4() ? kUs : kUs6, r.our_port);
    const probe::Verdict ev = f.echo.classify(echo);
    check_echo_verdict(f, echo, ev);
    if (ev.reject == probe::Reject::kUnknownTarget) FUZZ_CHECK(!f.echo_space.slot_of(echo.target_ip, 0));
  }
  const config::Address us = r.our_ip.is_v4() ? kUs : kUs6;
  const uint32_t cookie = probe::syn_cookie(f.key, r.target_ip, r.target_port, us, r.our_port);
  probe::Reply fixed = r;
  fixed.ack = cookie + (r.kind == probe::ReplyKind::kSynAck || (r.ack & 1) ? 1 : 0);
  fixed.quoted_seq = cookie;
  const probe::Verdict v = f.validator.check(fixed);
  check_verdict(f, fixed, v);
  // With the right cookie, the only reasons left to refuse are the address, the port range,
  // a port-less ICMP code, an RST without ACK, or a target outside the probe space.
  if (v.reject == probe::Reject::kBadCookie) FUZZ_CHECK(fixed.kind == probe::ReplyKind::kRst && !fixed.ack_flag);
  if (v.reject == probe::Reject::kUnknownTarget) FUZZ_CHECK(!f.space.slot_of(fixed.target_ip, fixed.target_port));
  return 0;
}
