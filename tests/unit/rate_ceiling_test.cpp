// --rate max follows the send path (scanner/rate_controller.h): when the sink, not the limiter,
// holds the probes back, the controller's rate comes down to kPathHeadroom x what the path
// delivered (not counted as a backoff), so later backoffs act on a real number; a finite --rate
// keeps its ceiling and slow start is untouched while the path keeps up.
#include <gtest/gtest.h>

#include <cmath>

#include "fake_clock.h"
#include "scanner/rate_controller.h"

using namespace portauth;
using scanner::RateController;

namespace {

// One 10 ms window in which the path delivers min(rate, path_pps) probes to 256 hosts.
void window(RateController& rc, test::FakeClock& clock, double path_pps) {
  const double pps = std::min(rc.rate(), path_pps);
  const auto n = uint64_t(pps / 100);
  for (uint64_t i = 0; i < n; ++i) rc.on_probe(config::Address::v4(0xC6130000u + uint32_t(i % 256)));
  clock.now += 10'000'000;
  rc.on_batch(clock.now, 0);
}

}  // namespace

TEST(RateCeiling, MaxFollowsTheSendPath) {
  test::FakeClock clock;
  scanner::ControllerConfig c;
  c.ceiling = INFINITY;  // --rate max
  RateController rc(clock, c);
  rc.on_pass_start(0);
  window(rc, clock, 1e9);  // 50k: the path keeps up, slow start doubles
  EXPECT_DOUBLE_EQ(rc.rate(), 100000);
  window(rc, clock, 400000);
  EXPECT_DOUBLE_EQ(rc.rate(), 200000);
  window(rc, clock, 400000);
  EXPECT_DOUBLE_EQ(rc.rate(), 400000);
  window(rc, clock, 400000);  // delivered 400k of 400k: keeps growing
  EXPECT_DOUBLE_EQ(rc.rate(), 800000);
  window(rc, clock, 400000);  // delivered 400k of 800k granted: the path is the brake
  EXPECT_NEAR(rc.rate(), 400000 * RateController::kPathHeadroom, 1);
  EXPECT_EQ(scanner::rate_note(rc.stats()), "at the send path's limit");
  EXPECT_EQ(rc.stats().backoffs.load(), 0u);
  for (int i = 0; i < 20; ++i) window(rc, clock, 400000);  // it stays within reach of the path
  EXPECT_LE(rc.rate(), 400000 * 2 * RateController::kPathHeadroom);
  EXPECT_GE(rc.rate(), 400000);
  EXPECT_EQ(rc.stats().backoffs.load(), 0u);
}

TEST(RateCeiling, AFiniteRateKeepsItsCeiling) {
  test::FakeClock clock;
  scanner::ControllerConfig c;
  c.ceiling = 800000;  // --rate 800000: the user's number, not the path's
  RateController rc(clock, c);
  rc.on_pass_start(0);
  for (int i = 0; i < 10; ++i) window(rc, clock, 400000);
  EXPECT_DOUBLE_EQ(rc.rate(), 800000);
  EXPECT_EQ(scanner::rate_note(rc.stats()), "at the --rate ceiling");
}
