// The sender against a recording sink and a fake clock: the dry run that proves coverage,
// retries and pacing without a socket.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <thread>

#include "probe/cookie.h"
#include "fake_clock.h"
#include "frames.h"
#include "probe/probe_space.h"
#include "probe/probe_table.h"
#include "scanner/sender.h"
#include "probe/syn_packet.h"
#include "probe/syn_probe.h"
#include "syn_fixture.h"
#include "config/target_spec.h"

using namespace portauth;
using namespace portauth::scanner;
using namespace portauth::probe;

namespace {

struct Probe {
  portauth::config::Address dst;
  uint16_t sport, dport;
  uint32_t seq;
  bool operator<(const Probe& o) const { return std::tie(dst, dport, sport) < std::tie(o.dst, o.dport, o.sport); }
};

Probe decode(const std::vector<uint8_t>& f) {
  auto be16 = [&](size_t i) { return uint16_t(f[i] << 8 | f[i + 1]); };
  auto be32 = [&](size_t i) { return uint32_t(be16(i)) << 16 | be16(i + 2); };
  return {portauth::config::Address::v4(be32(16)), be16(20), be16(22), be32(24)};
}

constexpr portauth::config::Address kUs = portauth::config::Address::v4(0xc6120001);

struct Fixture {
  Fixture(const std::vector<std::string>& targets, std::vector<uint16_t> ports, uint32_t shard = 0,
          uint32_t shards = 1)
      : space(config::parse_targets(targets), std::move(ports), 77, shard, shards),
        table(space.slots()),
        syn(portauth::test::reference_syn_template(kUs.v4()), space, key, {}) {}
  ProbeSpace space;
  ProbeTable table;
  CookieKey key{5, 6};
  SynProbe syn;
  MemorySink sink;
  test::FakeClock clock;
};

}  // namespace

TEST(Sender, FirstPassProbesEveryPairExactlyOnceWithValidCookies) {
  Fixture f({"198.18.1.0/26", "198.18.2.1-3"}, {0, 22, 80, 443, 65535});
  SenderConfig c;
  c.retries = 0;
  c.rate_pps = 1e6;
  Sender sender(f.space, f.table, f.syn, f.sink, f.clock, c);
  std::atomic<bool> stop{false};
  sender.run(stop);
  ASSERT_EQ(f.sink.frames.size(), f.space.slots());
  std::set<std::pair<portauth::config::Address, uint16_t>> seen;
  for (const auto& frame : f.sink.frames) {
    const Probe p = decode(frame);
    EXPECT_TRUE(seen.insert({p.dst, p.dport}).second) << "probed twice";
    EXPECT_TRUE(f.space.slot_of(p.dst, p.dport).has_value());
    EXPECT_EQ(p.seq, syn_cookie(f.key, p.dst, p.dport, kUs, p.sport));
    EXPECT_GE(p.sport, c.source_port_first);
    EXPECT_LT(p.sport, c.source_port_first + c.source_port_count);
  }
  EXPECT_EQ(seen.size(), 67u * 5u);
  EXPECT_EQ(sender.stats().first_pass_done.load(), f.space.slots());
  EXPECT_EQ(sender.stats().sent.load(), f.space.slots());
}

TEST(Sender, RetriesProbeOnlyTheUnansweredAndStopWhenAllAnswered) {
  Fixture f({"198.18.1.0/28"}, {22, 80});
  // Answer every other slot before the scan starts: retries must skip them.
  for (uint64_t s = 0; s < f.space.slots(); s += 2) f.table.record(s, 1);
  SenderConfig c;
  c.retries = 2;
  c.rate_pps = 1e6;
  c.pass_wait_ns = 500'000'000;
  Sender sender(f.space, f.table, f.syn, f.sink, f.clock, c);
  std::atomic<bool> stop{false};
  sender.run(stop);
  const uint64_t unanswered = f.space.slots() / 2;
  EXPECT_EQ(f.sink.frames.size(), f.space.slots() + 2 * unanswered);
  std::map<std::pair<portauth::config::Address, uint16_t>, int> count;
  for (const auto& frame : f.sink.frames) {
    const Probe p = decode(frame);
    count[{p.dst, p.dport}]++;
  }
  for (const auto& [key, n] : count) {
    const uint64_t slot = *f.space.slot_of(key.first, key.second);
    EXPECT_EQ(n, slot % 2 == 0 ? 1 : 3);
  }
  EXPECT_EQ(sender.stats().pass.load(), 2u);

  // Everything answered by the end of the first pass: no retry pass at all.
  Fixture g({"198.18.1.0/28"}, {22});
  for (uint64_t s = 0; s < g.space.slots(); ++s) g.table.record(s, 2);
  Sender quick(g.space, g.table, g.syn, g.sink, g.clock, c);
  quick.run(stop);
  EXPECT_EQ(g.sink.frames.size(), g.space.slots());  // the first pass always goes out
  EXPECT_EQ(quick.stats().pass.load(), 0u);
}

TEST(Sender, HoldsTheRateInFakeTime) {
  Fixture f({"198.18.1.0/24"}, {1, 2, 3, 4});  // 1024 probes
  SenderConfig c;
  c.retries = 0;
  c.rate_pps = 1000;
  const uint64_t start = f.clock.now;
  Sender sender(f.space, f.table, f.syn, f.sink, f.clock, c);
  std::atomic<bool> stop{false};
  sender.run(stop);
  const double seconds = double(f.clock.now - start) / 1e9;
  EXPECT_EQ(f.sink.frames.size(), 1024u);
  EXPECT_NEAR(seconds, 1.024, 0.01);
}

TEST(Sender, StopEndsTheScanAndRecordsProgress) {
  Fixture f({"198.18.1.0/24"}, {1, 2, 3, 4});
  SenderConfig c;
  c.rate_pps = 1e6;
  Sender sender(f.space, f.table, f.syn, f.sink, f.clock, c);
  std::atomic<bool> stop{true};
  sender.run(stop);
  EXPECT_EQ(f.sink.frames.size(), 0u);
  EXPECT_EQ(sender.stats().first_pass_done.load(), 0u);
  EXPECT_TRUE(sender.stats().finished.load());
}

TEST(Sender, ShardsTogetherProbeEverythingOnce) {
  std::set<std::pair<portauth::config::Address, uint16_t>> seen;
  size_t frames = 0;
  for (uint32_t shard = 0; shard < 3; ++shard) {
    Fixture f({"198.18.1.0/27"}, {22, 80, 443}, shard, 3);
    SenderConfig c;
    c.retries = 0;
    c.rate_pps = 1e6;
    Sender sender(f.space, f.table, f.syn, f.sink, f.clock, c);
    std::atomic<bool> stop{false};
    sender.run(stop);
    for (const auto& frame : f.sink.frames) {
      const Probe p = decode(frame);
      EXPECT_TRUE(seen.insert({p.dst, p.dport}).second);
    }
    frames += f.sink.frames.size();
  }
  EXPECT_EQ(frames, 32u * 3u);
  EXPECT_EQ(seen.size(), 32u * 3u);
}
