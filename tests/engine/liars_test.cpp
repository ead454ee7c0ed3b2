// Hosts that lie, on the in-memory network: each kind named right with its evidence, honest
// hosts (one with thousands of listeners among them) named nothing at a cost of at most three
// canary probes each, and a host that blocks fast sources scanned right within twice the
// physical minimum (its ports / the rate it tolerates), all in simulated time.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "sim_scan.h"

using namespace portauth;
using namespace portauth::test;
using verdict::VerdictKind;

namespace {

constexpr config::Address kLiar = config::Address::v4(0xc612020a);   // 198.18.2.10
constexpr config::Address kHonest = config::Address::v4(0xc6120232); // 198.18.2.50

std::vector<uint16_t> port_range(unsigned first, unsigned last, unsigned step = 1) {
  std::vector<uint16_t> v;
  for (unsigned p = first; p <= last; p += step) v.push_back(uint16_t(p));
  return v;
}

config::ScanPlan liar_plan(const std::vector<std::string>& targets, std::vector<uint16_t> ports) {
  auto plan = sim_plan(targets, std::move(ports), 2, 1.0, 1e6);
  plan.canary_pool = dynamic_range_pool();
  return plan;
}

HostProfile with_services(Lie lie, std::vector<uint16_t> services) {
  HostProfile h;
  h.lie = lie;
  for (uint16_t p : services) h.ports[p] = {Answer::kOpen};
  h.rtt_ns = 500'000;
  return h;
}

const verdict::HostVerdict* verdict_for(const output::ScanSummary& s, const config::Address& a) {
  return verdict::find_verdict(s.host_verdicts, a);
}

template <class T>
T evidence(const verdict::HostVerdict& v, const std::string& key) {
  for (const auto& e : v.evidence)
    if (e.key == key) return std::get<T>(e.value);
  ADD_FAILURE() << "no evidence '" << key << "' in " << verdict::verdict_line(v);
  return T{};
}

// Every TCP port of the plan reported once, as the profile says.
void expect_every_port_right(const SimScan& s, const NetworkProfile& p, const config::ScanPlan& plan) {
  uint64_t wrong = 0;
  for (const auto& r : plan.targets.ranges())
    for (config::Uint128 v = r.first.value; v <= r.last.value; ++v)
      for (uint16_t port : plan.ports) {
        const config::Address a{v};
        const auto key = std::make_tuple(a, config::Proto::kTcp, port);
        const auto it = s.results.proto_reason.find(key);
        if (it == s.results.proto_reason.end() || it->second != expected_reason(p, a, port) ||
            s.results.by_proto.at(key) != 1)
          ++wrong;
      }
  EXPECT_EQ(wrong, 0u);
}

}  // namespace

TEST(Liars, SynProxyIsNamedWithWindowZeroCookiesAndItsRealServices) {
  NetworkProfile p;
  p.hosts[kLiar] = with_services(Lie::kSynProxy, {22, 80, 443});
  SimScan s(p);
  const auto plan = liar_plan({"198.18.2.10"}, port_range(1, 3000));
  const SimResult r = s.run(plan);
  expect_every_port_right(s, p, plan);
  const auto* v = verdict_for(r.summary, kLiar);
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->kind, VerdictKind::kSynProxy);
  EXPECT_EQ(evidence<int64_t>(*v, "window"), 0);
  EXPECT_TRUE(evidence<bool>(*v, "syn_cookies"));
  EXPECT_EQ(v->service_ports, (std::vector<uint16_t>{22, 80, 443}));
  EXPECT_EQ(v->open_ports, 3000u);
  EXPECT_EQ(verdict::verdict_line(*v),
            "answers on every port: SYN proxy (window 0, SYN cookies); 3 ports reach a service: 22 80 443");
  // Every result of the host came after its verdict: streaming writers mark every line.
  EXPECT_EQ(s.results.results_before_verdict.at(kLiar), 0u);
  EXPECT_EQ(s.results.verdicts.at(kLiar), VerdictKind::kSynProxy);
  EXPECT_EQ(s.connect.connections, 3000u);
}

