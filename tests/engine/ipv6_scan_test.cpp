// Whole IPv6 and mixed-family scans on the in-memory network: the same engine, permutation,
// probe table and finish as an IPv4 scan, with IPv6 SYNs out and IPv6/ICMPv6 answers back.
#include <gtest/gtest.h>

#include "config/address.h"
#include "expect_profile.h"
#include "frames.h"
#include "sim_scan.h"

using namespace portauth;
using namespace portauth::test;

namespace {

const config::Address kHost6 = *config::parse_ipv6("2001:2::2");
constexpr config::Address kHost4 = config::Address::v4(0xc6120002);  // 198.18.0.2

std::vector<uint16_t> all_ports() {
  std::vector<uint16_t> v(65536);
  for (unsigned p = 0; p < 65536; ++p) v[p] = uint16_t(p);
  return v;
}

// An IPv6 host unlike the IPv4 one: other open ports, every ICMPv6 unreachable code 0-6, a
// dropped range, RST for the rest.
HostProfile v6_host() {
  HostProfile h;
  for (unsigned p : {22, 443, 2222, 8443, 9000}) h.ports[uint16_t(p)] = {Answer::kOpen};
  for (unsigned i = 0; i < 70; ++i) h.ports[uint16_t(3000 + i)] = {Answer::kIcmp, uint8_t(i % 7)};
  for (unsigned p = 7000; p < 7500; ++p) h.ports[uint16_t(p)] = {Answer::kSilent};
  h.rtt_ns = 400'000;
  return h;
}

HostProfile v4_host() {
  HostProfile h;
  for (unsigned p : {22, 80}) h.ports[uint16_t(p)] = {Answer::kOpen};
  h.ports[135] = {Answer::kIcmp, 13};
  h.ports[139] = {Answer::kSilent};
  return h;
}

}  // namespace

TEST(Ipv6Scan, FullPortScanEqualsItsProfileWithEveryIcmpv6Reason) {
  NetworkProfile p;
  p.hosts[kHost6] = v6_host();
  SimScan s(p);
  const auto plan = sim_plan({"2001:2::2"}, all_ports(), 2, 1.0, 100000);
  const SimResult r = s.run(plan);
  expect_equals_profile(s, p, plan);
  EXPECT_EQ(r.summary.open, 5u);
  EXPECT_EQ(r.summary.stealth, 500u);
  EXPECT_EQ(r.summary.closed, 65536u - 5 - 500);
  const std::pair<uint16_t, const char*> named[] = {
      {3000, "no-route"},     {3001, "admin-prohibited"}, {3002, "beyond-scope"}, {3003, "addr-unreach"},
      {3004, "port-unreach"}, {3005, "failed-policy"},    {3006, "reject-route"}, {22, "syn-ack"},
      {23, "rst"},            {7000, "no-response"}};
  for (const auto& [port, name] : named)
    EXPECT_EQ(probe::reason_name(s.results.reason.at({kHost6, port})), name) << port;
}

TEST(Ipv6Scan, BothFamiliesInOneScanEachAnswerTheirOwnWay) {
  NetworkProfile p;
  p.hosts[kHost4] = v4_host();
  p.hosts[kHost6] = v6_host();
  SimScan s(p);
  // Two hosts that exist and a /124 of IPv6 addresses that do not: silence, so stealth.
  const auto plan = sim_plan({"198.18.0.2", "2001:2::2", "2001:2::100/124"}, {22, 23, 80, 135, 139, 443, 3001}, 2, 0.5);
  EXPECT_EQ(plan.targets.count(), 18u);
  const SimResult r = s.run(plan);
  expect_equals_profile(s, p, plan);
  EXPECT_EQ(s.results.reason.at({kHost4, 80}), probe::Reason::kSynAck);
  EXPECT_EQ(s.results.reason.at({kHost6, 80}), probe::Reason::kRst);
  EXPECT_EQ(s.results.reason.at({kHost4, 135}), probe::Reason::kIcmpAdminProhibited);
  EXPECT_EQ(s.results.reason.at({kHost6, 3001}), probe::Reason::kAdminProhibited);
  EXPECT_EQ(r.summary.open, 2u + 2u);  // 22, 80 over IPv4; 22, 443 over IPv6
}

TEST(Ipv6Scan, ShardsOfAMixedSpaceAreDisjointAndComplete) {
  NetworkProfile p;
  p.hosts[kHost4] = v4_host();
  p.hosts[kHost6] = v6_host();
  std::map<std::pair<config::Address, uint16_t>, int> all;
  for (uint32_t i = 0; i < 3; ++i) {
    SimScan s(p);
    auto plan = sim_plan({"198.18.0.2", "2001:2::2"}, {22, 80, 135, 139, 443, 3000, 3004, 7000}, 1, 0.2);
    plan.shard_index = i;
    plan.shard_count = 3;
    s.run(plan);
    for (const auto& [k, n] : s.results.count) {
      all[k] += n;
      EXPECT_EQ(s.results.reason.at(k), expected_reason(p, k.first, k.second)) << k.second;
    }
  }
  ASSERT_EQ(all.size(), 16u);
  for (const auto& [k, n] : all) EXPECT_EQ(n, 1) << config::format_address(k.first) << ":" << k.second;
}

TEST(Ipv6Scan, ForgedAndMalformedIpv6RepliesChangeNothing) {
  NetworkProfile p;
  p.hosts[kHost6] = v6_host();
  SimScan s(p);
  const auto plan = sim_plan({"2001:2::2"}, {22, 23, 3001, 7000, 7001}, 1, 0.5);
  const uint64_t t0 = s.clock.now_ns();
  for (uint16_t sp = 0; sp < 256; ++sp) {
    const uint16_t our = uint16_t(61000 + sp);  // whatever the run's ports are, some of these are wrong
    // Wrong cookies: SYN-ACKs for the stealth ports, straight and behind extension headers.
    s.net.inject(tcp6_reply(kHost6, 7000, kScanner6, our, 0xdeadbeef, kSynAck), t0 + sp * 1000);
    s.net.inject(tcp6_reply(kHost6, 7001, kScanner6, our, 1, kSynAck, 64, {0, 60}), t0 + sp * 1000 + 1);
    s.net.inject(icmp6_unreach(kHost6, kScanner6, our, kHost6, 7000, 12345, 4), t0 + sp * 1000 + 2);
    // A later fragment, a chain of nine extension headers, a truncated header.
    auto frag = tcp6_reply(kHost6, 7000, kScanner6, our, 1, kSynAck, 64, {44});
    frag[14 + 40 + 2] = 0x01;  // fragment offset 32
    s.net.inject(frag, t0 + sp * 1000 + 3);
    s.net.inject(tcp6_reply(kHost6, 7000, kScanner6, our, 1, kSynAck, 64, {0, 60, 60, 60, 60, 60, 60, 60, 60}),
                 t0 + sp * 1000 + 4);
    auto cut = tcp6_reply(kHost6, 7000, kScanner6, our, 1, kSynAck, 64, {0});
    cut.resize(14 + 40 + 4);
    s.net.inject(cut, t0 + sp * 1000 + 5);
    // The same port over IPv4-mapped addressing: not an IPv6 reply to our IPv6 probe.
    s.net.inject(tcp6_reply(config::Address::v4(0xc6120002), 7000, kScanner6, our, 1, kSynAck), t0 + sp * 1000 + 6);
  }
  const SimResult r = s.run(plan);
  expect_equals_profile(s, p, plan);
  EXPECT_GT(r.summary.replies_rejected, 0u);
}
