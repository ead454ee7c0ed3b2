#include <gtest/gtest.h>

#include "frames.h"
#include "udp_fixture.h"
#include "capture/reply_parser.h"

using namespace portauth::capture;
using namespace portauth::probe;
using namespace portauth::test;

namespace {
constexpr uint32_t kUs = 0xc6120001, kTarget = 0xc6120002;
constexpr portauth::config::Address kUsA = portauth::config::Address::v4(kUs), kTargetA = portauth::config::Address::v4(kTarget);
}

TEST(ReplyParser, SynAckOverEthernet) {
  const auto f = tcp_reply(kTarget, 80, kUs, 61000, 0xabcdef01, kSynAck, 57);
  Reply r;
  ASSERT_EQ(parse_reply(kDltEthernet, f.data(), f.size(), r), ParseStatus::kOk);
  EXPECT_EQ(r.kind, ReplyKind::kSynAck);
  EXPECT_EQ(r.target_ip, kTargetA);
  EXPECT_EQ(r.target_port, 80);
  EXPECT_EQ(r.our_ip, kUsA);
  EXPECT_EQ(r.our_port, 61000);
  EXPECT_EQ(r.ack, 0xabcdef01u);
  EXPECT_TRUE(r.ack_flag);
  EXPECT_EQ(r.ttl, 57);
}

TEST(ReplyParser, RstWithAndWithoutAck) {
  Reply r;
  auto f = tcp_reply(kTarget, 81, kUs, 61001, 5, kRstAck);
  ASSERT_EQ(parse_reply(kDltEthernet, f.data(), f.size(), r), ParseStatus::kOk);
  EXPECT_EQ(r.kind, ReplyKind::kRst);
  EXPECT_TRUE(r.ack_flag);
  f = tcp_reply(kTarget, 81, kUs, 61001, 5, kRst);
  ASSERT_EQ(parse_reply(kDltEthernet, f.data(), f.size(), r), ParseStatus::kOk);
  EXPECT_FALSE(r.ack_flag);
}

TEST(ReplyParser, OtherTcpIsNotAReply) {
  Reply r;
  for (uint8_t flags : {kSyn, kAck, uint8_t(0x11) /* FIN+ACK */, uint8_t(0x13) /* SYN+ACK+FIN */}) {
    const auto f = tcp_reply(kTarget, 80, kUs, 61000, 1, flags);
    EXPECT_EQ(parse_reply(kDltEthernet, f.data(), f.size(), r), ParseStatus::kNotAReply) << int(flags);
  }
}

TEST(ReplyParser, IcmpUnreachableQuotesOurProbe) {
  const auto f = icmp_unreach(0xc6120099, kUs, 61002, kTarget, 443, 0x01020304, 13);
  Reply r;
  ASSERT_EQ(parse_reply(kDltEthernet, f.data(), f.size(), r), ParseStatus::kOk);
  EXPECT_EQ(r.kind, ReplyKind::kIcmpUnreachable);
  EXPECT_EQ(r.icmp_code, 13);
  EXPECT_EQ(r.sender_ip, portauth::config::Address::v4(0xc6120099u));
  EXPECT_EQ(r.target_ip, kTargetA);
  EXPECT_EQ(r.target_port, 443);
  EXPECT_EQ(r.our_ip, kUsA);
  EXPECT_EQ(r.our_port, 61002);
  EXPECT_EQ(r.quoted_seq, 0x01020304u);
  EXPECT_EQ(r.ttl, 63);
}

TEST(ReplyParser, OtherLinkTypes) {
  const auto eth = tcp_reply(kTarget, 80, kUs, 61000, 9, kSynAck);
  const std::vector<uint8_t> ip(eth.begin() + 14, eth.end());
  Reply r;
  EXPECT_EQ(parse_reply(kDltRaw, ip.data(), ip.size(), r), ParseStatus::kOk);
  EXPECT_EQ(r.target_port, 80);

  std::vector<uint8_t> sll(14, 0);
  put16(sll, 0x0800);
  sll.insert(sll.end(), ip.begin(), ip.end());
  EXPECT_EQ(parse_reply(kDltLinuxSll, sll.data(), sll.size(), r), ParseStatus::kOk);

  std::vector<uint8_t> sll2;
  put16(sll2, 0x0800);
  sll2.resize(20, 0);
  sll2.insert(sll2.end(), ip.begin(), ip.end());
  EXPECT_EQ(parse_reply(kDltLinuxSll2, sll2.data(), sll2.size(), r), ParseStatus::kOk);

  std::vector<uint8_t> bsd = {2, 0, 0, 0};
  bsd.insert(bsd.end(), ip.begin(), ip.end());
  EXPECT_EQ(parse_reply(kDltNull, bsd.data(), bsd.size(), r), ParseStatus::kOk);

  const auto tagged = ethernet(ip, 42);
  EXPECT_EQ(parse_reply(kDltEthernet, tagged.data(), tagged.size(), r), ParseStatus::kOk);
  EXPECT_EQ(r.target_port, 80);

  EXPECT_EQ(parse_reply(147, eth.data(), eth.size(), r), ParseStatus::kUnsupportedLink);
}