TEST(Liars, AHostThatAnswersEveryPortIsAnswersAll) {
  NetworkProfile p;
  p.hosts[kLiar] = with_services(Lie::kAnswersAll, {});
  SimScan s(p);
  const auto plan = liar_plan({"198.18.2.10"}, {22, 80, 443, 3389});
  const SimResult r = s.run(plan);
  expect_every_port_right(s, p, plan);
  const auto* v = verdict_for(r.summary, kLiar);
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->kind, VerdictKind::kAnswersAll);
  EXPECT_EQ(evidence<int64_t>(*v, "canaries_open"), 3 + 8);  // the scan's three, then eight more
  // Every canary that answered, for -sV to try (service/service_stage.h): none a port of the scan.
  ASSERT_EQ(v->canary_ports.size(), 3u + 8u);
  for (uint16_t c : v->canary_ports) EXPECT_GE(c, verdict::kCanaryPoolFirst);
  EXPECT_TRUE(std::is_sorted(v->canary_ports.begin(), v->canary_ports.end()));
  EXPECT_FALSE(evidence<bool>(*v, "syn_cookies"));
  EXPECT_FALSE(v->services_checked);
  EXPECT_NE(verdict::unverified_note(*v), "");
  EXPECT_EQ(s.results.results_before_verdict.at(kLiar), 0u);
  EXPECT_TRUE(s.results.canaries.empty());  // canaries are not ports of the scan
}

TEST(Liars, ATarpitIsNamedByItsTinyBareSynAcks) {
  NetworkProfile p;
  p.hosts[kLiar] = with_services(Lie::kTarpit, {});
  SimScan s(p);
  const auto plan = liar_plan({"198.18.2.10"}, port_range(1, 1024));
  const SimResult r = s.run(plan);
  const auto* v = verdict_for(r.summary, kLiar);
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->kind, VerdictKind::kTarpit);
  EXPECT_EQ(evidence<int64_t>(*v, "window"), 10);
  EXPECT_TRUE(evidence<bool>(*v, "every_port"));
  EXPECT_EQ(r.summary.follow_up_probes, 0u);  // its SYN-ACKs say it all
}

TEST(Liars, AFullPortScanCountsEveryOpenPortOnce) {
  // All 65,536 ports: the scan's own high ports are the canaries, and still its ports.
  NetworkProfile p;
  p.hosts[kLiar] = with_services(Lie::kTarpit, {});
  SimScan s(p);
  const SimResult r = s.run(liar_plan({"198.18.2.10"}, port_range(0, 65535)));
  const auto* v = verdict_for(r.summary, kLiar);
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->open_ports, 65536u);
  EXPECT_EQ(r.summary.canary_probes, 0u);
  EXPECT_EQ(r.summary.open, 65536u);
}

TEST(Liars, HonestHostsAreNamedNothingAndCostThreeCanariesEach) {
  NetworkProfile p;
  HostProfile many;  // thousands of real listeners, the rest closed
  for (uint16_t port : port_range(1025, 61065, 20)) many.ports[port] = {Answer::kOpen};
  p.hosts[kHonest] = many;
  HostProfile mixed;  // the lab's kind of host: a few open, ICMP, dropped, the rest closed
  for (unsigned port : {21, 22, 25, 80, 443, 8080}) mixed.ports[uint16_t(port)] = {Answer::kOpen};
  for (unsigned port = 7000; port < 7100; ++port) mixed.ports[uint16_t(port)] = {Answer::kIcmp, 13};
  for (unsigned port = 10000; port < 11000; ++port) mixed.ports[uint16_t(port)] = {Answer::kSilent};
  p.hosts[config::Address::v4(0xc6120002)] = mixed;
  HostProfile silent;
  silent.default_answer = {Answer::kSilent};
  p.hosts[config::Address::v4(0xc6120003)] = silent;
  SimScan s(p);
  // Ports the pool does not cover: three canaries each are added.
  const auto plan = liar_plan({"198.18.0.2-198.18.0.3", "198.18.2.50"}, port_range(1, 12000));
  const SimResult r = s.run(plan);
  expect_every_port_right(s, p, plan);
  EXPECT_TRUE(r.summary.host_verdicts.empty()) << verdict::verdict_line(r.summary.host_verdicts.front());
  EXPECT_EQ(r.summary.canary_probes, 3u * 3u);
  EXPECT_EQ(r.summary.follow_up_probes, 0u);
  EXPECT_TRUE(s.results.verdicts.empty());
  // First pass: every port once plus three canaries a host; the rest are retries of silence.
  EXPECT_EQ(r.summary.probed, 3u * 12000u);
}

