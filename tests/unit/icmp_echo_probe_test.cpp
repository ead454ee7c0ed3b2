// The echo probe module (probe/icmp_echo_probe.h) without libnet: probes written from the
// reference templates, turned round into the replies a host would send, parsed by the
// capture side's parser and judged by the module's own rule.
#include <gtest/gtest.h>

#include "capture/reply_parser.h"
#include "config/target_spec.h"
#include "echo_fixture.h"
#include "frames.h"
#include "probe/icmp_echo_probe.h"
#include "probe/reply_validator.h"

using namespace portauth;
using namespace portauth::probe;
using config::Address;

namespace {

const Address kUs = Address::v4(0xc6120001);
const Address kUs6 = config::parse_address("2001:2::1").value();
constexpr uint16_t kId = 0x5151;

struct Fixture {
  ProbeSpace space{config::parse_targets({"198.18.0.2-198.18.0.9", "2001:2::2-2001:2::3"}), {0}, 5};
  CookieKey key{11, 22};
  std::vector<uint8_t> t4 = test::reference_echo_template(kUs);
  std::vector<uint8_t> t6 = test::reference_echo_template(kUs6);
  IcmpEchoProbe echo{t4, t6, space, key, {kId, 1}};
};

// RFC 1071: a correct checksum makes the sum over what it covers 0xffff.
uint16_t ones(uint64_t s) {
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return uint16_t(s);
}

// The host's answer to `probe`: addresses swapped, type echo reply, the rest echoed back;
// an Ethernet frame for the parser.
std::vector<uint8_t> answer(std::vector<uint8_t> probe) {
  const bool v6 = (probe[0] >> 4) == 6;
  const size_t a = v6 ? 8 : 12, len = v6 ? 16 : 4, icmp = v6 ? 40 : 20;
  std::swap_ranges(probe.begin() + long(a), probe.begin() + long(a + len), probe.begin() + long(a + len));
  probe[icmp] = v6 ? 129 : 0;
  return v6 ? test::ethernet6(probe) : test::ethernet(probe);
}

Reply parsed(const std::vector<uint8_t>& frame) {
  Reply r;
  EXPECT_EQ(capture::parse_reply(capture::kDltEthernet, frame.data(), frame.size(), r), capture::ParseStatus::kOk);
  return r;
}

std::vector<uint8_t> probe_to(const IcmpEchoProbe& m, const Address& a, uint16_t id = kId) {
  std::vector<uint8_t> out(m.max_len());
  out.resize(m.write(out.data(), {a, 0}, id));
  return out;
}

}  // namespace

TEST(IcmpEchoProbe, WritesEchoRequestsWithTheCookieAndRightChecksums) {
  const Fixture f;
  for (uint64_t slot = 0; slot < f.space.slots(); ++slot) {
    const ProbeTarget t = f.space.at(slot);
    const auto p = probe_to(f.echo, t.addr);
    if (t.addr.is_v4()) {
      ASSERT_EQ(p.size(), kIcmpEchoPacketSize);
      EXPECT_EQ(Address::v4(uint32_t(p[16]) << 24 | p[17] << 16 | p[18] << 8 | p[19]), t.addr);
      EXPECT_EQ(p[20], 8);
      EXPECT_EQ(ones(test::echo_sum(p.data(), 20)), 0xffff) << "IPv4 header checksum";
      EXPECT_EQ(ones(test::echo_sum(p.data() + 20, 40)), 0xffff) << "ICMP checksum";
      EXPECT_EQ(uint16_t(p[26] << 8 | p[27]), IcmpEchoProbe::sequence_for(f.key, t.addr, kUs, kId));
    } else {
      ASSERT_EQ(p.size(), kIcmp6EchoPacketSize);
      EXPECT_EQ(Address::from_bytes(&p[24]), t.addr);
      EXPECT_EQ(p[40], 128);
      EXPECT_EQ(ones(test::echo_sum(&p[8], 32) + 40 + 58 + test::echo_sum(&p[40], 40)), 0xffff) << "ICMPv6 checksum";
      EXPECT_EQ(uint16_t(p[46] << 8 | p[47]), IcmpEchoProbe::sequence_for(f.key, t.addr, kUs6, kId));
    }
    EXPECT_EQ(uint16_t(p[t.addr.is_v4() ? 24 : 44] << 8 | p[t.addr.is_v4() ? 25 : 45]), kId);
  }
}

