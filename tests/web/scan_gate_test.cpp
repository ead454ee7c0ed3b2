#include "web/scan_gate.h"

#include <gtest/gtest.h>

namespace portauth::web {
namespace {

config::Address A(const char* s) { return *config::parse_address(s); }

TEST(ScanGate, OneScanPerClientAtATime) {
  ScanGate gate({.max_scans = 4, .burst = 10, .period = 60});
  EXPECT_FALSE(gate.enter(A("10.0.0.1"), 100, 3));
  const auto again = gate.enter(A("10.0.0.1"), 101, 3);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->retry_after, 2u);  // the first should end at 103
  EXPECT_FALSE(gate.enter(A("10.0.0.2"), 101, 3));  // another client is not held up
  gate.leave(A("10.0.0.1"));
  EXPECT_FALSE(gate.enter(A("10.0.0.1"), 102, 3));
  EXPECT_EQ(gate.running(), 2u);
}

TEST(ScanGate, AGlobalCap) {
  ScanGate gate({.max_scans = 2, .burst = 10, .period = 60});
  EXPECT_FALSE(gate.enter(A("10.0.0.1"), 0, 3));
  EXPECT_FALSE(gate.enter(A("10.0.0.2"), 0, 3));
  const auto full = gate.enter(A("10.0.0.3"), 0, 3);
  ASSERT_TRUE(full);
  EXPECT_GE(full->retry_after, 1u);
  EXPECT_NE(full->why.find("limit"), std::string::npos);
  gate.leave(A("10.0.0.2"));
  EXPECT_FALSE(gate.enter(A("10.0.0.3"), 1, 3));
}

TEST(ScanGate, APerClientRate) {
  ScanGate gate({.max_scans = 4, .burst = 3, .period = 60});  // 3 at once, then one every 20 s
  const auto client = A("10.0.0.1");
  for (int i = 0; i < 3; ++i) {
    ASSERT_FALSE(gate.enter(client, i, 1)) << i;
    gate.leave(client);
  }
  const auto too_many = gate.enter(client, 3, 1);
  ASSERT_TRUE(too_many);
  EXPECT_EQ(too_many->retry_after, 17u);  // 3 s of the 20 s refill have passed
  EXPECT_TRUE(gate.enter(client, 19.5, 1));
  EXPECT_FALSE(gate.enter(client, 20.5, 1));
  gate.leave(client);
  EXPECT_FALSE(gate.enter(A("10.0.0.2"), 20.5, 1)) << "the limit is per client";
}

TEST(ScanGate, ForgetsIdleClients) {
  ScanGate gate({.max_scans = 4, .burst = 2, .period = 10});
  for (int i = 0; i < 1000; ++i) {
    const auto c = config::Address::v4(0x0a000000u + uint32_t(i));
    ASSERT_FALSE(gate.enter(c, i * 0.001, 1));
    gate.leave(c);
  }
  // A period later, every one of them is back to a full bucket and nothing holds them.
  EXPECT_FALSE(gate.enter(A("10.0.0.1"), 100, 1));
  gate.leave(A("10.0.0.1"));
  EXPECT_EQ(gate.running(), 0u);
}

TEST(ScanGate, ParsesClientRates) {
  EXPECT_EQ(parse_client_rate("10/min")->burst, 10u);
  EXPECT_EQ(parse_client_rate("10/min")->period, 60);
  EXPECT_EQ(parse_client_rate("2/s")->period, 1);
  EXPECT_EQ(parse_client_rate("30/h")->period, 3600);
  for (const char* bad : {"", "10", "0/min", "/min", "10/day", "-1/s", "1e3/s", "10/ min"})
    EXPECT_FALSE(parse_client_rate(bad)) << bad;
}

}  // namespace
}  // namespace portauth::web
