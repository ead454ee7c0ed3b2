// TruStealth's watch on recorded bytes: what counts as a packet from the host, what is an
// echo reply to our ping, what is our own packet seen on loopback; and its capture filter.
#include <gtest/gtest.h>

#include "capture/capture_loop.h"
#include "echo_fixture.h"
#include "frames.h"
#include "capture/host_watch.h"
#include "probe/cookie.h"
#include "probe/icmp_echo_probe.h"
#include "probe/probe_space.h"
#include "capture/reply_parser.h"
#include "probe/reply_validator.h"
#include "config/target_spec.h"

using namespace portauth;
using namespace portauth::capture;
using namespace portauth::probe;
using namespace portauth::test;

namespace {

constexpr uint32_t kUs = 0xc6120001, kTarget = 0xc6120002, kRouter = 0xc6120003;
constexpr uint16_t kEchoId = 0x5151;
const probe::CookieKey kEchoKey{3, 4};

// An echo request (type 8) or reply (type 0) with identifier `id`; a reply's sequence number
// is the one the ping's module expects from `src` (our cookie), unless `sequence` says.
std::vector<uint8_t> icmp_echo(uint32_t src, uint32_t dst, uint8_t type, uint16_t id, int sequence = -1) {
  std::vector<uint8_t> icmp = {type, 0, 0, 0};
  put16(icmp, id);
  put16(icmp, sequence >= 0 ? uint16_t(sequence)
                            : IcmpEchoProbe::sequence_for(kEchoKey, config::Address::v4(src), config::Address::v4(dst), id));
  auto ip = ipv4_header(src, dst, 1, uint16_t(icmp.size()));
  ip.insert(ip.end(), icmp.begin(), icmp.end());
  return ethernet(ip);
}

// The watch with the ping's probe module judging echo replies, as TrustealthWatch builds it.
struct Watch {
  explicit Watch(const char* targets = "198.18.0.2", uint32_t us = kUs)
      : space(config::parse_targets({targets}), {0}, 1),
        echo_template(reference_echo_template(config::Address::v4(us))),
        echo(echo_template, {}, space, kEchoKey, {kEchoId, 1}),
        watch(space.targets(), {config::Address::v4(us), {}, kEchoId, 61000, 256, &echo}) {}
  ProbeSpace space;
  std::vector<uint8_t> echo_template;
  IcmpEchoProbe echo;
  HostWatch watch;
};

FrameOrigin see(Watch& w, const std::vector<uint8_t>& f) { return w.watch.observe(kDltEthernet, f.data(), f.size()); }

}  // namespace

TEST(HostWatch, CountsEverythingFromTheHostButOurEchoReplies) {
  Watch w;
  EXPECT_EQ(see(w, tcp_reply(kTarget, 80, kUs, 61001, 1, kSynAck)), FrameOrigin::kFromTarget);
  EXPECT_EQ(see(w, tcp_reply(kTarget, 22, kUs, 61001, 1, kRstAck)), FrameOrigin::kFromTarget);
  EXPECT_EQ(see(w, tcp_reply(kTarget, 22, kUs, 99, 1, kAck)), FrameOrigin::kFromTarget);  // a stray
  EXPECT_EQ(see(w, icmp_unreach(kTarget, kUs, 61002, kTarget, 443, 5, 3)), FrameOrigin::kFromTarget);
  EXPECT_EQ(see(w, icmp_echo(kTarget, kUs, 0, 0x1234)), FrameOrigin::kFromTarget);  // someone else's ping
  EXPECT_EQ(see(w, icmp_echo(kTarget, kUs, 0, kEchoId)), FrameOrigin::kEchoReply);
  EXPECT_EQ(see(w, icmp_echo(kTarget, kUs, 0, kEchoId)), FrameOrigin::kEchoReply);
  EXPECT_EQ(w.watch.stats().frames_from_targets.load(), 5u);
  // Our identifier with a sequence our cookie never gave: a forged or stale echo reply is the
  // host's packet, not an answer to our ping.
  EXPECT_EQ(see(w, icmp_echo(kTarget, kUs, 0, kEchoId, 1)), FrameOrigin::kFromTarget);
  EXPECT_EQ(w.watch.stats().echo_replies.load(), 2u);
  EXPECT_EQ(w.watch.stats().frames_from_targets.load(), 6u);
}

