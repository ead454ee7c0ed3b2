// UDP scans on the in-memory network, in simulated time: nmap's four states from what hosts
// send back, a host that limits its ICMP errors as Linux does (one a second after a burst of
// 6), the default (every open port at once, the rest open|filtered with the rate measured)
// and --wait-unreachable (every port classified, about one period per closed port), TCP and
// UDP in one scan, and forged datagrams that change nothing.
#include <gtest/gtest.h>

#include <cstdio>

#include "sim_scan.h"
#include "udp_fixture.h"

using namespace portauth;
using namespace portauth::test;
using config::Proto;
using probe::Reason;

namespace {

constexpr config::Address kHost = config::Address::v4(0xc6120002);   // 198.18.0.2
constexpr config::Address kHost3 = config::Address::v4(0xc6120003);  // 198.18.0.3
const config::Address kHost6 = *config::parse_address("2001:2::2");

std::vector<uint16_t> port_range(unsigned first, unsigned last) {
  std::vector<uint16_t> v;
  for (unsigned p = first; p <= last; ++p) v.push_back(uint16_t(p));
  return v;
}

// 53, 123 and 11211 answer; 69, 137 and 1900 drop; 514 is refused by a firewall; the rest is
// closed. Ports 1-100 besides, for a hundred-odd in all.
HostProfile lab_host(double icmp_limit = 0, bool v6 = false) {
  HostProfile h;
  for (int p : {53, 123, 11211, 40000}) h.udp_ports[uint16_t(p)] = {Answer::kOpen};
  for (int p : {69, 137, 1900}) h.udp_ports[uint16_t(p)] = {Answer::kSilent};
  h.udp_ports[514] = {Answer::kIcmp, uint8_t(v6 ? 1 : 13)};  // administratively prohibited
  h.icmp_limit_pps = icmp_limit;
  h.rtt_ns = 300'000;
  return h;
}

std::vector<uint16_t> lab_ports() {
  auto ports = port_range(1, 100);
  for (int p : {123, 137, 514, 1900, 11211, 40000}) ports.push_back(uint16_t(p));
  std::sort(ports.begin(), ports.end());
  return ports;
}

config::ScanPlan udp_plan(const std::vector<std::string>& targets, std::vector<uint16_t> ports, bool wait_all = false) {
  config::ScanPlan plan = sim_plan(targets, {}, 2, 1.0, 1e6);
  plan.udp_ports = std::move(ports);
  plan.wait_unreachable = wait_all;
  return plan;
}

// What the profile says (addr, udp port) must come out as: the reason, or nullopt for "no
// reply was possible" (open|filtered unless an ICMP error got through).
Reason truth(const HostProfile& h, const config::Address& a, uint16_t port) {
  const PortAnswer x = h.udp_answer_for(port);
  switch (x.answer) {
    case Answer::kOpen: return Reason::kUdpResponse;
    case Answer::kClosed: return a.is_v4() ? Reason::kIcmpPortUnreach : Reason::kPortUnreach;
    case Answer::kIcmp:
      return *(a.is_v4() ? probe::reason_for_icmp_unreachable(x.icmp_code) : probe::reason_for_icmp6_unreachable(x.icmp_code));
    case Answer::kSilent: break;
  }
  return Reason::kNoResponse;
}

struct Tally {
  unsigned exact = 0, left_silent = 0, wrong = 0, missing = 0;
};

// Every UDP result against the profile: each port once; open only for a port that answers,
// closed or filtered only with the very ICMP error the host sends; a port whose error the host
// withheld may be open|filtered (left_silent), never anything else.
Tally check(const SimScan& s, const HostProfile& h, const config::Address& a, const std::vector<uint16_t>& ports) {
  Tally t;
  for (uint16_t port : ports) {
    const auto key = std::make_tuple(a, Proto::kUdp, port);
    const auto it = s.results.proto_reason.find(key);
    if (it == s.results.proto_reason.end() || s.results.by_proto.at(key) != 1) {
      ++t.missing;
      continue;
    }
    const Reason want = truth(h, a, port);
    if (it->second == want) ++t.exact;
    else if (it->second == Reason::kNoResponse && want != Reason::kUdpResponse) ++t.left_silent;
    else ++t.wrong;
  }
  return t;
}

}  // namespace

TEST(UdpScan, NmapsFourStatesWithoutALimit) {
  NetworkProfile p;
  p.hosts[kHost] = lab_host();
  p.hosts[kHost6] = lab_host(0, true);
  SimScan s(p);
  const auto ports = lab_ports();
  const SimResult r = s.run(udp_plan({"198.18.0.2", "2001:2::2"}, ports));
  for (const auto& a : {kHost, kHost6}) {
    const Tally t = check(s, p.hosts[a], a, ports);
    EXPECT_EQ(t.exact, ports.size()) << config::format_address(a);
    EXPECT_EQ(t.wrong + t.missing + t.left_silent, 0u);
  }
  EXPECT_EQ(s.results.proto_reason.at({kHost, Proto::kUdp, 514}), Reason::kIcmpAdminProhibited);
  EXPECT_EQ(probe::state_of(Reason::kIcmpAdminProhibited, Proto::kUdp), probe::PortState::kFiltered);
  EXPECT_EQ(r.summary.open, 8u);
  EXPECT_EQ(r.summary.open_filtered, 6u);
  EXPECT_EQ(r.summary.stealth, 0u);
  EXPECT_TRUE(r.summary.icmp_limited.empty());  // the canary drew every error: no limit
  EXPECT_LT(r.sim_seconds, 1.0);
}

