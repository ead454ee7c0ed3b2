// The status lines around a scan (report/status_lines.h): the plan at each verbosity, and
// what was sent after it, for a live and an offline run.
#include <gtest/gtest.h>

#include "config/scan_plan.h"
#include "report/dry_run_report.h"
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
  EXPECT_EQ(lines[0], "4 packets sent from 198.18.0.1 on veth-scan in 2 passes; replies: 2 accepted, 0 duplicate, "
                      "0 rejected; pcap: 0 received, 0 dropped");
  auto offline = plan_for("198.18.0.2", "22,80");
  offline.pcap_out = "p.pcap";
  lines = report::run_lines(s, offline, "top 1000");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[1], "ports: top 1000");
  EXPECT_EQ(lines[2], "probes written to p.pcap: 4 probes generated at 1000 pps (send time 0.004 s); nothing was sent");
}

// Issue 19.8: `scan 198.18.0.2 -p 22 --dry-run` took 3 s, reported "1 stealth" and "3 packets sent
// ... on eth0", then "nothing was sent". A dry run says what it would do, and no port state.
TEST(DryRunReport, SaysWhatTheScanWouldDoAndNoPortState) {
  output::ScanSummary s;  // as the engine fills it for a dry run (engine_scan_test checks that)
  s.dry_run = true;
  s.probed = s.packets_sent = 1;
  s.passes = 1;
  s.pps = 40000;
  s.source_ip = "198.18.0.1";
  s.interface = "veth-scan";
  s.adaptive = true;
  s.rate_initial = 50000;
  s.rate_ceiling = 1e7;
  s.rate_ceiling_is_max = true;
  s.estimated_send_seconds = 2e-5;  // 1 SYN at 50,000 a second
  auto lines = report::dry_run_lines(s, plan_for("198.18.0.2", "22", true), "");
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0], "dry run: would send 1 SYN (1 address x 1 port) from 198.18.0.1 on veth-scan in 1 pass, then up "
                      "to 2 retry passes over the ports that do not answer (more while retries keep finding answers); "
                      "ports 22");
  EXPECT_EQ(lines[1], "dry run: rate: from 50,000 SYNs a second, doubling while the answers keep up, up to 10,000,000 "
                      "(--rate max); slower for hosts whose answers fall behind");
  EXPECT_EQ(lines[2], "dry run: time: under 0.01 s of sending if nothing holds the rate back, and up to 1 s of waiting "
                      "for late replies after each pass (3 round trips, at least 0.05 s)");
  EXPECT_EQ(lines[3], "dry run: would write: text to stdout (nothing is written now)");
  EXPECT_EQ(lines[4], "dry run: 1 probe generated at 40000 pps by this machine (in 0.000 s); nothing was sent");
  for (const auto& l : lines)
    for (const char* state : {"open", "closed", "stealth"}) EXPECT_EQ(l.find(state), std::string::npos) << l;
  // With --fixed-rate at 1000 a second: exact figures.
  auto fixed = plan_for("198.18.0.2", "1-1000", true);
  fixed.fixed_rate = true;
  fixed.rate = 1000;
  s.probed = s.packets_sent = 1000;
  s.adaptive = false;
  s.rate_ceiling = 1000;
  s.rate_ceiling_is_max = false;
  s.estimated_send_seconds = 1;
  lines = report::dry_run_lines(s, fixed, "");
  EXPECT_EQ(lines[1], "dry run: rate: exactly 1,000 SYNs a second (--fixed-rate)");
  EXPECT_EQ(lines[2], "dry run: time: about 1.00 s of sending, and 1 s of waiting for late replies after each pass");
  s.interface = "none";
  lines = report::dry_run_lines(s, fixed, "");
  EXPECT_NE(lines[0].find("no route to the targets from here"), std::string::npos) << lines[0];
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
  EXPECT_EQ(report::shieldsup_run_line(s), "26 SYNs and 3 pings sent from 198.18.0.1 on veth-scan in 3 passes; "
                                           "from the host: 5 packets besides 2 echo replies");
}
