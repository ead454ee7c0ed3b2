// Whole scans on the in-memory network (no root, no capabilities): the engine's setup, loop
// and finish exactly as the binary runs them, with a scripted target and simulated time.
#include <gtest/gtest.h>

#include <cstdio>
#include <numeric>
#include <set>

#include "frames.h"
#include "config/resume_file.h"
#include "expect_profile.h"
#include "sim_scan.h"

using namespace portauth;
using namespace portauth::test;

namespace {

constexpr config::Address kHost = config::Address::v4(0xc6120002);  // 198.18.0.2

std::vector<uint16_t> port_range(unsigned first, unsigned last) {
  std::vector<uint16_t> v;
  for (unsigned p = first; p <= last; ++p) v.push_back(uint16_t(p));
  return v;
}

// A host like the lab's: a few open ports, every ICMP code that says "closed", ~1,000
// silently dropped ports, RST for the rest.
HostProfile lab_host() {
  HostProfile h;
  for (unsigned p : {22, 25, 53, 80, 110, 443, 993, 1433, 3306, 5432, 8080, 65535}) h.ports[uint16_t(p)] = {Answer::kOpen};
  const uint8_t codes[] = {0, 1, 2, 3, 9, 10, 13};
  for (unsigned i = 0; i < 70; ++i) h.ports[uint16_t(135 + i)] = {Answer::kIcmp, codes[i % 7]};
  for (unsigned p = 6000; p < 7000; ++p) h.ports[uint16_t(p)] = {Answer::kSilent};
  h.ports[0] = {Answer::kSilent};
  h.rtt_ns = 300'000;
  return h;
}

NetworkProfile one_host(HostProfile h) {
  NetworkProfile n;
  n.hosts[kHost] = std::move(h);
  return n;
}


}  // namespace

TEST(EngineScan, FullPortScanOfAScriptedHostEqualsItsProfile) {
  const NetworkProfile p = one_host(lab_host());
  SimScan s(p);
  const auto plan = sim_plan({"198.18.0.2"}, port_range(0, 65535), 2, 1.0, 100000);
  const SimResult r = s.run(plan);
  expect_equals_profile(s, p, plan);
  EXPECT_EQ(r.summary.open, 12u);
  EXPECT_EQ(r.summary.stealth, 1001u);
  EXPECT_EQ(r.summary.closed, 65536u - 12 - 1001);
  EXPECT_FALSE(r.summary.interrupted);
  EXPECT_EQ(s.results.begins, 1);
  EXPECT_EQ(s.results.finishes, 1);
}

TEST(EngineScan, RetriesReprobeOnlyUnansweredProbes) {
  const NetworkProfile p = one_host(lab_host());
  SimScan s(p);
  const auto plan = sim_plan({"198.18.0.2"}, port_range(5990, 6010), 3, 0.2);
  const SimResult r = s.run(plan);
  for (uint16_t port : plan.ports)
    EXPECT_EQ(s.net.probes_to(kHost, port), port >= 6000 ? 4u : 1u) << port;
  EXPECT_EQ(r.summary.passes, 4u);
  EXPECT_EQ(r.summary.packets_sent, 10u + 11u * 4);
}

TEST(EngineScan, DuplicatedAnswersMakeOneResult) {
  HostProfile h = lab_host();
  h.duplicates = 3;
  const NetworkProfile p = one_host(h);
  SimScan s(p);
  const auto plan = sim_plan({"198.18.0.2"}, port_range(1, 2000), 1, 0.3);
  const SimResult r = s.run(plan);
  expect_equals_profile(s, p, plan);
  EXPECT_GT(r.summary.duplicates, 0u);
}

