// The closed-loop rate controller on the in-memory network, in simulated time: every port
// right against hosts that limit their answers, behind a bottleneck, over a lossy link, in a
// mostly silent sweep; and each scan's simulated time against a bound.
#include <gtest/gtest.h>

#include <cinttypes>
#include <cstdio>

#include "sim_scan.h"

using namespace portauth;
using namespace portauth::test;

namespace {

constexpr config::Address kHost = config::Address::v4(0xc6120002);   // 198.18.0.2
constexpr config::Address kOther = config::Address::v4(0xc6120003);  // 198.18.0.3
constexpr double kCeiling = 1e6;         // what "the wire can take" is here

std::vector<uint16_t> port_range(unsigned first, unsigned last) {
  std::vector<uint16_t> v;
  for (unsigned p = first; p <= last; ++p) v.push_back(uint16_t(p));
  return v;
}

HostProfile mostly_closed() {
  HostProfile h;
  for (unsigned p : {22, 80, 443, 8080}) h.ports[uint16_t(p)] = {Answer::kOpen};
  for (unsigned p = 3000; p < 3100; ++p) h.ports[uint16_t(p)] = {Answer::kIcmp, 13};
  for (unsigned p = 5000; p < 5200; ++p) h.ports[uint16_t(p)] = {Answer::kSilent};
  h.rtt_ns = 500'000;
  return h;
}

void expect_all_right(const SimScan& s, const NetworkProfile& p, const config::ScanPlan& plan) {
  uint64_t wrong = 0, total = 0;
  for (const auto& r : plan.targets.ranges())
    for (config::Uint128 v = r.first.value; v <= r.last.value; ++v)
      for (uint16_t port : plan.ports) {
        ++total;
        const config::Address a{v};
        const auto key = std::make_pair(a, port);
        const auto it = s.results.reason.find(key);
        if (it == s.results.reason.end() || it->second != expected_reason(p, a, port) ||
            s.results.count.at(key) != 1)
          ++wrong;
      }
  EXPECT_EQ(wrong, 0u) << "of " << total;
  EXPECT_EQ(s.results.count.size(), total);
}

// A host that answers at most `limit` RSTs/ICMP errors a second; `last` ports.
void limited_host_case(double limit, unsigned last = 10000) {
  HostProfile h = mostly_closed();
  h.reply_limit_pps = limit;
  NetworkProfile p;
  p.hosts[kHost] = h;
  SimScan s(p);
  const auto plan = sim_plan({"198.18.0.2"}, port_range(1, last), 2, 1.0, kCeiling);
  const SimResult r = s.run(plan);
  expect_all_right(s, p, plan);
  const double answering = last - 200;
  // Round trips are timed on the answered copy of a probe only: a retry's answer is never
  // charged to the first copy's send time (which would make the RTT seconds long).
  EXPECT_LT(r.summary.rtt_p99_ms, 20) << "limit " << limit;
  EXPECT_LT(r.sim_seconds, 2.5 * answering / limit + 0.5) << "limit " << limit;
  EXPECT_GT(r.summary.rate_backoffs, 0u);
  std::printf("limit %.0f/s: %.2f s simulated (ideal %.2f), rate %.0f-%.0f pps, %u passes\\n", limit,
              r.sim_seconds, answering / limit, r.summary.rate_min, r.summary.rate_max, r.summary.passes);
}

}  // namespace

TEST(RateControl, HostLimitedTo500AnswersASecond) { limited_host_case(500); }
TEST(RateControl, FewPortsOfAHostLimitedTo500) { limited_host_case(500, 1500); }
TEST(RateControl, HostLimitedTo2000AnswersASecond) { limited_host_case(2000); }
TEST(RateControl, HostLimitedTo20000AnswersASecond) { limited_host_case(20000); }

TEST(RateControl, ABottleneckThatDropsProbesAboveARate) {
  NetworkProfile p;
  p.hosts[kHost] = mostly_closed();
  p.bottleneck_pps = 30000;
  SimScan s(p);
  const auto plan = sim_plan({"198.18.0.2"}, port_range(1, 30000), 2, 1.0, kCeiling);
  const SimResult r = s.run(plan);
  expect_all_right(s, p, plan);
  EXPECT_LT(r.sim_seconds, 2.5 * 30000 / 30000.0 + 0.5);
}

TEST(RateControl, RandomLossIsNotCongestion) {
  NetworkProfile clean;
  clean.hosts[kHost] = mostly_closed();
  NetworkProfile lossy = clean;
  lossy.loss_each_way = 0.01;
  const auto plan = sim_plan({"198.18.0.2"}, port_range(1, 65535), 2, 1.0, 200000);
  SimScan a(clean), b(lossy);
  const SimResult ra = a.run(plan);
  const SimResult rb = b.run(plan);
  expect_all_right(a, clean, plan);
  expect_all_right(b, lossy, plan);
  std::printf("loss-free %.2f s (%u passes, rate %.0f-%.0f), 1%% loss %.2f s (%u passes, rate %.0f-%.0f, %" PRIu64
              " backoffs)\n", ra.sim_seconds, ra.summary.passes, ra.summary.rate_min, ra.summary.rate_max, rb.sim_seconds,
              rb.summary.passes, rb.summary.rate_min, rb.summary.rate_max, rb.summary.rate_backoffs);
  EXPECT_LT(rb.sim_seconds, 1.5 * ra.sim_seconds);
  EXPECT_GT(rb.summary.rate_max, 150000);
}