TEST(ReplyParser, EveryTruncationIsRejectedSafely) {
  const auto frames = {tcp_reply(kTarget, 80, kUs, 61000, 9, kSynAck),
                       icmp_unreach(kTarget, kUs, 61000, kTarget, 80, 1, 3)};
  for (const auto& f : frames) {
    for (size_t len = 0; len < f.size(); ++len) {
      // A fresh heap copy of exactly `len` bytes, so ASan flags any read past the end.
      std::vector<uint8_t> cut(f.begin(), f.begin() + long(len));
      Reply r;
      EXPECT_NE(parse_reply(kDltEthernet, cut.data(), cut.size(), r), ParseStatus::kOk) << "len " << len;
    }
  }
}

TEST(ReplyParser, MalformedHeaders) {
  Reply r;
  auto f = tcp_reply(kTarget, 80, kUs, 61000, 9, kSynAck);
  auto bad = f;
  bad[14] = 0x65;  // IPv6 version nibble
  EXPECT_EQ(parse_reply(kDltEthernet, bad.data(), bad.size(), r), ParseStatus::kNotIpv4);
  bad = f;
  bad[14] = 0x4f;  // IHL 60 bytes > captured
  EXPECT_EQ(parse_reply(kDltEthernet, bad.data(), bad.size(), r), ParseStatus::kTruncated);
  bad = f;
  bad[14] = 0x43;  // IHL 12 bytes < 20
  EXPECT_EQ(parse_reply(kDltEthernet, bad.data(), bad.size(), r), ParseStatus::kTruncated);
  bad = f;
  bad[14 + 6] = 0x00;
  bad[14 + 7] = 0x10;  // fragment offset != 0
  EXPECT_EQ(parse_reply(kDltEthernet, bad.data(), bad.size(), r), ParseStatus::kFragment);
  bad = f;
  bad[12] = 0x86;
  bad[13] = 0xdd;  // IPv6 ethertype
  EXPECT_EQ(parse_reply(kDltEthernet, bad.data(), bad.size(), r), ParseStatus::kNotIpv4);
  bad = f;
  bad[14 + 2] = 0;
  bad[14 + 3] = 30;  // total length says the TCP header is cut
  EXPECT_EQ(parse_reply(kDltEthernet, bad.data(), bad.size(), r), ParseStatus::kTruncated);
  auto icmp = icmp_unreach(kTarget, kUs, 61000, kTarget, 80, 1, 3);
  icmp[14 + 20 + 8 + 9] = 47;  // quoted protocol GRE: not a probe of ours
  EXPECT_EQ(parse_reply(kDltEthernet, icmp.data(), icmp.size(), r), ParseStatus::kNotAReply);
  icmp = icmp_unreach(kTarget, kUs, 61000, kTarget, 80, 1, 3);
  icmp[14 + 20] = 11;  // time exceeded
  EXPECT_EQ(parse_reply(kDltEthernet, icmp.data(), icmp.size(), r), ParseStatus::kNotAReply);
}

// Echo replies (the ping probe module's answers) fill the TCP answer's fields: sender as
// target, identifier as our port, sequence as ack; an echo request is no reply.
TEST(ReplyParser, EchoRepliesOfBothFamilies) {
  std::vector<uint8_t> icmp = {0, 0, 0, 0, 0x51, 0x51, 0x12, 0x34};
  auto ip = ipv4_header(kTarget, kUs, 1, uint16_t(icmp.size()));
  ip.insert(ip.end(), icmp.begin(), icmp.end());
  Reply r;
  auto f = ethernet(ip);
  ASSERT_EQ(parse_reply(kDltEthernet, f.data(), f.size(), r), ParseStatus::kOk);
  EXPECT_EQ(r.kind, ReplyKind::kEchoReply);
  EXPECT_EQ(r.target_ip, kTargetA);
  EXPECT_EQ(r.our_ip, kUsA);
  EXPECT_EQ(r.our_port, 0x5151);
  EXPECT_EQ(r.ack, 0x1234u);
  EXPECT_EQ(r.target_port, 0);
  f[14 + 20] = 8;  // an echo request
  EXPECT_EQ(parse_reply(kDltEthernet, f.data(), f.size(), r), ParseStatus::kNotAReply);
  f.resize(14 + 20 + 6);  // cut inside the echo header
  f[14 + 3] = 26;
  f[14 + 20] = 0;
  EXPECT_EQ(parse_reply(kDltEthernet, f.data(), f.size(), r), ParseStatus::kTruncated);

  const auto target6 = portauth::config::parse_address("2001:2::2").value(), us6 = portauth::config::parse_address("2001:2::1").value();
  icmp[0] = 129;
  auto ip6 = ipv6_header(target6, us6, 58, uint16_t(icmp.size()));
  ip6.insert(ip6.end(), icmp.begin(), icmp.end());
  f = ethernet6(ip6);
  ASSERT_EQ(parse_reply(kDltEthernet, f.data(), f.size(), r), ParseStatus::kOk);
  EXPECT_EQ(r.kind, ReplyKind::kEchoReply);
  EXPECT_EQ(r.target_ip, target6);
  EXPECT_EQ(r.our_ip, us6);
  EXPECT_EQ(r.our_port, 0x5151);
  EXPECT_EQ(r.ack, 0x1234u);
}

