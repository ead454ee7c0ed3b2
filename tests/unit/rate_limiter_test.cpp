#include <gtest/gtest.h>

#include "fake_clock.h"
#include "scanner/rate_limiter.h"

using portauth::scanner::RateLimiter;

TEST(RateLimiter, HoldsTheRateOverASecond) {
  portauth::test::FakeClock clock;
  RateLimiter limiter(10000, clock.now);
  uint64_t sent = 0;
  const uint64_t end = clock.now + 1'000'000'000;
  while (clock.now < end) {
    const uint64_t g = limiter.grant(clock.now, 10);
    sent += g;
    if (g < 10) clock.sleep_until_ns(limiter.next_ns(clock.now));
  }
  EXPECT_GE(sent, 9990u);
  EXPECT_LE(sent, 10000u + uint64_t(limiter.burst()) + 10);
}

TEST(RateLimiter, AStallIsNotFollowedByAnUnboundedBurst) {
  portauth::test::FakeClock clock;
  RateLimiter limiter(100000, clock.now);
  clock.now += 5'000'000'000;  // the sender was descheduled for 5 s
  const uint64_t g = limiter.grant(clock.now, 1'000'000);
  EXPECT_LE(g, uint64_t(limiter.burst()));
  EXPECT_EQ(limiter.burst(), 200.0);  // 2 ms at 100 kpps
  EXPECT_EQ(limiter.grant(clock.now, 1), 0u);
  EXPECT_GT(limiter.next_ns(clock.now), clock.now);
}

TEST(RateLimiter, VeryLowRatesStillSend) {
  portauth::test::FakeClock clock;
  RateLimiter limiter(2, clock.now);
  uint64_t sent = limiter.grant(clock.now, 5);
  for (int i = 0; i < 10; ++i) {
    clock.sleep_until_ns(limiter.next_ns(clock.now));
    sent += limiter.grant(clock.now, 5);
  }
  EXPECT_EQ(sent, 11u);
  EXPECT_NEAR(double(clock.now - 1'000'000'000) / 1e9, 5.0, 0.01);
}
