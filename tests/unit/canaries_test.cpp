// Canary ports (verdict/canaries.h) and the probe space's prefix that carries them
// (probe/probe_space.h): the choice, and exactly-once coverage with shards.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "config/target_spec.h"
#include "probe/probe_space.h"
#include "verdict/canaries.h"

using namespace portauth;

namespace {

std::vector<uint16_t> range(unsigned a, unsigned b) {
  std::vector<uint16_t> v;
  for (unsigned p = a; p <= b; ++p) v.push_back(uint16_t(p));
  return v;
}

}  // namespace

TEST(Canaries, ThreeAddedWhenTheScanCoversNone) {
  const auto pool = range(49152, 65535);
  const auto plan = verdict::choose_canaries(pool, {22, 80, 443}, 3, 42);
  EXPECT_EQ(plan.extra.size(), 3u);
  EXPECT_EQ(plan.ports, plan.extra);
  for (uint16_t p : plan.extra) EXPECT_TRUE(std::binary_search(pool.begin(), pool.end(), p));
  EXPECT_EQ(plan.extra, verdict::choose_canaries(pool, {22, 80, 443}, 3, 42).extra);  // the seed decides
  EXPECT_NE(plan.extra, verdict::choose_canaries(pool, {22, 80, 443}, 3, 43).extra);
  EXPECT_TRUE(verdict::choose_canaries(pool, {22}, 0, 42).ports.empty());
}

TEST(Canaries, AScanThatCoversThePoolAddsNone) {
  const auto pool = range(49152, 65535);
  const auto plan = verdict::choose_canaries(pool, range(0, 65535), 3, 42);
  EXPECT_TRUE(plan.extra.empty());
  EXPECT_EQ(plan.ports, pool);
  // Two covered: one more is added, and the two are canaries too.
  const auto some = verdict::choose_canaries(pool, {22, 50000, 60000}, 3, 42);
  EXPECT_EQ(some.extra.size(), 1u);
  EXPECT_EQ(some.ports.size(), 3u);
  EXPECT_TRUE(std::binary_search(some.ports.begin(), some.ports.end(), 50000));
}

TEST(Canaries, MoreAreFreshOnes) {
  const auto pool = range(49152, 49170);
  const auto plan = verdict::choose_canaries(pool, {49152}, 3, 1);
  const auto more = verdict::more_canaries(pool, {49152}, plan.ports, 8, 1);
  EXPECT_EQ(more.size(), 8u);
  for (uint16_t p : more) {
    EXPECT_NE(p, 49152);
    EXPECT_FALSE(std::binary_search(plan.ports.begin(), plan.ports.end(), p));
  }
}

TEST(ProbeSpacePrefix, CanariesFirstAndEveryProbeOnceInEveryShard) {
  const auto targets = config::parse_targets({"198.18.0.1-198.18.0.7"});
  const std::vector<uint16_t> ports = range(1, 50), prefix = {50001, 50002, 50003};
  const probe::ProbeSpace whole(targets, ports, 9, 0, 1, prefix);
  EXPECT_EQ(whole.slots(), 7u * 53u);
  EXPECT_EQ(whole.prefix_slots(), 21u);
  for (uint64_t s = 0; s < whole.slots(); ++s) EXPECT_EQ(whole.is_prefix_port(whole.at(s).port), s < 21);
  for (uint32_t shards : {1u, 2u, 3u, 5u}) {
    std::set<std::pair<config::Address, uint16_t>> seen;
    for (uint32_t shard = 0; shard < shards; ++shard) {
      const probe::ProbeSpace part(targets, ports, 9, shard, shards, prefix);
      for (uint64_t s = 0; s < part.slots(); ++s) {
        const auto t = part.at(s);
        EXPECT_TRUE(seen.insert({t.addr, t.port}).second) << "twice: " << t.port;
        EXPECT_EQ(part.slot_of(t.addr, t.port), s);
      }
    }
    EXPECT_EQ(seen.size(), 7u * 53u) << shards << " shards";
  }
}

TEST(ProbeSpacePrefix, TheMainSpaceIsWhatItIsWithoutOne) {
  // portauth merge rebuilds a shard's space without canaries: same order, same shards.
  const auto targets = config::parse_targets({"198.18.0.0/28"});
  const auto ports = range(1, 100);
  for (uint32_t shard = 0; shard < 3; ++shard) {
    const probe::ProbeSpace with(targets, ports, 5, shard, 3, {60000, 60001, 60002});
    const probe::ProbeSpace without(targets, ports, 5, shard, 3);
    ASSERT_EQ(with.slots() - with.prefix_slots(), without.slots());
    for (uint64_t s = 0; s < without.slots(); ++s) EXPECT_EQ(with.at(with.prefix_slots() + s), without.at(s));
  }
  EXPECT_THROW(probe::ProbeSpace(targets, ports, 5, 0, 1, {80}), std::invalid_argument);
}

// TCP and UDP ports on the axis (TCP first, then UDP) and canaries in front: the canaries are
// TCP probes with no place on the axis, every UDP probe is where it is without them, and a UDP
// port may share a canary's number (its probe is a datagram, the canary's a SYN).
TEST(ProbeSpacePrefix, CanariesAreTcpAndLeaveTheUdpPortsInPlace) {
  const auto targets = config::parse_targets({"198.18.0.1-198.18.0.5"});
  const std::vector<uint16_t> tcp = range(1, 40), udp = {53, 123, 161, 50002}, prefix = {50001, 50002, 50003};
  for (uint32_t shards : {1u, 3u}) {
    std::set<std::tuple<config::Address, config::Proto, uint16_t>> seen;
    for (uint32_t shard = 0; shard < shards; ++shard) {
      const probe::ProbeSpace with(targets, tcp, udp, 11, shard, shards, prefix);
      const probe::ProbeSpace without(targets, tcp, udp, 11, shard, shards);
      EXPECT_EQ(with.port_axis_size(), tcp.size() + udp.size());
      ASSERT_EQ(with.slots() - with.prefix_slots(), without.slots());
      for (uint64_t s = 0; s < with.slots(); ++s) {
        const auto t = with.at(s);
        if (s < with.prefix_slots()) {
          EXPECT_EQ(t.proto, config::Proto::kTcp);
          EXPECT_TRUE(with.is_prefix_port(t.port, t.proto));
        } else {
          EXPECT_EQ(t, without.at(s - with.prefix_slots()));
          EXPECT_FALSE(with.is_prefix_port(t.port, t.proto)) << t.port;  // 50002/udp is the scan's
        }
        EXPECT_TRUE(seen.insert({t.addr, t.proto, t.port}).second);
        EXPECT_EQ(with.slot_of(t.addr, t.port, t.proto), s);
      }
    }
    EXPECT_EQ(seen.size(), 5u * (40 + 4 + 3)) << shards << " shards";
  }
  // A prefix port may not be a TCP port of the scan; a UDP one it may.
  EXPECT_THROW(probe::ProbeSpace(targets, tcp, udp, 11, 0, 1, {40}), std::invalid_argument);
  EXPECT_NO_THROW(probe::ProbeSpace(targets, tcp, udp, 11, 0, 1, {53}));
}