TEST(Liars, AFullScanOfThousandsOfListenersIsExactAndAddsNoProbe) {
  NetworkProfile p;
  HostProfile many;
  for (uint16_t port : port_range(1025, 61065, 20)) many.ports[port] = {Answer::kOpen};
  p.hosts[kHonest] = many;
  SimScan s(p);
  const auto plan = liar_plan({"198.18.2.50"}, port_range(0, 65535));
  const SimResult r = s.run(plan);
  expect_every_port_right(s, p, plan);
  EXPECT_TRUE(r.summary.host_verdicts.empty());
  EXPECT_EQ(r.summary.open, 3003u);
  EXPECT_EQ(r.summary.canary_probes, 0u);  // the scan covers the pool: its own ports are the canaries
  EXPECT_EQ(s.net.probes_total(), 65536u);
}

namespace {

// A host that blocks every source sending more than `pps` SYNs a second (a bucket of `burst`)
// for `seconds`; `ports` of it scanned with default options.
void rate_block_case(double pps, double burst, double seconds, unsigned ports, double bound_factor) {
  NetworkProfile p;
  HostProfile h;
  for (unsigned port : {22, 80, 443}) h.ports[uint16_t(port)] = {Answer::kOpen};
  h.block_above_pps = pps;
  h.block_burst = burst;
  h.block_seconds = seconds;
  h.rtt_ns = 500'000;
  p.hosts[kLiar] = h;
  SimScan s(p);
  auto plan = liar_plan({"198.18.2.10"}, port_range(1, ports));
  plan.rate = INFINITY;  // default options: the ceiling is max
  const SimResult r = s.run(plan);
  expect_every_port_right(s, p, plan);
  const double minimum = ports / pps;
  std::printf("block above %.0f SYN/s (burst %.0f, %.0f s), %u ports: %.1f s simulated, minimum %.1f s (%.2fx), "
              "%llu probes, %llu blocked\n", pps, burst, seconds, ports, r.sim_seconds, minimum, r.sim_seconds / minimum,
              (unsigned long long)s.net.probes_total(), (unsigned long long)s.net.probes_blocked());
  EXPECT_LE(r.sim_seconds, bound_factor * minimum);
  // Every port answered: the last pass (the first send of what was deferred) leaves nothing
  // that a retry could still change, and the scan does not call itself incomplete.
  EXPECT_EQ(r.summary.last_retry_answers, 0u);
  const auto* v = verdict_for(r.summary, kLiar);
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->kind, VerdictKind::kRateBlock);
  EXPECT_GE(evidence<int64_t>(*v, "silences"), 1);
  EXPECT_TRUE(evidence<bool>(*v, "answered_again"));
  EXPECT_GT(evidence<double>(*v, "tolerated_pps"), 0.5 * pps);
  EXPECT_LE(evidence<double>(*v, "tolerated_pps"), pps);
}

}  // namespace

TEST(Liars, AHostThatBlocksFastSourcesIsScannedRightWithinTwiceTheMinimum) { rate_block_case(300, 300, 15, 10000, 2.0); }
TEST(Liars, ABlockWithASmallBurstIsFoundByRampingUp) { rate_block_case(300, 5, 15, 10000, 3.0); }
TEST(Liars, AShortBlockAtAHigherRate) { rate_block_case(2000, 2000, 3, 20000, 2.0); }