TEST(UdpScan, DefaultFindsEveryOpenPortAtOnceAndMeasuresTheLimit) {
  NetworkProfile p;
  p.hosts[kHost] = lab_host(1.0);
  SimScan s(p);
  const auto ports = lab_ports();
  const SimResult r = s.run(udp_plan({"198.18.0.2"}, ports));
  const Tally t = check(s, p.hosts[kHost], kHost, ports);
  EXPECT_EQ(t.wrong + t.missing, 0u);
  for (int open : {53, 123, 11211, 40000})
    EXPECT_EQ(s.results.proto_reason.at({kHost, Proto::kUdp, uint16_t(open)}), Reason::kUdpResponse) << open;
  EXPECT_GE(t.exact, 4u + 6u);  // the open ones and the burst's closed ones at least
  EXPECT_GT(t.left_silent, 80u);
  ASSERT_EQ(r.summary.icmp_limited.size(), 1u);
  const auto& lim = r.summary.icmp_limited[0];
  EXPECT_EQ(lim.addr, kHost);
  EXPECT_NEAR(lim.period_s, 1.0, 0.05);
  EXPECT_EQ(lim.unclassified, r.summary.open_filtered);
  EXPECT_LT(r.sim_seconds, 2.0);  // the passes, the canary and one period
  std::printf("default: %.2f s simulated, %u exact, %u open|filtered, period %.3f s\n", r.sim_seconds, t.exact,
              t.left_silent, lim.period_s);
}

TEST(UdpScan, WaitUnreachableClassifiesEveryPortAtTheHostsRate) {
  NetworkProfile p;
  p.hosts[kHost] = lab_host(1.0);
  SimScan s(p);
  const auto ports = lab_ports();
  const SimResult r = s.run(udp_plan({"198.18.0.2"}, ports, true));
  const Tally t = check(s, p.hosts[kHost], kHost, ports);
  EXPECT_EQ(t.exact, ports.size());
  EXPECT_EQ(t.wrong + t.missing + t.left_silent, 0u);
  // The physical minimum: every ICMP error the host must send, less its burst, at 1 a second.
  unsigned errors = 0;
  for (uint16_t port : ports) errors += truth(p.hosts[kHost], kHost, port) != Reason::kUdpResponse &&
                                        truth(p.hosts[kHost], kHost, port) != Reason::kNoResponse;
  const double minimum = errors - 6.0;
  EXPECT_GE(r.sim_seconds, minimum * 0.98);
  EXPECT_LE(r.sim_seconds, minimum * 1.3);
  ASSERT_EQ(r.summary.icmp_limited.size(), 1u);
  EXPECT_NEAR(r.summary.icmp_limited[0].period_s, 1.0, 0.02);
  EXPECT_EQ(r.summary.icmp_limited[0].unclassified, 3u);  // the three that drop
  std::printf("--wait-unreachable: %.2f s simulated for %u errors (minimum %.0f s: %.3fx)\n", r.sim_seconds, errors,
              minimum, r.sim_seconds / minimum);
}

TEST(UdpScan, WaitUnreachableFollowsEachHostsOwnRate) {
  // Two hosts at once: one limited to 1 a second, one to 5 (an IPv6-like limit): the scan
  // takes the slower one's time, not the sum.
  NetworkProfile p;
  p.hosts[kHost] = lab_host(1.0);
  p.hosts[kHost3] = lab_host(5.0);
  SimScan s(p);
  const auto ports = port_range(1, 40);
  const SimResult r = s.run(udp_plan({"198.18.0.2-3"}, ports, true));
  for (const auto& a : {kHost, kHost3}) {
    const Tally t = check(s, p.hosts[a], a, ports);
    EXPECT_EQ(t.exact, ports.size()) << config::format_address(a);
  }
  EXPECT_LE(r.sim_seconds, (40 - 6) * 1.3);
  ASSERT_EQ(r.summary.icmp_limited.size(), 2u);
  EXPECT_NEAR(r.summary.icmp_limited[0].period_s, 1.0, 0.02);
  EXPECT_NEAR(r.summary.icmp_limited[1].period_s, 0.2, 0.02);
}

