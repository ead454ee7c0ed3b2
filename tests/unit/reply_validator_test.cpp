#include <gtest/gtest.h>

#include "probe/cookie.h"
#include "frames.h"
#include "probe/probe_space.h"
#include "probe/reason.h"
#include "capture/reply_parser.h"
#include "probe/reply_validator.h"
#include "config/target_spec.h"

using namespace portauth;
using namespace portauth::capture;
using namespace portauth::probe;
using namespace portauth::test;

namespace {

constexpr portauth::config::Address kUs = portauth::config::Address::v4(0xc6120001), kTarget = portauth::config::Address::v4(0xc6120002);
constexpr uint16_t kFirstPort = 61000, kPortCount = 16;

class ValidatorTest : public ::testing::Test {
 protected:
  ValidatorTest()
      : space_(config::parse_targets({"198.18.0.2"}), {22, 80, 443}, 99),
        validator_(space_, key_, kUs, kFirstPort, kPortCount) {}

  Verdict check(const std::vector<uint8_t>& frame) {
    Reply r;
    EXPECT_EQ(parse_reply(kDltEthernet, frame.data(), frame.size(), r), ParseStatus::kOk);
    return validator_.check(r);
  }
  uint32_t cookie(uint16_t tport, uint16_t uport) { return probe::syn_cookie(key_, kTarget, tport, kUs, uport); }

  probe::CookieKey key_{0x1111, 0x2222};
  probe::ProbeSpace space_;
  ReplyValidator validator_;
};

}  // namespace

TEST_F(ValidatorTest, SynAckNeedsCookiePlusOne) {
  Verdict v = check(tcp_reply(kTarget, 80, kUs, 61003, cookie(80, 61003) + 1, kSynAck));
  EXPECT_EQ(v.reject, Reject::kNone);
  EXPECT_EQ(v.reason, Reason::kSynAck);
  EXPECT_EQ(v.slot, *space_.slot_of(kTarget, 80));
  EXPECT_EQ(check(tcp_reply(kTarget, 80, kUs, 61003, cookie(80, 61003), kSynAck)).reject, Reject::kBadCookie);
  EXPECT_EQ(check(tcp_reply(kTarget, 80, kUs, 61003, cookie(80, 61003) + 2, kSynAck)).reject, Reject::kBadCookie);
  // The right ack for another source port is the wrong ack here.
  EXPECT_EQ(check(tcp_reply(kTarget, 80, kUs, 61004, cookie(80, 61003) + 1, kSynAck)).reject, Reject::kBadCookie);
}

TEST_F(ValidatorTest, RstNeedsAckFlagAndCookieOrCookiePlusOne) {
  EXPECT_EQ(check(tcp_reply(kTarget, 22, kUs, 61000, cookie(22, 61000) + 1, kRstAck)).reason, Reason::kRst);
  EXPECT_EQ(check(tcp_reply(kTarget, 22, kUs, 61000, cookie(22, 61000) + 1, kRstAck)).reject, Reject::kNone);
  EXPECT_EQ(check(tcp_reply(kTarget, 22, kUs, 61000, cookie(22, 61000), kRstAck)).reject, Reject::kNone);
  EXPECT_EQ(check(tcp_reply(kTarget, 22, kUs, 61000, cookie(22, 61000) + 1, kRst)).reject, Reject::kBadCookie);
  EXPECT_EQ(check(tcp_reply(kTarget, 22, kUs, 61000, 12345, kRstAck)).reject, Reject::kBadCookie);
}

TEST_F(ValidatorTest, IcmpMustQuoteOurProbe) {
  const std::pair<uint8_t, Reason> codes[] = {
      {0, Reason::kIcmpNetUnreach},     {1, Reason::kIcmpHostUnreach},     {2, Reason::kIcmpProtoUnreach},
      {3, Reason::kIcmpPortUnreach},    {9, Reason::kIcmpNetProhibited},   {10, Reason::kIcmpHostProhibited},
      {13, Reason::kIcmpAdminProhibited}};
  for (const auto& [code, reason] : codes) {
    const Verdict v = check(icmp_unreach(portauth::config::Address::v4(0xc6120063), kUs, 61005, kTarget, 443, cookie(443, 61005), code));
    EXPECT_EQ(v.reject, Reject::kNone) << int(code);
    EXPECT_EQ(v.reason, reason) << int(code);
    EXPECT_EQ(state_of(v.reason), PortState::kClosed);
  }
  EXPECT_EQ(check(icmp_unreach(kTarget, kUs, 61005, kTarget, 443, cookie(443, 61005) ^ 1, 3)).reject,
            Reject::kBadCookie);
  for (uint8_t code : std::initializer_list<uint8_t>{4, 5, 6, 7, 8, 11, 12, 14, 15})
    EXPECT_EQ(check(icmp_unreach(kTarget, kUs, 61005, kTarget, 443, cookie(443, 61005), code)).reject,
              Reject::kIcmpCode)
        << int(code);
}

TEST_F(ValidatorTest, StrayTrafficIsNotOurs) {
  // Wrong destination address, and destination ports just outside our source range.
  EXPECT_EQ(check(tcp_reply(kTarget, 80, portauth::config::Address::v4(kUs.v4() + 1), 61003, cookie(80, 61003) + 1, kSynAck)).reject, Reject::kNotOurs);
  EXPECT_EQ(check(tcp_reply(kTarget, 80, kUs, kFirstPort - 1, 1, kSynAck)).reject, Reject::kNotOurs);
  EXPECT_EQ(check(tcp_reply(kTarget, 80, kUs, kFirstPort + kPortCount, 1, kSynAck)).reject, Reject::kNotOurs);
  // A valid cookie for a (target, port) we never probe: a forger who knows the key is still
  // confined to the probe space.
  const uint32_t c = probe::syn_cookie(key_, kTarget, 8080, kUs, 61000);
  EXPECT_EQ(check(tcp_reply(kTarget, 8080, kUs, 61000, c + 1, kSynAck)).reject, Reject::kUnknownTarget);
}

TEST(Reason, NamesAndStates) {
  EXPECT_EQ(reason_name(Reason::kSynAck), "syn-ack");
  EXPECT_EQ(reason_name(Reason::kRst), "rst");
  EXPECT_EQ(reason_name(Reason::kNoResponse), "no-response");
  EXPECT_EQ(reason_name(Reason::kIcmpAdminProhibited), "icmp-admin-prohibited");
  EXPECT_EQ(state_of(Reason::kSynAck), PortState::kOpen);
  EXPECT_EQ(state_of(Reason::kRst), PortState::kClosed);
  EXPECT_EQ(state_of(Reason::kNoResponse), PortState::kStealth);
  for (int i = 1; i <= int(Reason::kNoResponse); ++i)
    EXPECT_EQ(reason_from_name(reason_name(Reason(i))), Reason(i));
  EXPECT_EQ(state_name(PortState::kStealth), "stealth");
}