TEST(Liars, HostsThatOnlyLimitTheirAnswersAreNotRateBlocks) {
  NetworkProfile p;
  HostProfile h;
  for (unsigned port : {22, 80, 443}) h.ports[uint16_t(port)] = {Answer::kOpen};
  h.reply_limit_pps = 500;
  h.rtt_ns = 500'000;
  p.hosts[kLiar] = h;
  SimScan s(p);
  // The same host and ports as RateControl.FewPortsOfAHostLimitedTo500, which the rate
  // controller gets right: its answers thin out, they never stop.
  const auto plan = liar_plan({"198.18.2.10"}, port_range(1, 1500));
  const SimResult r = s.run(plan);
  expect_every_port_right(s, p, plan);
  EXPECT_TRUE(r.summary.host_verdicts.empty()) << verdict::verdict_line(r.summary.host_verdicts.front());
}

TEST(Liars, ASweepWithALimitedHostAndSilentPortsFlagsNobody) {
  // The lab's kind of sweep: hosts that drop some ports, one that limits its RSTs; retry passes
  // probe mostly ports that never answer, which must not look like a host gone silent.
  NetworkProfile p;
  HostProfile honest;
  for (unsigned port : {22, 80, 443}) honest.ports[uint16_t(port)] = {Answer::kOpen};
  for (unsigned port = 100; port < 120; ++port) honest.ports[uint16_t(port)] = {Answer::kSilent};
  honest.rtt_ns = 500'000;
  for (uint32_t a = 0; a < 16; ++a) p.hosts[config::Address::v4(0xc6120100 + a)] = honest;
  HostProfile limited = honest;
  limited.reply_limit_pps = 500;
  p.hosts[config::Address::v4(0xc6120120)] = limited;
  SimScan s(p);
  const auto plan = liar_plan({"198.18.1.0-198.18.1.15", "198.18.1.32"}, port_range(1, 1300));
  const SimResult r = s.run(plan);
  expect_every_port_right(s, p, plan);
  EXPECT_TRUE(r.summary.host_verdicts.empty()) << verdict::verdict_line(r.summary.host_verdicts.front());
  std::printf("sweep with a 500/s host: %.1f s simulated, %u passes, rate %.0f-%.0f\n", r.sim_seconds, r.summary.passes,
              r.summary.rate_min, r.summary.rate_max);
}

TEST(Liars, ACaptureThatFallsBehindIsNotAHostGoneSilent) {
  // 150 ms without a frame, early in the first pass, then everything at once: every host
  // looks silent for a moment, none may be flagged or slowed for it.
  for (unsigned hosts : {1u, 16u}) {
    NetworkProfile p;
    HostProfile honest;
    for (unsigned port : {22, 80, 443}) honest.ports[uint16_t(port)] = {Answer::kOpen};
    honest.rtt_ns = 500'000;
    for (uint32_t a = 0; a < hosts; ++a) p.hosts[config::Address::v4(0xc6120100 + a)] = honest;
    SimScan s(p);
    p.capture_stall_at_ns = s.clock.now_ns() + 30'000'000;
    p.capture_stall_ns = 150'000'000;
    SimScan stalled(p);
    const auto plan = liar_plan({"198.18.1.0-198.18.1." + std::to_string(hosts - 1)}, port_range(1, 20000 / hosts));
    const SimResult r = stalled.run(plan);
    expect_every_port_right(stalled, p, plan);
    EXPECT_TRUE(r.summary.host_verdicts.empty()) << verdict::verdict_line(r.summary.host_verdicts.front());
    EXPECT_LT(r.sim_seconds, 2.0) << hosts << " hosts";
    EXPECT_GE(r.summary.silences_forgotten, 1u) << "the stall was not even noticed: the test proves nothing";
    std::printf("%u hosts, capture stalled 150 ms: %.2f s simulated, %u passes\n", hosts, r.sim_seconds, r.summary.passes);
  }
}

