// From options to the wire, without the wire: a plan with excludes, split into 1-4 shards,
// sent into a recording sink. Every non-excluded (address, port) is probed exactly once
// across the shards, and no excluded or never-scan address is probed at all.
#include <gtest/gtest.h>

#include <map>

#include "fake_clock.h"
#include "config/ipv4.h"
#include "probe/probe_space.h"
#include "probe/probe_table.h"
#include "config/scan_plan.h"
#include "scanner/sender.h"
#include "config/spec_error.h"
#include "config/target_spec.h"
#include "probe/syn_probe.h"
#include "syn_fixture.h"

using namespace portauth;

namespace {

std::vector<portauth::config::Address> no_dns(const std::string& host) { throw config::SpecError("no DNS here: " + host); }

config::ScanOptions options() {
  config::ScanOptions o;
  // 198.18.1.0/26 and 198.18.2.250-198.18.3.5, minus two excluded pieces; a multicast
  // address and 0.0.0.1 in the request must vanish too (never-scan ranges).
  o.targets = {"198.18.1.0/26", "198.18.2.250-198.18.3.5", "224.0.0.9", "0.0.0.1"};
  o.excludes = {"198.18.1.10-20", "198.18.3.0"};
  o.allow = {"198.18.0.0/15"};
  o.ports = "22,80,443,8000-8002";
  o.seed = 99;
  return o;
}

}  // namespace

TEST(PlanCoverage, EveryAllowedPairOnceAcrossShardsAndNoExcludedAddress) {
  const config::RangeSet excluded =
      config::parse_targets({"198.18.1.10-20", "198.18.3.0", "224.0.0.9", "0.0.0.1"});
  for (uint32_t shards = 1; shards <= 4; ++shards) {
    std::map<std::pair<config::Address, uint16_t>, int> probes;
    uint64_t total = 0;
    for (uint32_t shard = 1; shard <= shards; ++shard) {
      config::ScanOptions o = options();
      o.shard = std::to_string(shard) + "/" + std::to_string(shards);
      const config::ScanPlan plan = config::build_scan_plan(o, no_dns);
      total = plan.probe_count();
      probe::ProbeSpace space(plan.targets, plan.ports, plan.seed, plan.shard_index, plan.shard_count);
      probe::ProbeTable table(space.slots());
      const probe::SynProbe syn(portauth::test::reference_syn_template(0xc6120001), space, {1, 2}, {});
      scanner::MemorySink sink;
      test::FakeClock clock;
      scanner::SenderConfig c;
      c.retries = 0;
      c.rate_pps = 1e6;
      scanner::Sender sender(space, table, syn, sink, clock, c);
      std::atomic<bool> stop{false};
      sender.run(stop);
      for (const auto& f : sink.frames) {
        const auto dst = config::Address::v4(uint32_t(f[16]) << 24 | uint32_t(f[17]) << 16 | uint32_t(f[18]) << 8 | f[19]);
        const uint16_t port = uint16_t(f[22] << 8 | f[23]);
        ASSERT_FALSE(excluded.contains(dst)) << config::format_address(dst) << " was excluded";
        probes[{dst, port}]++;
      }
    }
    // 64 - 11 + 12 - 1 addresses, 6 ports.
    EXPECT_EQ(total, (64u - 11u + 12u - 1u) * 6u);
    EXPECT_EQ(probes.size(), total) << shards << " shards";
    for (const auto& [pair, n] : probes) ASSERT_EQ(n, 1) << config::format_address(pair.first) << ":" << pair.second;
  }
}