TEST(HostWatch, IgnoresOtherSourcesOurOwnPacketsAndNonIpv4) {
  Watch w;
  EXPECT_EQ(see(w, icmp_unreach(kRouter, kUs, 61002, kTarget, 443, 5, 1)), FrameOrigin::kOther);
  EXPECT_EQ(see(w, tcp_reply(kUs, 61001, kTarget, 80, 0, kSyn)), FrameOrigin::kOther);  // our SYN going out
  std::vector<uint8_t> arp = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x06, 0, 1, 8, 0, 6, 4, 0, 1};
  EXPECT_EQ(see(w, arp), FrameOrigin::kOther);
  const auto truncated = std::vector<uint8_t>(20, 0);
  EXPECT_EQ(see(w, truncated), FrameOrigin::kOther);
  EXPECT_EQ(w.watch.stats().frames_from_targets.load() + w.watch.stats().echo_replies.load(), 0u);
}

TEST(HostWatch, OnLoopbackOurProbesAreNotTheHostsPackets) {
  // Scanning our own address: our SYNs, our kernel's RSTs and our pings carry the target's
  // source address too; the host's own answers still count.
  Watch w("198.18.0.1", kUs);
  EXPECT_EQ(see(w, tcp_reply(kUs, 61005, kUs, 22, 0, kSyn)), FrameOrigin::kOwnPacket);
  EXPECT_EQ(see(w, tcp_reply(kUs, 61005, kUs, 22, 0, kRst)), FrameOrigin::kOwnPacket);
  EXPECT_EQ(see(w, icmp_echo(kUs, kUs, 8, kEchoId)), FrameOrigin::kOwnPacket);
  EXPECT_EQ(see(w, tcp_reply(kUs, 22, kUs, 61005, 1, kSynAck)), FrameOrigin::kFromTarget);
  EXPECT_EQ(see(w, icmp_echo(kUs, kUs, 0, kEchoId)), FrameOrigin::kEchoReply);
  EXPECT_EQ(w.watch.stats().frames_from_targets.load(), 1u);
}

TEST(HostWatch, CaptureLoopShowsItFramesTheValidatorRejects) {
  class NoSource final : public PacketSource {
   public:
    int linktype() const override { return kDltEthernet; }
    int dispatch(Handler, void*) override { return -1; }
    SourceCounters counters() const override { return {}; }
  } source;
  const probe::CookieKey key{1, 2};
  const probe::ProbeSpace space(config::parse_targets({"198.18.0.2"}), {80}, 1);
  probe::ProbeTable table(space.slots());
  const ReplyValidator validator(space, key, config::Address::v4(kUs), 61000, 256);
  SpscQueue<ScanResult> results(8);
  CaptureLoop loop(source, validator, table, results);
  Watch w;
  loop.set_host_watch(&w.watch);
  const auto forged = tcp_reply(kTarget, 80, kUs, 61000, 12345, kSynAck);  // bad cookie
  loop.handle(forged.data(), forged.size());
  const auto echo = icmp_echo(kTarget, kUs, 0, kEchoId);
  loop.handle(echo.data(), echo.size());
  EXPECT_EQ(loop.stats().rejected.load(), 1u);
  EXPECT_EQ(loop.stats().not_replies.load(), 1u);
  EXPECT_EQ(w.watch.stats().frames_from_targets.load(), 1u);
  EXPECT_EQ(w.watch.stats().echo_replies.load(), 1u);
  ScanResult r;
  EXPECT_FALSE(results.try_pop(r));  // the watch changes no result
}

TEST(HostWatchFilter, OneTermPerCidrBlock) {
  EXPECT_EQ(host_watch_filter(config::parse_targets({"198.18.0.2"})), "src host 198.18.0.2");
  EXPECT_EQ(host_watch_filter(config::parse_targets({"198.18.1.64/26"})), "src net 198.18.1.64/26");
  EXPECT_EQ(host_watch_filter(config::parse_targets({"198.18.1.1-198.18.1.4"})),
            "src host 198.18.1.1 or src net 198.18.1.2/31 or src host 198.18.1.4");
  EXPECT_EQ(host_watch_filter(config::parse_targets({"0.0.0.0/0"})), "src net 0.0.0.0/0");
  EXPECT_EQ(host_watch_filter(config::RangeSet()), "");
}
