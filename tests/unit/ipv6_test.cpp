// IPv6 pieces without a network: the address grammar (RFC 4291 in, RFC 5952 out), the target
// grammar and its limits, the IPv6 SYN template and its checksums, the cookie over 128-bit
// addresses, and the reply parser on IPv6, ICMPv6 and extension-header frames.
#include <gtest/gtest.h>

#include "capture/reply_parser.h"
#include "config/address.h"
#include "config/excludes.h"
#include "config/scan_plan.h"
#include "config/spec_error.h"
#include "config/target_spec.h"
#include "frames.h"
#include "probe/cookie.h"
#include "probe/syn6_packet.h"
#include "probe/syn6_probe.h"

using namespace portauth;
using config::Address;

namespace {

Address a6(const char* s) { return *config::parse_ipv6(s); }

std::string error_of(auto&& fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Ipv6Address, EveryTextFormReadsAndWritesBackInRfc5952Form) {
  const std::pair<const char*, const char*> cases[] = {
      {"2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"},
      {"2001:DB8::1", "2001:db8::1"},
      {"::", "::"},
      {"::1", "::1"},
      {"1::", "1::"},
      {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},  // the first of two equal runs
      {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},  // one zero group stays
      {"64:ff9b::198.18.0.2", "64:ff9b::c612:2"},
      {"fe80::1:2:3:4", "fe80::1:2:3:4"},
  };
  for (const auto& [in, out] : cases) {
    const auto a = config::parse_ipv6(in);
    ASSERT_TRUE(a) << in;
    EXPECT_EQ(config::format_ipv6(*a), out) << in;
    EXPECT_EQ(config::parse_ipv6(config::format_ipv6(*a)), a) << in;
  }
  // The IPv4-mapped form is the IPv4 address itself.
  EXPECT_EQ(config::parse_address("::ffff:198.18.0.2"), config::parse_address("198.18.0.2"));
  EXPECT_EQ(config::format_address(*config::parse_address("::ffff:198.18.0.2")), "198.18.0.2");
}

TEST(Ipv6Address, BadTextSaysWhy) {
  const std::pair<const char*, const char*> cases[] = {
      {"2001:db8::1::2", "more than one '::'"},       {"1:2:3:4:5:6:7:8:9", "more than eight groups"},
      {"1:2:3:4:5:6:7", "needs eight groups"},        {"2001:db8::12345", "more than four hex digits"},
      {":1::2", "single ':'"},                        {"1::2:", "single ':'"},
      {"2001:db8::g", "not a hex digit"},             {"::1.2.3.999", "embedded IPv4"},
      {"1:2:3:4:5:6:7::8", "at least one zero group"},
  };
  for (const auto& [in, why] : cases) {
    std::string reason;
    EXPECT_FALSE(config::parse_ipv6(in, &reason)) << in;
    EXPECT_NE(reason.find(why), std::string::npos) << in << ": " << reason;
  }
}

TEST(Ipv6Targets, PrefixesRangesZonesAndErrors) {
  const auto p = config::parse_target("2001:2::/120");
  EXPECT_EQ(p.first, a6("2001:2::"));
  EXPECT_EQ(p.last, a6("2001:2::ff"));
  const auto r = config::parse_target("2001:2::10-2001:2::1f");
  EXPECT_EQ(r.size(), 16u);
  std::string zone;
  const auto z = config::parse_target("fe80::1%veth0", &zone);
  EXPECT_EQ(z.first, a6("fe80::1"));
  EXPECT_EQ(zone, "veth0");
  EXPECT_EQ(error_of([] { config::parse_target("2001:db8::/129"); }),
            "bad target '2001:db8::/129': prefix length '/129' must be 0-128");
  EXPECT_EQ(error_of([] { config::parse_target("2001:db8::1::2"); }), "bad target '2001:db8::1::2': more than one '::'");
  EXPECT_NE(error_of([] { config::parse_target("198.18.0.1-2001:2::1"); }).find("family"), std::string::npos);
  EXPECT_NE(error_of([] { config::parse_target("fe80::1%eth0"); }).find("not allowed"), std::string::npos);
  // A mixed set is one dense index: IPv4 (::ffff:0:0/96) sorts between the IPv6 blocks.
  const config::RangeSet set = config::parse_targets({"2001:2::1", "198.18.0.2", "::2"});
  EXPECT_EQ(set.count(), 3u);
  EXPECT_EQ(set.count_v4(), 1u);
  EXPECT_EQ(set.at(0), a6("::2"));
  EXPECT_EQ(set.at(1), Address::v4(0xc6120002));
  EXPECT_EQ(set.index_of(a6("2001:2::1")), 2u);
}

TEST(Ipv6Targets, SweepsOfAWholeNetworkAreRefusedWithAHint) {
  config::ScanOptions o;
  o.ports = "22";
  o.dry_run = true;
  for (const char* net : {"2001:db8::/64", "2001:db8::/48"}) {
    o.targets = {net};
    const std::string e = error_of([&] { config::build_scan_plan(o); });
    EXPECT_NE(e.find("cannot be swept"), std::string::npos) << e;
    EXPECT_NE(e.find("-iL FILE"), std::string::npos) << e;
    o.confirm_large = true;  // not even when confirmed
    EXPECT_NE(error_of([&] { config::build_scan_plan(o); }).find("cannot be swept"), std::string::npos);
    o.confirm_large = false;
  }
  o.targets = {"2001:db8::/100"};  // 2^28: needs --confirm-large, like an IPv4 /4
  EXPECT_NE(error_of([&] { config::build_scan_plan(o); }).find("--confirm-large"), std::string::npos);
}

TEST(Ipv6Targets, SpecialRangesFollowTheTargetPolicy) {
  std::vector<std::string> notes;
  // Named inside its block: scanned as asked.
  auto left = config::resolve_targets(config::parse_targets({"2001:2::/120"}), {}, {}, notes);
  EXPECT_EQ(left.count(), 256u);
  EXPECT_TRUE(notes.empty());
  // Wider than the blocks: they are skipped; ff00::/8 is never probed, even named.
  left = config::resolve_targets(config::parse_targets({"2001::/16"}), {}, {}, notes);
  EXPECT_FALSE(left.contains(a6("2001:2::1")));
  EXPECT_FALSE(left.contains(a6("2001:db8::1")));
  EXPECT_TRUE(left.contains(a6("2001:4860::1")));
  ASSERT_EQ(notes.size(), 1u);
  // 2001:2::/48 lies inside 2001::/23, which takes it first.
  EXPECT_NE(notes[0].find("2001::/23 (IETF protocol assignments (RFC 2928))"), std::string::npos) << notes[0];
  EXPECT_NE(notes[0].find("2001:db8::/32"), std::string::npos) << notes[0];
  notes.clear();
  EXPECT_THROW(config::resolve_targets(config::parse_targets({"ff02::1"}), {}, {}, notes), config::SpecError);
  // A wide IPv6 prefix never reaches IPv4 through the mapped block.
  notes.clear();
  left = config::resolve_targets(config::parse_targets({"::/64"}), {}, {}, notes);
  EXPECT_EQ(left.count_v4(), 0u);
}

TEST(Cookie, CoversAllOfBothIpv6Addresses) {
  const probe::CookieKey key{0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL};
  const Address t = a6("2001:2::2"), s = a6("2001:2::1");
  const uint32_t c = probe::syn_cookie(key, t, 80, s, 61000);
  uint64_t m[5];
  probe::cookie_message6(t, 80, s, 61000, m);
  uint8_t bytes[40];
  for (int w = 0; w < 5; ++w)
    for (int i = 0; i < 8; ++i) bytes[w * 8 + i] = uint8_t(m[w] >> (8 * i));
  const uint64_t h = probe::siphash24(key, bytes, 40);
  EXPECT_EQ(c, uint32_t(h ^ (h >> 32)));
  // Any bit of either address, high or low half, changes it.
  for (int bit : {0, 63, 64, 127}) {
    const Address t2{t.value ^ (config::Uint128{1} << bit)}, s2{s.value ^ (config::Uint128{1} << bit)};
    EXPECT_NE(probe::syn_cookie(key, t2, 80, s, 61000), c) << bit;
    EXPECT_NE(probe::syn_cookie(key, t, 80, s2, 61000), c) << bit;
  }
  // IPv4 keeps its own cookie.
  EXPECT_EQ(probe::syn_cookie(key, Address::v4(0xc6120002), 80, Address::v4(0xc6120001), 61000),
            probe::syn_cookie(key, 0xc6120002u, 80, 0xc6120001u, 61000));
}

TEST(ReplyParser6, TcpIcmpv6AndExtensionHeaders) {
  using capture::ParseStatus;
  const Address us = a6("2001:2::1"), target = a6("2001:2::2"), router = a6("2001:2::fe");
  probe::Reply r;
  auto f = test::tcp6_reply(target, 443, us, 61005, 0x1234, test::kSynAck, 61);
  ASSERT_EQ(capture::parse_reply(capture::kDltEthernet, f.data(), f.size(), r), ParseStatus::kOk);
  EXPECT_EQ(r.kind, probe::ReplyKind::kSynAck);
  EXPECT_EQ(r.target_ip, target);
  EXPECT_EQ(r.our_ip, us);
  EXPECT_EQ(r.target_port, 443);
  EXPECT_EQ(r.our_port, 61005);
  EXPECT_EQ(r.ack, 0x1234u);
  EXPECT_EQ(r.ttl, 61);
  // Behind hop-by-hop, destination options and a first fragment: still parsed.
  f = test::tcp6_reply(target, 22, us, 61006, 7, test::kRstAck, 64, {0, 60, 44});
  ASSERT_EQ(capture::parse_reply(capture::kDltEthernet, f.data(), f.size(), r), ParseStatus::kOk);
  EXPECT_EQ(r.kind, probe::ReplyKind::kRst);
  EXPECT_EQ(r.target_port, 22);
  // A later fragment; a chain longer than the parser walks; every truncation.
  f = test::tcp6_reply(target, 22, us, 61006, 7, test::kRstAck, 64, {44});
  f[14 + 40 + 2] = 0x01;
  EXPECT_EQ(capture::parse_reply(capture::kDltEthernet, f.data(), f.size(), r), ParseStatus::kFragment);
  f = test::tcp6_reply(target, 22, us, 61006, 7, test::kRstAck, 64, {0, 60, 60, 60, 60, 60, 60, 60, 60});
  EXPECT_EQ(capture::parse_reply(capture::kDltEthernet, f.data(), f.size(), r), ParseStatus::kBadExtensionHeaders);
  f = test::tcp6_reply(target, 22, us, 61006, 7, test::kRstAck, 64, {0, 60});
  for (size_t len = 0; len < f.size(); ++len)
    EXPECT_NE(capture::parse_reply(capture::kDltEthernet, f.data(), len, r), ParseStatus::kOk) << len;
  // ICMPv6 destination unreachable quoting our SYN.
  f = test::icmp6_unreach(router, us, 61007, target, 8080, 0xcafef00d, 1);
  ASSERT_EQ(capture::parse_reply(capture::kDltEthernet, f.data(), f.size(), r), ParseStatus::kOk);
  EXPECT_EQ(r.kind, probe::ReplyKind::kIcmp6Unreachable);
  EXPECT_EQ(r.sender_ip, router);
  EXPECT_EQ(r.target_ip, target);
  EXPECT_EQ(r.target_port, 8080);
  EXPECT_EQ(r.our_port, 61007);
  EXPECT_EQ(r.quoted_seq, 0xcafef00du);
  EXPECT_EQ(r.icmp_code, 1);
  EXPECT_EQ(probe::reason_name(*probe::reason_for_icmp6_unreachable(1)), "admin-prohibited");
  EXPECT_FALSE(probe::reason_for_icmp6_unreachable(7));
  for (size_t len = 0; len < f.size() - 20; ++len)  // the last 20 bytes of the quote are optional
    EXPECT_NE(capture::parse_reply(capture::kDltEthernet, f.data(), len, r), ParseStatus::kOk) << len;
}

TEST(ReplyParser6, FilterNamesOurAddressAndPorts) {
  const std::string f = probe::syn6_reply_filter(a6("2001:2::1"), {61000, 256});
  EXPECT_NE(f.find("ip6 dst host 2001:2::1"), std::string::npos) << f;
  EXPECT_NE(f.find("ip6[42:2] >= 61000 and ip6[42:2] <= 61255"), std::string::npos) << f;
  EXPECT_NE(f.find("ip6[6] == 58 and ip6[40] == 1"), std::string::npos) << f;
}