// TCP and UDP in one scan (-sS -sU): the canaries are SYNs, a prefix of the probe space that
// takes no place on the port axis, so every UDP port keeps its place, and a UDP port with a
// canary's number is a UDP port of the scan like any other. A SYN proxy's UDP ports are its
// own: reported as they answer, held with its SYN-ACKs until the verdict, their replies
// explained, and every line of the host carries the verdict.
TEST(Liars, ASynProxyScannedForTcpAndUdpKeepsBothAxesRight) {
  NetworkProfile p;
  HostProfile h = with_services(Lie::kSynProxy, {22, 80, 443});
  h.udp_ports[123] = {Answer::kOpen};
  h.udp_ports[69] = {Answer::kSilent};
  p.hosts[kLiar] = h;
  SimScan s(p);
  auto plan = liar_plan({"198.18.2.10"}, port_range(1, 1000));
  const auto canaries = verdict::choose_canaries(plan.canary_pool, plan.ports, 3, plan.seed).extra;
  ASSERT_EQ(canaries.size(), 3u);
  plan.udp_ports = {53, 69, 123, 161, canaries[0]};
  std::sort(plan.udp_ports.begin(), plan.udp_ports.end());
  const SimResult r = s.run(plan);
  expect_every_port_right(s, p, plan);
  const auto* v = verdict_for(r.summary, kLiar);
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->kind, VerdictKind::kSynProxy);
  EXPECT_EQ(v->service_ports, (std::vector<uint16_t>{22, 80, 443}));
  EXPECT_EQ(v->open_ports, 1000u);  // its SYN-ACKs: the UDP answer is not one of them
  EXPECT_EQ(r.summary.canary_probes, 3u);
  for (uint16_t c : canaries) EXPECT_GE(s.net.probes_to(kLiar, c), 1u) << c;  // a SYN each
  // The UDP probe to canaries[0] is the scan's own UDP port, once per pass it stays unanswered;
  // the other canaries never got a datagram.
  EXPECT_GE(s.net.udp_probes_to(kLiar, canaries[0]), 1u);
  EXPECT_EQ(s.net.udp_probes_to(kLiar, canaries[1]), 0u);
  EXPECT_EQ(s.net.udp_probes_to(kLiar, canaries[2]), 0u);
  using config::Proto;
  EXPECT_EQ(s.results.proto_reason.at({kLiar, Proto::kUdp, 123}), probe::Reason::kUdpResponse);
  EXPECT_EQ(s.results.proto_reason.at({kLiar, Proto::kUdp, 53}), probe::Reason::kIcmpPortUnreach);
  EXPECT_EQ(s.results.proto_reason.at({kLiar, Proto::kUdp, canaries[0]}), probe::Reason::kIcmpPortUnreach);
  EXPECT_EQ(s.results.proto_reason.at({kLiar, Proto::kUdp, 69}), probe::Reason::kNoResponse);
  EXPECT_EQ(r.summary.open_filtered, 1u);
  EXPECT_TRUE(s.results.canaries.empty());
  // Held until the verdict, then every line with it; the NTP answer kept its facts while held.
  EXPECT_EQ(s.results.results_before_verdict.at(kLiar), 0u);
  EXPECT_EQ(s.results.marked.at(kLiar), s.results.per_host.at(kLiar));
  EXPECT_EQ(s.results.per_host.at(kLiar), 1000u + 5u);
  EXPECT_EQ(s.results.replies.at(kLiar), 1u);
}

// A UDP-only scan has no canaries (a canary is a SYN, its evidence a SYN-ACK): no TCP probe at
// all goes out, and an ICMP-limited host (Linux: 6 errors, then one a second) that falls silent
// to most UDP probes is not a host that blocks us: the block watch judges TCP only.
TEST(Liars, AUdpScanSendsNoCanaryAndItsSilencesAreNoBlock) {
  NetworkProfile p;
  HostProfile h;
  h.udp_ports[123] = {Answer::kOpen};
  h.icmp_limit_pps = 1;
  h.icmp_burst = 6;
  h.rtt_ns = 300'000;
  p.hosts[kHonest] = h;
  SimScan s(p);
  auto plan = liar_plan({"198.18.2.50"}, {});
  plan.udp_ports = port_range(1, 400);
  const SimResult r = s.run(plan);
  EXPECT_EQ(r.summary.canary_probes, 0u);
  for (uint16_t c : verdict::choose_canaries(plan.canary_pool, {}, 3, plan.seed).extra)
    EXPECT_EQ(s.net.probes_to(kHonest, c), 0u) << c;
  uint64_t datagrams = 0;
  for (uint16_t port : plan.udp_ports) datagrams += s.net.udp_probes_to(kHonest, port);
  EXPECT_EQ(s.net.probes_total(), datagrams);  // every probe sent was a datagram
  EXPECT_TRUE(r.summary.host_verdicts.empty());
  EXPECT_EQ(s.results.proto_reason.at({kHonest, config::Proto::kUdp, 123}), probe::Reason::kUdpResponse);
}

