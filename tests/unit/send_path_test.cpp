// --send-mode's decision (scanner/send_path.h): auto takes a link-layer path (xdp, then ring) when the link and the next
// hops allow it and says why it falls back to raw otherwise; an explicit ring or xdp that
// cannot serve the plan is a setup error naming the reason and the way out.
#include <gtest/gtest.h>

#include "common/setup_error.h"
#include "scanner/send_path.h"

using namespace portauth;
using config::SendMode;
using scanner::PathFacts;

namespace {

PathFacts ethernet_v4() {
  PathFacts f;
  f.interface = "veth-scan";
  f.has_v4 = true;
  f.hop_v4 = "next hop 198.18.0.2 (02:70:61:00:00:02)";
  return f;
}

}  // namespace

TEST(SendPath, AutoTakesALinkLayerPathOnEthernetWithOneNextHop) {
  const auto c = scanner::choose_path(SendMode::kAuto, ethernet_v4());
  EXPECT_EQ(c.mode, scanner::kAutoOrder[0]);
  EXPECT_EQ(scanner::kAutoOrder[0], SendMode::kXdp);  // fastest first (bench/README.md)
  EXPECT_EQ(scanner::kAutoOrder[1], SendMode::kRing);
  EXPECT_NE(c.reason.find("198.18.0.2"), std::string::npos) << c.reason;
  EXPECT_EQ(c.reason.rfind("auto: ", 0), 0u) << c.reason;
}

TEST(SendPath, AutoNeedsEveryFamilysHop) {
  PathFacts f = ethernet_v4();
  f.has_v6 = true;
  f.hop_v6 = "on-link 2001:2::2 (02:70:61:00:00:02)";
  auto c = scanner::choose_path(SendMode::kAuto, f);
  EXPECT_EQ(c.mode, SendMode::kXdp);
  EXPECT_NE(c.reason.find("2001:2::2"), std::string::npos) << c.reason;
  f.hop_problem_v6 = "no neighbour entry for next hop 2001:2::2 on veth-scan";
  c = scanner::choose_path(SendMode::kAuto, f);
  EXPECT_EQ(c.mode, SendMode::kRaw);
  EXPECT_EQ(c.reason, "auto: no neighbour entry for next hop 2001:2::2 on veth-scan");
}

TEST(SendPath, AutoFallsBackToRawAndSaysWhy) {
  PathFacts f = ethernet_v4();
  f.link_problem = "lo is the loopback interface (no next hop to send frames to)";
  auto c = scanner::choose_path(SendMode::kAuto, f);
  EXPECT_EQ(c.mode, SendMode::kRaw);
  EXPECT_EQ(c.reason, "auto: " + f.link_problem);
  f = ethernet_v4();
  f.hop_problem_v4 = "2 targets on the local link of veth-scan (each has its own MAC; frames go to one next hop)";
  c = scanner::choose_path(SendMode::kAuto, f);
  EXPECT_EQ(c.mode, SendMode::kRaw);
  EXPECT_NE(c.reason.find("2 targets on the local link"), std::string::npos);
  // A family the plan does not scan does not matter.
  f = ethernet_v4();
  f.hop_problem_v6 = "no route to 2001:2::2";
  EXPECT_EQ(scanner::choose_path(SendMode::kAuto, f).mode, SendMode::kXdp);
}

TEST(SendPath, ExplicitModes) {
  EXPECT_EQ(scanner::choose_path(SendMode::kRaw, PathFacts{}).mode, SendMode::kRaw);
  EXPECT_EQ(scanner::choose_path(SendMode::kXdp, ethernet_v4()).mode, SendMode::kXdp);
  PathFacts f = ethernet_v4();
  f.link_problem = "wg0 has no link layer (a tun or WireGuard interface takes IP packets, not frames)";
  for (SendMode m : {SendMode::kRing, SendMode::kXdp}) {
    try {
      scanner::choose_path(m, f);
      FAIL() << "no error for " << config::send_mode_name(m);
    } catch (const common::SetupError& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find(std::string("--send-mode ") + config::send_mode_name(m) + " cannot serve"), std::string::npos)
          << what;
      EXPECT_NE(what.find("wg0 has no link layer"), std::string::npos) << what;
      EXPECT_NE(what.find("--send-mode raw"), std::string::npos) << what;
    }
  }
}