TEST(EngineScan, ForgedRepliesChangeNothing) {
  const NetworkProfile p = one_host(lab_host());
  SimScan s(p);
  const auto plan = sim_plan({"198.18.0.2"}, port_range(1, 3000), 1, 0.5);
  // SYN-ACKs with wrong cookies for every closed and silent port, from the right 4-tuples'
  // address, spread over the scan; and a few to a target we never probe.
  const uint64_t t0 = s.clock.now_ns();
  for (uint16_t port = 1; port <= 3000; ++port)
    for (uint16_t sp = 61000; sp < 61000 + 256; sp += 64)
      s.net.inject(tcp_reply(kHost, port, kScanner, sp, 0xdeadbeef + port, kSynAck), t0 + port * 20'000ULL);
  s.net.inject(tcp_reply(config::Address::v4(0xc6120063), 22, kScanner, 61000, 1, kSynAck), t0 + 1000);
  const SimResult r = s.run(plan, {});
  expect_equals_profile(s, p, plan);
  EXPECT_GT(r.summary.replies_rejected, 0u);
}

TEST(EngineScan, LateAnswersWithinTheFixedWaitCount) {
  HostProfile h = lab_host();
  h.late_ports = {22, 80, 443};
  h.late_ns = 600'000'000;  // later than a pass takes, within the 1 s wait
  const NetworkProfile p = one_host(h);
  SimScan s(p);
  auto plan = sim_plan({"198.18.0.2"}, port_range(1, 1024), 0, 1.0);
  plan.fixed_rate = true;
  s.run(plan);
  expect_equals_profile(s, p, plan);
}

TEST(EngineScan, AnswersSlowerThanMostStillCountWithTheMeasuredWaits) {
  HostProfile h = lab_host();
  h.rtt_ns = 5'000'000;
  h.late_ports = {22, 80, 443, 8080};
  h.late_ns = 10'000'000;  // 3x the usual round trip
  const NetworkProfile p = one_host(h);
  SimScan s(p);
  const auto plan = sim_plan({"198.18.0.2"}, port_range(1, 10000), 2, 1.0, 1e6);
  const SimResult r = s.run(plan);
  expect_equals_profile(s, p, plan);
  // Three measured waits, not three 1 s waits.
  EXPECT_LT(r.sim_seconds, 1.5);
}

TEST(EngineScan, ShardsAreDisjointAndComplete) {
  const NetworkProfile p = one_host(lab_host());
  std::map<std::pair<config::Address, uint16_t>, int> all;
  std::map<std::pair<config::Address, uint16_t>, probe::Reason> reasons;
  for (uint32_t i = 0; i < 3; ++i) {
    SimScan s(p);
    auto plan = sim_plan({"198.18.0.2"}, port_range(1, 2048), 1, 0.2);
    plan.shard_index = i;
    plan.shard_count = 3;
    s.run(plan);
    for (const auto& [k, n] : s.results.count) {
      all[k] += n;
      reasons[k] = s.results.reason.at(k);
    }
  }
  ASSERT_EQ(all.size(), 2048u);
  for (const auto& [k, n] : all) {
    EXPECT_EQ(n, 1) << k.second;
    EXPECT_EQ(reasons[k], expected_reason(p, k.first, k.second)) << k.second;
  }
}

TEST(EngineScan, InterruptFlushesEveryResultAndTheResumedRunCompletesTheSet) {
  const NetworkProfile p = one_host(lab_host());
  const auto plan = sim_plan({"198.18.0.2"}, port_range(1, 20000), 2, 0.3, 20000);
  const std::string resume_path = testing::TempDir() + "engine-resume.yaml";
  std::atomic<bool> stop{false};
  std::atomic<int> interrupts{0};
  SimScan first(p);
  first.results.on_result = [&](const probe::ScanResult&) {
    if (first.results.count.size() == 5000) {  // mid-scan, as a signal handler would
      stop.store(true);
      interrupts.store(1);
    }
  };
  engine::RunOptions o;
  o.interrupt = {&stop, &interrupts};
  o.resume_path = resume_path;
  const SimResult r1 = first.run(plan, o);
  ASSERT_TRUE(r1.summary.interrupted);
  ASSERT_EQ(r1.summary.resume_file, resume_path);
  EXPECT_GT(r1.summary.not_sent, 0u);
  EXPECT_EQ(r1.summary.stealth, 0u);  // stealth needs every pass: left to the resumed run
  // Every answer found before the interrupt reached the writer.
  EXPECT_EQ(first.results.count.size(), r1.summary.open + r1.summary.closed);

  const config::ResumeState state = config::load_resume_file(resume_path);
  std::remove(resume_path.c_str());
  // The interrupted run's counts add up too: what answered, what did not yet, what was not sent.
  EXPECT_EQ(r1.summary.open + r1.summary.closed + r1.summary.unanswered + r1.summary.not_sent, 20000u);
  EXPECT_EQ(state.earlier.runs, 1u);
  EXPECT_EQ(state.earlier.open, r1.summary.open);
  EXPECT_EQ(state.earlier.closed, r1.summary.closed);
  SimScan second(p);
  second.key = first.key;
  const SimResult r2 = second.run(plan, {}, &state);
  // Issue 19.5: the resumed run's summary states the whole scan, both runs: its counts add up to
  // every probe and equal the profile's (they missed what answered before the interrupt).
  SimScan whole(p);
  const SimResult all = whole.run(plan);
  EXPECT_EQ(r2.summary.earlier_runs, 1u);
  EXPECT_EQ(r2.summary.earlier_answers, r1.summary.open + r1.summary.closed);
  EXPECT_EQ(r2.summary.open + r2.summary.closed + r2.summary.stealth, 20000u);
  EXPECT_EQ(r2.summary.probed, 20000u);
  EXPECT_EQ(r2.summary.open, all.summary.open);
  EXPECT_EQ(r2.summary.closed, all.summary.closed);
  EXPECT_EQ(r2.summary.stealth, all.summary.stealth);
  EXPECT_GT(r2.summary.packets_sent, r1.summary.packets_sent);  // both runs' SYNs
  for (const auto& [k, n] : first.results.count) {
    ASSERT_FALSE(second.results.count.contains(k)) << k.second << " reported twice";
    second.results.count[k] = n;
    second.results.reason[k] = first.results.reason.at(k);
  }
  expect_equals_profile(second, p, plan);
}

// Issue 19.6: "interrupted; waiting 1.0 s for replies", then an exit ~0.1 s later, and sometimes no
// line at all: two SIGINTs that arrive together (a terminal's, relayed by sudo too) were taken as
// "again: stop now". They are one interrupt, which waits what it says; one more after that stops.
TEST(EngineScan, AnInterruptWaitsWhatItSaysAndOnlyALaterOneStopsAtOnce) {
  const NetworkProfile p = one_host(lab_host());
  auto plan = sim_plan({"198.18.0.2"}, port_range(1, 20000), 2, 0.3, 20000);
  plan.fixed_rate = true;  // the wait is --wait exactly: 0.3 s
  for (const int together : {1, 2}) {
    std::atomic<bool> stop{false};
    std::atomic<int> interrupts{0};
    SimScan s(p);
    uint64_t at = 0;
    s.results.on_result = [&](const probe::ScanResult&) {
      if (s.results.count.size() == 5000) {
        stop.store(true);
        interrupts.store(together);
        at = s.clock.now_ns();
      }
    };
    engine::RunOptions o;
    o.interrupt = {&stop, &interrupts};
    o.resume_path = testing::TempDir() + "engine-resume-twice.yaml";
    const SimResult r = s.run(plan, o);
    std::remove(o.resume_path.c_str());
    ASSERT_TRUE(r.summary.interrupted);
    const double waited = double(s.clock.now_ns() - at) / 1e9;
    EXPECT_GE(waited, 0.3) << together << " interrupt(s) at once";
    EXPECT_LT(waited, 0.4) << together << " interrupt(s) at once";
  }
  // One more interrupt once the first was announced: stop at once.
  std::atomic<bool> stop{false};
  std::atomic<int> interrupts{0};
  SimScan s(p);
  uint64_t at = 0;
  s.results.on_result = [&](const probe::ScanResult&) {
    if (s.results.count.size() == 5000) {
      stop.store(true);
      interrupts.store(1);
    }
  };
  engine::RunOptions o;
  o.interrupt = {&stop, &interrupts};
  o.resume_path = testing::TempDir() + "engine-resume-again.yaml";
  o.progress = [&](const output::ProgressSnapshot& snap) {  // every ~250 ms, from the loop
    if (interrupts.load() == 1 && snap.sending_done && at == 0) {
      interrupts.store(2);
      at = s.clock.now_ns();
    }
  };
  plan.wait_seconds = 5;
  const SimResult r = s.run(plan, o);
  std::remove(o.resume_path.c_str());
  ASSERT_TRUE(r.summary.interrupted);
  ASSERT_NE(at, 0u);
  EXPECT_LT(double(s.clock.now_ns() - at) / 1e9, 0.05);
}

TEST(EngineScan, RandomLossIsRecoveredByRetries) {
  NetworkProfile p = one_host(lab_host());
  p.loss_each_way = 0.01;
  p.seed = 7;
  SimScan s(p);
  const auto plan = sim_plan({"198.18.0.2"}, port_range(1, 5000), 2, 0.3);
  const SimResult r = s.run(plan);
  expect_equals_profile(s, p, plan);
  EXPECT_GT(s.net.probes_dropped(), 0u);
  EXPECT_GT(r.summary.passes, 1u);
}

TEST(EngineScan, SweepWithMostAddressesSilent) {
  NetworkProfile p;
  HostProfile live;
  live.ports[80] = {Answer::kOpen};
  for (uint32_t a = 0xc6120100; a < 0xc6120200; a += 10) p.hosts[config::Address::v4(a)] = live;  // 1 in 10 exists
  SimScan s(p);
  const auto plan = sim_plan({"198.18.1.0/24"}, {22, 80}, 1, 0.3);
  const SimResult r = s.run(plan);
  expect_equals_profile(s, p, plan);
  EXPECT_EQ(r.summary.open, 26u);
  EXPECT_EQ(r.summary.closed, 26u);
  EXPECT_EQ(r.summary.stealth, 512u - 52u);
}

TEST(EngineScan, AnEveryPortAnsweredScanEndsWithoutWaiting) {
  HostProfile h;  // every port answers RST
  const NetworkProfile p = one_host(h);
  SimScan s(p);
  const auto plan = sim_plan({"198.18.0.2"}, port_range(1, 1000), 2, 5.0, 10000);
  const SimResult r = s.run(plan);
  expect_equals_profile(s, p, plan);
  // 1,000 probes at 10,000 pps is 0.1 s; no 5 s wait when nothing is left unanswered.
  EXPECT_LT(r.sim_seconds, 0.5);
  EXPECT_EQ(r.summary.passes, 1u);
}

TEST(EngineScan, TheFixedRateIsHeld) {
  HostProfile h;
  const NetworkProfile p = one_host(h);
  SimScan s(p);
  auto plan = sim_plan({"198.18.0.2"}, port_range(1, 20000), 0, 0.1, 5000);
  plan.fixed_rate = true;
  const SimResult r = s.run(plan);
  EXPECT_LE(s.net.peak_probe_rate(), 5000 * 1.15);
  EXPECT_NEAR(r.sim_seconds, 4.0, 0.3);
}

// Issue 19.8: a dry run took the whole scan's waits (3 s for one port), reported every port
// stealth and counted the retries' packets. It builds each probe once, at full speed, reports
// no port state, and estimates what the real scan would take.
TEST(EngineScan, ADryRunBuildsEveryProbeOnceReportsNoStateAndEstimatesTheTime) {
  NetworkProfile p;  // nobody: nothing could answer anyway
  SimScan s(p);
  auto plan = sim_plan({"198.18.0.2"}, port_range(1, 1000), 2, 1.0, 20000);
  plan.dry_run = true;
  const SimResult r = s.run(plan);
  EXPECT_TRUE(s.results.count.empty());
  EXPECT_EQ(r.summary.stealth, 0u);
  EXPECT_EQ(r.summary.probed, 1000u);
  EXPECT_EQ(r.summary.packets_sent, 1000u);
  EXPECT_EQ(r.summary.passes, 1u);
  EXPECT_LT(r.sim_seconds, 0.01);  // no pacing, no waits
  EXPECT_TRUE(r.summary.dry_run);
  EXPECT_EQ(r.summary.rate_ceiling, 20000);
  EXPECT_EQ(r.summary.rate_initial, 20000);  // the controller starts at 50,000, or the ceiling if lower
  EXPECT_NEAR(r.summary.estimated_send_seconds, 1000 / 20000.0, 1e-6);
  plan.rate = INFINITY;  // --rate max: slow start from 50,000, doubling every 10 ms window
  SimScan t(p);
  const SimResult m = t.run(plan);
  // 500 SYNs in the first 10 ms window at 50,000, the other 500 at 100,000.
  EXPECT_NEAR(m.summary.estimated_send_seconds, 0.015, 1e-6);
  plan.ports = port_range(1, 65535);
  SimScan u(p);
  const SimResult big = u.run(plan);
  // 500, 1,000, ... 32,000 SYNs in seven 10 ms windows, the rest at 6,400,000: ~70 ms, not the
  // 1.3 s 65,535 SYNs would take at the starting rate.
  EXPECT_GT(big.summary.estimated_send_seconds, 0.05);
  EXPECT_LT(big.summary.estimated_send_seconds, 0.1);
}
