#include <gtest/gtest.h>

#include <vector>

#include "probe/permutation.h"
#include "probe/probe_space.h"
#include "config/target_spec.h"

using portauth::probe::Permutation;
using portauth::probe::ProbeSpace;

TEST(Permutation, IsABijectionForManySizes) {
  for (uint64_t n : {1ull, 2ull, 3ull, 4ull, 5ull, 7ull, 16ull, 17ull, 100ull, 255ull, 256ull, 257ull, 1000ull,
                     4095ull, 65536ull, 65537ull, 100003ull}) {
    for (uint64_t seed : {0ull, 1ull, 0xdeadbeefull}) {
      Permutation p(n, seed);
      std::vector<bool> seen(n);
      for (uint64_t j = 0; j < n; ++j) {
        const uint64_t i = p.forward(j);
        ASSERT_LT(i, n) << "n=" << n;
        ASSERT_FALSE(seen[i]) << "n=" << n << " index " << i << " twice";
        seen[i] = true;
        ASSERT_EQ(p.inverse(i), j) << "n=" << n;
      }
    }
  }
}

TEST(Permutation, SeedDecidesTheOrder) {
  Permutation a(10000, 42), b(10000, 42), c(10000, 43);
  size_t same = 0, fixed_points = 0;
  for (uint64_t j = 0; j < 10000; ++j) {
    EXPECT_EQ(a.forward(j), b.forward(j));
    same += a.forward(j) == c.forward(j);
    fixed_points += a.forward(j) == j;
  }
  EXPECT_LT(same, 100u);         // another seed is another order
  EXPECT_LT(fixed_points, 100u); // and the order is not the identity
}

TEST(Permutation, LargeDomainStaysInRange) {
  const uint64_t n = (uint64_t{1} << 28) + 12345;
  Permutation p(n, 9);
  for (uint64_t j = 0; j < n; j += 99991) {
    const uint64_t i = p.forward(j);
    ASSERT_LT(i, n);
    ASSERT_EQ(p.inverse(i), j);
  }
}

TEST(ProbeSpace, ShardsPartitionTheScanExactlyOnce) {
  const auto targets = portauth::config::parse_targets({"198.18.1.0/28", "198.18.2.7-198.18.2.9"});
  const std::vector<uint16_t> ports = {22, 80, 443, 8080, 65535};
  const uint64_t total = targets.count() * ports.size();
  for (uint32_t shards : {1u, 2u, 3u, 4u}) {
    std::vector<int> hits(total);
    uint64_t slots = 0;
    for (uint32_t shard = 0; shard < shards; ++shard) {
      ProbeSpace space(targets, ports, 1234, shard, shards);
      slots += space.slots();
      for (uint64_t s = 0; s < space.slots(); ++s) {
        const auto t = space.at(s);
        const auto a = targets.index_of(t.addr);
        ASSERT_TRUE(a);
        const auto pi = std::find(ports.begin(), ports.end(), t.port) - ports.begin();
        hits[uint64_t(pi) * targets.count() + *a]++;
        ASSERT_EQ(space.slot_of(t.addr, t.port), s);
        // Another shard's probe is not ours.
        if (shards > 1) {
          ProbeSpace other(targets, ports, 1234, (shard + 1) % shards, shards);
          EXPECT_FALSE(other.slot_of(t.addr, t.port));
        }
      }
    }
    EXPECT_EQ(slots, total);
    for (uint64_t i = 0; i < total; ++i) ASSERT_EQ(hits[i], 1) << "shards=" << shards << " index " << i;
  }
}

TEST(ProbeSpace, UnknownTargetsHaveNoSlot) {
  const auto targets = portauth::config::parse_targets({"198.18.0.2"});
  ProbeSpace space(targets, {22, 80}, 5);
  EXPECT_FALSE(space.slot_of(portauth::config::Address::v4(0xc6120003), 22));
  EXPECT_FALSE(space.slot_of(portauth::config::Address::v4(0xc6120002), 23));
  EXPECT_TRUE(space.slot_of(portauth::config::Address::v4(0xc6120002), 80));
}
