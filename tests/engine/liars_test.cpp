// Hosts that lie, on the in-memory network: each kind named right with its evidence, honest
// hosts (one with thousands of listeners among them) named nothing at a cost of at most three
// canary probes each, and a host that blocks fast sources scanned right within twice the
// physical minimum (its ports / the rate it tolerates), all in simulated time.
#include <gtest/gtest.h>

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

void expect_every_port_right(const SimScan& s, const NetworkProfile& p, const config::ScanPlan& plan) {
  uint64_t wrong = 0;
  for (const auto& r : plan.targets.ranges())
    for (config::Uint128 v = r.first.value; v <= r.last.value; ++v)
      for (uint16_t port : plan.ports) {
        const config::Address a{v};
        const auto it = s.results.reason.find({a, port});
        if (it == s.results.reason.end() || it->second != expected_reason(p, a, port) || s.results.count.at({a, port}) != 1)
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
