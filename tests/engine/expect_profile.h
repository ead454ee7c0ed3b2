// The check every whole-scan test ends with: each (address, port) of the plan reported
// exactly once, with the reason the network profile says, and nothing else reported.
#pragma once
#include <gtest/gtest.h>

#include "sim_scan.h"

namespace portauth::test {

inline void expect_equals_profile(const SimScan& s, const NetworkProfile& p, const config::ScanPlan& plan) {
  uint64_t checked = 0;
  for (const auto& r : plan.targets.ranges())
    for (config::Uint128 v = r.first.value; v <= r.last.value; ++v)
      for (uint16_t port : plan.ports) {
        const config::Address a{v};
        const auto key = std::make_pair(a, port);
        const auto it = s.results.count.find(key);
        ASSERT_NE(it, s.results.count.end()) << config::format_address(a) << ":" << port << " not reported";
        ASSERT_EQ(it->second, 1) << config::format_address(a) << ":" << port << " reported " << it->second << " times";
        ASSERT_EQ(s.results.reason.at(key), expected_reason(p, a, port)) << config::format_address(a) << ":" << port;
        ++checked;
      }
  EXPECT_EQ(s.results.count.size(), checked);
}

}  // namespace portauth::test
