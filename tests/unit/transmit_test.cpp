// The transmit-side additions of the throughput work: --rate max (an unpaced sender), the
// answered counter that ends waits early, capture sizing, offline sinks and sources.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>

#include "capture/capture_sizing.h"
#include "probe/cookie.h"
#include "fake_clock.h"
#include "capture/null_source.h"
#include "probe/probe_space.h"
#include "probe/probe_table.h"
#include "config/scan_plan.h"
#include "scanner/sender.h"
#include "config/spec_error.h"
#include "probe/syn_packet.h"
#include "probe/syn_probe.h"
#include "send_fixture.h"
#include "syn_fixture.h"
#include "config/target_spec.h"

using namespace portauth;
using namespace portauth::scanner;
using namespace portauth::probe;

namespace {

using Fixture = test::SendFixture;

}  // namespace

TEST(Transmit, UnlimitedRateSendsEverythingWithoutSleepingInFullBatches) {
  Fixture f({22, 80, 443, 8080});
  NullSink sink;
  SenderConfig c;
  c.rate_pps = kUnlimitedRate;
  c.retries = 0;
  Sender sender(f.space, f.table, f.syn, sink, f.clock, c);
  const std::atomic<bool> stop{false};
  sender.run(stop);
  EXPECT_EQ(sink.count, f.space.slots());
  EXPECT_EQ(sender.stats().sent.load(), f.space.slots());
  EXPECT_EQ(f.clock.sleeps, 0u);  // not paced: the clock is never slept on
}

TEST(Transmit, AnsweredCountsFirstAnswersOnly) {
  ProbeTable table(8);
  EXPECT_EQ(table.answered(), 0u);
  EXPECT_TRUE(table.record(3, 1));
  EXPECT_FALSE(table.record(3, 2));  // a duplicate is not a second answer
  EXPECT_TRUE(table.record(7, ProbeTable::kAnsweredEarlier));
  EXPECT_EQ(table.answered(), 2u);
}

TEST(Transmit, NoWaitBetweenPassesOnceEverythingIsAnswered) {
  Fixture f({22});
  for (uint64_t s = 0; s < f.table.size(); ++s) f.table.record(s, 1);
  MemorySink sink;
  SenderConfig c;
  c.rate_pps = 1e6;
  c.retries = 2;
  c.pass_wait_ns = 5'000'000'000;
  const uint64_t start = f.clock.now;
  Sender sender(f.space, f.table, f.syn, sink, f.clock, c);
  const std::atomic<bool> stop{false};
  sender.run(stop);
  EXPECT_EQ(sink.frames.size(), f.space.slots());  // the first pass always goes out
  EXPECT_LT(f.clock.now - start, 1'000'000'000u);  // and the 5 s wait is skipped
}

TEST(Transmit, CaptureRingGrowsWithRateAndWaitWithinBounds) {
  using namespace capture;
  const auto slow = size_capture(1000, 1);
  EXPECT_TRUE(slow.immediate);
  EXPECT_EQ(slow.buffer_bytes, kMinBufferBytes);
  const auto fast = size_capture(400000, 1);  // 400k replies/s x 1 s x 160 B = 64 MB
  EXPECT_FALSE(fast.immediate);
  EXPECT_EQ(fast.buffer_bytes, 400000 * kV3BytesPerReply);
  EXPECT_GT(size_capture(400000, 2).buffer_bytes, fast.buffer_bytes);
  EXPECT_EQ(size_capture(50e6, 10).buffer_bytes, kMaxBufferBytes);
  EXPECT_EQ(size_capture(kUnlimitedRate, 1).buffer_bytes, kMaxBufferBytes);
  EXPECT_FALSE(size_capture(kUnlimitedRate, 1).immediate);
  // Never more ring than the scan's replies can fill: a /16 x 4 ports, one answer a probe.
  EXPECT_EQ(size_capture(kUnlimitedRate, 1, 65536 * 4).buffer_bytes, 65536 * 4 * kV3BytesPerReply);
  EXPECT_EQ(size_capture(kUnlimitedRate, 1, 100).buffer_bytes, kMinBufferBytes);
}

TEST(Transmit, NullSourceDeliversNothingAndCountsNothing) {
  capture::NullSource source;
  EXPECT_EQ(source.dispatch([](void*, const uint8_t*, size_t) { FAIL(); }, nullptr), 0);
  EXPECT_EQ(source.counters().received, 0u);
}

TEST(Transmit, RateMaxAndSendModesParse) {
  config::ScanOptions o;
  o.targets = {"198.18.0.2"};
  o.ports = "80";
  o.allow = {"198.18.0.0/15"};
  o.rate = "max";
  o.send_mode = "ring";
  o.dry_run = true;
  const auto plan = config::build_scan_plan(o);
  EXPECT_TRUE(std::isinf(plan.rate));
  EXPECT_EQ(plan.send_mode, config::SendMode::kRing);
  EXPECT_TRUE(plan.offline());
  o.send_mode = "xdp";
  EXPECT_EQ(config::build_scan_plan(o).send_mode, config::SendMode::kXdp);
  o.send_mode = "auto";
  EXPECT_EQ(config::build_scan_plan(o).send_mode, config::SendMode::kAuto);
  o.send_mode = "fast";
  EXPECT_THROW(config::build_scan_plan(o), config::SpecError);
  config::ScanOptions defaults;
  defaults.targets = {"198.18.0.2"};
  defaults.ports = "80";
  EXPECT_EQ(config::build_scan_plan(defaults).send_mode, config::SendMode::kAuto);  // the default
  o.send_mode = "raw";
  o.pcap_out = "x.pcap";
  EXPECT_THROW(config::build_scan_plan(o), config::SpecError);  // --dry-run and --pcap-out together
  o.pcap_out.clear();
  o.rate = "maximum";
  EXPECT_THROW(config::build_scan_plan(o), config::SpecError);
}