TEST(UdpScan, TcpAndUdpInOneScan) {
  NetworkProfile p;
  HostProfile h = lab_host(1.0);
  h.ports[22] = {Answer::kOpen};
  h.ports[53] = {Answer::kOpen};
  h.ports[25] = {Answer::kSilent};
  p.hosts[kHost] = h;
  SimScan s(p);
  config::ScanPlan plan = udp_plan({"198.18.0.2"}, {53, 69, 123, 7, 8});
  plan.ports = {22, 25, 53, 80};
  const SimResult r = s.run(plan);
  const auto& got = s.results.proto_reason;
  EXPECT_EQ(got.at({kHost, Proto::kTcp, 22}), Reason::kSynAck);
  EXPECT_EQ(got.at({kHost, Proto::kTcp, 53}), Reason::kSynAck);
  EXPECT_EQ(got.at({kHost, Proto::kTcp, 80}), Reason::kRst);
  EXPECT_EQ(got.at({kHost, Proto::kTcp, 25}), Reason::kNoResponse);
  EXPECT_EQ(got.at({kHost, Proto::kUdp, 53}), Reason::kUdpResponse);
  EXPECT_EQ(got.at({kHost, Proto::kUdp, 123}), Reason::kUdpResponse);
  EXPECT_EQ(got.at({kHost, Proto::kUdp, 69}), Reason::kNoResponse);
  EXPECT_EQ(got.at({kHost, Proto::kUdp, 7}), Reason::kIcmpPortUnreach);  // within the burst
  EXPECT_EQ(s.results.by_proto.size(), 9u);
  EXPECT_EQ(r.summary.stealth, 1u);
  EXPECT_EQ(r.summary.open_filtered, 1u);
}

TEST(UdpScan, ForgedDatagramsAndErrorsChangeNothing) {
  NetworkProfile p;
  HostProfile h = lab_host();
  h.udp_ports[9] = {Answer::kSilent};
  p.hosts[kHost] = h;
  SimScan s(p);
  const uint16_t first = 61000;
  // Every one of our source ports gets a DNS "answer" from 53 with a guessed id and an ICMP
  // port unreachable for 69 quoting a made-up probe (a guessed IP id): none is ours.
  for (unsigned k = 0; k < 256; ++k) {
    const uint16_t sport = uint16_t(first + k);
    std::vector<uint8_t> dns(17, 0);
    dns[0] = uint8_t(k), dns[1] = 0x5a, dns[2] = 0x81, dns[3] = 0x80;
    s.net.inject(udp_reply(kHost, 53, kScanner, sport, dns), 1'000'000);
    std::vector<uint8_t> probe = ipv4_header(kScanner.v4(), kHost.v4(), 17, 8);
    probe.insert(probe.end(), {uint8_t(sport >> 8), uint8_t(sport), 0, 69, 0, 8, 0, 0});
    s.net.inject(icmp_quoting(kHost, probe, 3, probe.size()), 1'000'000);
  }
  // Port 9 has no payload, so nothing is echoed and its probe's source port is the whole cookie
  // (8 bits of it here): a datagram to any other of our ports is not its answer.
  const uint16_t sport9 = uint16_t(first + (probe::udp_cookie(s.key, kHost, 9, kScanner) >> 48) % 256);
  for (unsigned k = 0; k < 256; ++k)
    if (uint16_t(first + k) != sport9) s.net.inject(udp_reply(kHost, 9, kScanner, uint16_t(first + k), {'x'}), 1'000'000);
  config::ScanPlan plan = udp_plan({"198.18.0.2"}, {9, 53, 69});
  plan.source_port_first = first;
  const SimResult r = s.run(plan);
  EXPECT_EQ(s.results.proto_reason.at({kHost, Proto::kUdp, 9}), Reason::kNoResponse);
  EXPECT_EQ(s.results.proto_reason.at({kHost, Proto::kUdp, 69}), Reason::kNoResponse);
  EXPECT_EQ(s.results.proto_reason.at({kHost, Proto::kUdp, 53}), Reason::kUdpResponse);  // the real answer
  EXPECT_GE(r.summary.replies_rejected, 256u * 3 - 1);
}

TEST(UdpScan, WaitUnreachableEndsSoonWhenTheRestIsSilent) {
  // A limited host whose closed ports all fit in its burst and whose other ports drop: once the
  // burst is spent nothing it still owes is an ICMP error. The phase must find that out (the
  // known closed port measures the rate) and stop, not wait out its 30 s window.
  NetworkProfile p;
  HostProfile h;
  h.udp_default = {Answer::kSilent};
  for (int port = 1; port <= 4; ++port) h.udp_ports[uint16_t(port)] = {Answer::kClosed};
  h.icmp_limit_pps = 1.0;
  h.rtt_ns = 300'000;
  p.hosts[kHost] = h;
  SimScan s(p);
  const auto ports = port_range(1, 30);
  const SimResult r = s.run(udp_plan({"198.18.0.2"}, ports, true));
  const Tally t = check(s, p.hosts[kHost], kHost, ports);
  EXPECT_EQ(t.exact, ports.size());
  EXPECT_LT(r.sim_seconds, 8.0);
  std::printf("all silent after the burst: %.2f s simulated\n", r.sim_seconds);
}