TEST(RateControl, SilenceIsNotLossInASweep) {
  NetworkProfile p;
  HostProfile live;
  live.ports[80] = {Answer::kOpen};
  for (uint32_t a = 0xc6130000; a < 0xc6130000 + 8192; a += 10) p.hosts[config::Address::v4(a)] = live;  // 90% of addresses silent
  const auto plan_closed = sim_plan({"198.19.0.0/19"}, {22, 80, 443}, 2, 1.0, 200000);
  auto plan_fixed = plan_closed;
  plan_fixed.fixed_rate = true;  // loses nothing here: the network has no limit
  SimScan a(p), b(p);
  const SimResult controlled = a.run(plan_closed);
  const SimResult fixed = b.run(plan_fixed);
  expect_all_right(a, p, plan_closed);
  expect_all_right(b, p, plan_fixed);
  EXPECT_LT(controlled.sim_seconds, 1.3 * fixed.sim_seconds)
      << controlled.sim_seconds << " s vs " << fixed.sim_seconds << " s at a fixed rate";
}

TEST(RateControl, OneLimitedHostDoesNotMakeTheOtherWrong) {
  NetworkProfile p;
  HostProfile limited = mostly_closed();
  limited.reply_limit_pps = 2000;
  p.hosts[kHost] = limited;
  p.hosts[kOther] = mostly_closed();
  SimScan s(p);
  const auto plan = sim_plan({"198.18.0.2-3"}, port_range(1, 10000), 2, 1.0, kCeiling);
  const SimResult r = s.run(plan);
  expect_all_right(s, p, plan);
  EXPECT_LT(r.sim_seconds, 2.5 * 9800 / 2000.0 + 0.5);
}

// A policer in front of the host that lets 20,000 SYNs a second through (burst 50) and drops
// the rest, as nftables' "limit rate over 20000/second burst 50 packets drop" does: it limits
// from the very first window, so the first pass measures its reference fraction already over
// the limit and loses most probes; the retries must recover every one of them, however many
// passes that takes (issue 19.0: a cap of 6 extra passes and a yield threshold left closed
// ports stealth: 8 of these 12 round trips, 0.1 to 14.4 ms, went wrong before, with 25 to 2,773
// ports). Four of them, with a seed each.
TEST(RateControl, APolicerFromTheFirstWindowLosesNoPort) {
  for (uint64_t seed = 1; seed <= 7; seed += 2) {
    NetworkProfile p;
    HostProfile h;  // every port closed but one open and one silent
    h.ports[22] = {Answer::kOpen};
    h.ports[23] = {Answer::kSilent};
    h.rtt_ns = 100'000 * seed * seed;
    p.hosts[kHost] = h;
    p.bottleneck_pps = 20000;
    p.bottleneck_burst = 50;
    p.seed = seed;
    SimScan s(p);
    auto plan = sim_plan({"198.18.0.2"}, port_range(1, 65535), 2, 1.0, kCeiling);
    plan.seed = seed;
    const SimResult r = s.run(plan);
    expect_all_right(s, p, plan);
    // Right, and it says so: the last retry pass found nothing new.
    EXPECT_EQ(r.summary.last_retry_answers, 0u) << "seed " << seed;
    EXPECT_LT(r.sim_seconds, 4 * 30000 / 20000.0 + 1) << "seed " << seed;
    std::printf("policer seed %" PRIu64 ": %.2f s simulated, %u passes, rate %.0f-%.0f\n", seed, r.sim_seconds,
                r.summary.passes, r.summary.rate_min, r.summary.rate_max);
  }
}

// A link that loses most of what crosses it: every retry pass finds answers, far beyond any
// sensible number of passes. The scan may stop, but never calls itself complete: the summary
// says how many answers the last retry pass still found.
TEST(RateControl, RetriesStillAnsweringAtTheEndAreReported) {
  NetworkProfile p;
  p.hosts[kHost] = mostly_closed();
  p.loss_each_way = 0.85;
  SimScan s(p);
  const auto plan = sim_plan({"198.18.0.2"}, port_range(1, 1000), 2, 0.2, kCeiling);
  const SimResult r = s.run(plan);
  EXPECT_GT(r.summary.last_retry_answers, 0u);
  EXPECT_GT(r.summary.stealth, 100u);  // more than the silent ports: some are wrong, and it says so
  std::printf("85%% loss: %.2f s simulated, %u passes, rate %.0f-%.0f, last retry found %" PRIu64 ", %" PRIu64
              " stealth\n", r.sim_seconds, r.summary.passes, r.summary.rate_min, r.summary.rate_max,
              r.summary.last_retry_answers, r.summary.stealth);
}
