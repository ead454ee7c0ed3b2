// The status lines around a scan (report/status_lines.h): the plan at each verbosity, and
// what was sent after it, for a live and an offline run.
#include <gtest/gtest.h>

#include "config/scan_plan.h"
#include "report/status_lines.h"

using namespace portauth;

namespace {

config::ScanPlan plan_for(const std::string& target, const std::string& ports, bool dry_run = false) {
  config::ScanOptions o;
  o.targets = {target};
  o.ports = ports;
  o.dry_run = dry_run;
  return config::build_scan_plan(o);
}

}  // namespace

TEST(StatusLines, PlanWarningsAlwaysThePlanWithVerbose) {
  config::ScanPlan plan = plan_for("198.18.0.2", "22,80");
  plan.warnings = {"something to know"};
  plan.notices = {"something noted"};
  auto lines = report::plan_lines(plan, 0, "scan 'web': ", "");
  EXPECT_EQ(lines, (std::vector<std::string>{"warning: scan 'web': something to know",
                                             "note: scan 'web': something noted"}));
  lines = report::plan_lines(plan, 1, "", "");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[2].rfind("plan: 1 address(es) x 2 port(s) = 2 probes; rate max pps", 0), 0u) << lines[2];
  EXPECT_NE(lines[2].find("ports 22,80"), std::string::npos) << lines[2];
  lines = report::plan_lines(plan, 2, "", "the default set");
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_NE(lines[2].find("ports the default set"), std::string::npos) << lines[2];
  EXPECT_EQ(lines[3].rfind("plan details: targets 198.18.0.2; seed ", 0), 0u) << lines[3];
}

TEST(StatusLines, RunLinesSayWhatWasSentOrThatNothingWas) {
  output::ScanSummary s;
  s.packets_sent = 4;
  s.passes = 2;
  s.source_ip = "198.18.0.1";
  s.interface = "veth-scan";
  s.replies_accepted = 2;
  s.pps = 1000;
  auto lines = report::run_lines(s, plan_for("198.18.0.2", "22,80"), "");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "4 packets sent from 198.18.0.1 on veth-scan in 2 pass(es); replies: 2 accepted, 0 duplicate, "
                      "0 rejected; pcap: 0 received, 0 dropped");
  lines = report::run_lines(s, plan_for("198.18.0.2", "22,80", true), "top 1000");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[1], "ports: top 1000");
  EXPECT_EQ(lines[2], "dry run: 4 probes generated at 1000 pps (send time 0.004 s); nothing was sent");
}

TEST(StatusLines, ShieldsUpRunLineCountsPingsAndTheHostsPackets) {
  output::ScanSummary s;
  s.packets_sent = 26;
  s.echo_requests = 3;
  s.echo_replies = 2;
  s.frames_from_targets = 5;
  s.passes = 3;
  s.source_ip = "198.18.0.1";
  s.interface = "veth-scan";
  EXPECT_EQ(report::shieldsup_run_line(s), "26 SYNs and 3 pings sent from 198.18.0.1 on veth-scan in 3 pass(es); "
                                           "from the host: 5 packet(s) besides 2 echo reply(ies)");
}