TEST(ReplyParser, UdpDatagram) {
  const std::vector<uint8_t> payload = {'h', 'e', 'l', 'l', 'o'};
  auto f = udp_reply(kTargetA, 53, kUsA, 61234, payload, 55);
  Reply r;
  ASSERT_EQ(parse_reply(kDltEthernet, f.data(), f.size(), r), ParseStatus::kOk);
  EXPECT_EQ(r.kind, ReplyKind::kUdp);
  EXPECT_EQ(r.proto, 17);
  EXPECT_EQ(r.target_ip, kTargetA);
  EXPECT_EQ(r.target_port, 53);
  EXPECT_EQ(r.our_ip, kUsA);
  EXPECT_EQ(r.our_port, 61234);
  EXPECT_EQ(r.ttl, 55);
  EXPECT_EQ(r.udp_len, 13);
  ASSERT_EQ(r.payload_len, 5);
  EXPECT_EQ(std::string(r.payload, r.payload + r.payload_len), "hello");
  // Ethernet padding after the datagram is not payload.
  f.insert(f.end(), 20, 0);
  ASSERT_EQ(parse_reply(kDltEthernet, f.data(), f.size(), r), ParseStatus::kOk);
  EXPECT_EQ(r.payload_len, 5);
  // A capture cut short: the payload is what was captured, the length what the header says.
  ASSERT_EQ(parse_reply(kDltEthernet, f.data(), 14 + 20 + 8 + 2, r), ParseStatus::kOk);
  EXPECT_EQ(r.payload_len, 2);
  EXPECT_EQ(r.udp_len, 13);
  EXPECT_EQ(parse_reply(kDltEthernet, f.data(), 14 + 20 + 7, r), ParseStatus::kTruncated);
  // IPv6 too.
  const auto* us6 = "2001:2::1";
  const auto f6 = udp_reply(*portauth::config::parse_address("2001:2::2"), 123, *portauth::config::parse_address(us6),
                            61000, payload);
  ASSERT_EQ(parse_reply(kDltEthernet, f6.data(), f6.size(), r), ParseStatus::kOk);
  EXPECT_EQ(r.kind, ReplyKind::kUdp);
  EXPECT_EQ(r.payload_len, 5);
}

TEST(ReplyParser, IcmpQuotingAUdpProbe) {
  // Our probe: id 0xbeef, 198.18.0.1:61010 -> 198.18.0.2:161, 3 bytes of payload.
  std::vector<uint8_t> probe = ipv4_header(kUs, kTarget, 17, 11);
  probe[4] = 0xbe, probe[5] = 0xef;
  probe.insert(probe.end(), {0xee, 0x52, 0x00, 0xa1, 0x00, 0x0b, 0x12, 0x34, 'a', 'b', 'c'});
  for (size_t quote : {size_t(28), probe.size()}) {
    const auto f = icmp_quoting(kTargetA, probe, 3, quote);
    Reply r;
    ASSERT_EQ(parse_reply(kDltEthernet, f.data(), f.size(), r), ParseStatus::kOk);
    EXPECT_EQ(r.kind, ReplyKind::kIcmpUnreachable);
    EXPECT_EQ(r.proto, 17);
    EXPECT_EQ(r.icmp_code, 3);
    EXPECT_EQ(r.target_ip, kTargetA);
    EXPECT_EQ(r.target_port, 161);
    EXPECT_EQ(r.our_port, 61010);
    EXPECT_EQ(r.quoted_seq, 0xbeefu);  // a UDP probe's cookie bits: its IP id
  }
  // Fewer than 8 bytes of the UDP header quoted: not enough to say which probe.
  const auto cut = icmp_quoting(kTargetA, probe, 3, 27);
  Reply r;
  EXPECT_EQ(parse_reply(kDltEthernet, cut.data(), cut.size(), r), ParseStatus::kTruncated);
}