// The same host scanned for TCP and UDP at once: its RSTs keep coming while its ICMP errors to
// the UDP probes run dry; still no block, and the TCP ports all right.
TEST(Liars, IcmpLimitsInATcpAndUdpScanAreNoBlock) {
  NetworkProfile p;
  HostProfile h;
  h.ports[22] = {Answer::kOpen};
  h.icmp_limit_pps = 1;
  h.icmp_burst = 6;
  h.rtt_ns = 300'000;
  p.hosts[kHonest] = h;
  SimScan s(p);
  auto plan = liar_plan({"198.18.2.50"}, port_range(1, 2000));
  plan.udp_ports = port_range(1, 2000);
  const SimResult r = s.run(plan);
  expect_every_port_right(s, p, plan);
  EXPECT_TRUE(r.summary.host_verdicts.empty());
  EXPECT_EQ(r.summary.open, 1u);
}

// A host that blocks fast sources, scanned for TCP and UDP at once: the block is found from its
// TCP answers, its UDP probes wait out the silence with its SYNs, no
// datagram is ever the keepalive (an ICMP error to it would not say the host is back), and both
// protocols come out right within the bound.
TEST(Liars, ABlockInATcpAndUdpScanHoldsTheDatagramsToo) {
  NetworkProfile p;
  HostProfile h;
  for (unsigned port : {22, 80, 443}) h.ports[uint16_t(port)] = {Answer::kOpen};
  h.udp_ports[123] = {Answer::kOpen};
  h.block_above_pps = 300;
  h.block_burst = 300;
  h.block_seconds = 15;
  h.rtt_ns = 500'000;
  p.hosts[kLiar] = h;
  SimScan s(p);
  auto plan = liar_plan({"198.18.2.10"}, port_range(1, 3000));
  plan.udp_ports = port_range(1, 3000);
  plan.rate = INFINITY;
  const SimResult r = s.run(plan);
  expect_every_port_right(s, p, plan);
  unsigned udp_wrong = 0;
  for (uint16_t port : plan.udp_ports) {
    const auto it = s.results.proto_reason.find({kLiar, config::Proto::kUdp, port});
    const auto want = port == 123 ? probe::Reason::kUdpResponse : probe::Reason::kIcmpPortUnreach;
    udp_wrong += it == s.results.proto_reason.end() || it->second != want;
  }
  EXPECT_EQ(udp_wrong, 0u);
  // The host meters SYNs: the minimum is its TCP ports at the rate it bears, and the first
  // silence (15 s) cannot be avoided. Counting the datagrams as SYNs, or waiting for a datagram
  // keepalive to bring the host back, costs ~10 s more (35.4 s against 25.6 s).
  const double minimum = 3000 / 300.0;
  std::printf("block above 300 SYN/s, 3000 TCP + 3000 UDP ports: %.1f s simulated, minimum %.1f s + the first 15 s "
              "silence, %llu blocked\n",
              r.sim_seconds, minimum, (unsigned long long)s.net.probes_blocked());
  EXPECT_LE(r.sim_seconds, 1.5 * minimum + h.block_seconds);
  const auto* v = verdict_for(r.summary, kLiar);
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->kind, VerdictKind::kRateBlock);
  EXPECT_TRUE(evidence<bool>(*v, "answered_again"));
}