TEST(IcmpEchoProbe, TheHostsAnswerIsAcceptedForItsSlot) {
  const Fixture f;
  for (uint64_t slot = 0; slot < f.space.slots(); ++slot) {
    const ProbeTarget t = f.space.at(slot);
    const Reply r = parsed(answer(probe_to(f.echo, t.addr)));
    EXPECT_EQ(r.kind, ReplyKind::kEchoReply);
    EXPECT_EQ(r.target_ip, t.addr);
    const Verdict v = f.echo.classify(r);
    EXPECT_EQ(v.reject, Reject::kNone) << config::format_address(t.addr);
    EXPECT_EQ(v.slot, slot);
    EXPECT_EQ(v.reason, Reason::kEchoReply);
    EXPECT_EQ(reason_name(v.reason), "echo-reply");
  }
}

TEST(IcmpEchoProbe, EverythingElseIsRejected) {
  const Fixture f;
  const Address target = Address::v4(0xc6120003);
  Reply r = parsed(answer(probe_to(f.echo, target)));
  Reply forged = r;
  forged.ack ^= 1;
  EXPECT_EQ(f.echo.classify(forged).reject, Reject::kBadCookie);
  Reply other_ping = parsed(answer(probe_to(f.echo, target, 0x1234)));  // someone else's identifier
  EXPECT_EQ(f.echo.classify(other_ping).reject, Reject::kNotOurs);
  Reply elsewhere = r;
  elsewhere.our_ip = Address::v4(0xc6120063);
  EXPECT_EQ(f.echo.classify(elsewhere).reject, Reject::kNotOurs);
  // A host outside the space (its cookie right, as if we had pinged it).
  const Address outsider = Address::v4(0xc6120050);
  EXPECT_EQ(f.echo.classify(parsed(answer(probe_to(f.echo, outsider)))).reject, Reject::kUnknownTarget);
  // A TCP answer is the SYN module's business, an echo reply never the SYN module's.
  const auto rst = test::tcp_reply(0xc6120003, 80, 0xc6120001, kId, 1, test::kRstAck);
  EXPECT_EQ(f.echo.classify(parsed(rst)).reject, Reject::kOtherKind);
  const ReplyValidator syn(f.space, f.key, kUs, kId, 1);
  EXPECT_EQ(syn.check(r).reject, Reject::kOtherKind);
}

TEST(IcmpEchoProbe, OneFamilyOnlyRejectsTheOther) {
  const Fixture f;
  const IcmpEchoProbe v4_only(f.t4, {}, f.space, f.key, {kId, 1});
  const Reply r6 = parsed(answer(probe_to(f.echo, config::parse_address("2001:2::2").value())));
  EXPECT_EQ(f.echo.classify(r6).reject, Reject::kNone);
  EXPECT_EQ(v4_only.classify(r6).reject, Reject::kNotOurs);
  EXPECT_EQ(v4_only.capture_filter(), "(icmp and dst host 198.18.0.1 and icmp[icmptype] == icmp-echoreply)");
  EXPECT_EQ(f.echo.capture_filter(),
            "(icmp and dst host 198.18.0.1 and icmp[icmptype] == icmp-echoreply) or (icmp6 and dst host 2001:2::1 "
            "and icmp6[icmp6type] == icmp6-echoreply)");
}

TEST(IcmpEchoProbe, RefusesATemplateThatIsNotAnEchoRequest) {
  const Fixture f;
  auto bad = f.t4;
  bad[20] = 0;  // an echo reply
  EXPECT_THROW(IcmpEchoProbe(bad, {}, f.space, f.key, {kId, 1}), std::invalid_argument);
  EXPECT_THROW(IcmpEchoProbe(f.t6, {}, f.space, f.key, {kId, 1}), std::invalid_argument);  // v6 where v4 goes
  EXPECT_THROW(IcmpEchoProbe({}, std::span<const uint8_t>(f.t6).first(60), f.space, f.key, {kId, 1}),
               std::invalid_argument);
}

TEST(IcmpEchoProbe, WritesNothingForAFamilyWithoutATemplate) {
  const Fixture f;
  const IcmpEchoProbe v4_only(f.t4, {}, f.space, f.key, {kId, 1});
  uint8_t out[kIcmp6EchoPacketSize] = {};
  EXPECT_EQ(v4_only.write(out, {config::parse_address("2001:2::2").value(), 0}, kId), 0u);
  EXPECT_EQ(v4_only.write(out, {Address::v4(0xc6120002), 0}, kId), kIcmpEchoPacketSize);
}
