// --summary-json (app/summary_json.h): completeness and the drop warning, on fixed summaries.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "output/report.h"
#include "report/summary_json.h"

using namespace portauth;

TEST(SummaryJson, CompleteOnlyWithoutDropsInterruptsOrSendErrors) {
  output::ScanSummary s;
  s.open = 18;
  s.probed = 65536;
  s.source_ip = "198.18.0.1";
  s.interface = "veth-scan";
  auto j = report::summary_json("", s, 1 << 25, {});
  EXPECT_EQ(j["summary"], 1);
  EXPECT_TRUE(j["scan"].is_null());
  EXPECT_EQ(j["complete"], true);
  EXPECT_TRUE(j["incomplete"].empty());
  EXPECT_EQ(j["pcap"]["buffer_bytes"], 1 << 25);

  s.pcap_dropped = 310;
  j = report::summary_json("web", s, 65536, {report::pcap_drop_warning(310, 65536)});
  EXPECT_EQ(j["scan"], "web");
  EXPECT_EQ(j["complete"], false);
  EXPECT_EQ(j["incomplete"], nlohmann::ordered_json::array({"pcap-drops"}));
  EXPECT_EQ(j["pcap"]["dropped"], 310);
  const std::string w = j["warnings"][0];
  EXPECT_NE(w.find("lower --rate"), std::string::npos) << w;
  EXPECT_NE(w.find("--pcap-buffer, now 65536 bytes"), std::string::npos) << w;

  s.interrupted = true;
  s.send_errors = 2;
  j = report::summary_json("", s, 65536, {});
  EXPECT_EQ(j["incomplete"], nlohmann::ordered_json::array({"interrupted", "pcap-drops", "send-errors"}));
}

TEST(SummaryJson, FileHasOneLinePerScan) {
  const std::string path = ::testing::TempDir() + "summary_json_test.jsonl";
  {
    report::SummaryJsonFile f(path);
    f.write(report::summary_json("a", {}, 0, {}));
    f.write_setup_error("b", "cannot capture on 'eth9': no such interface");
  }
  std::ifstream in(path);
  std::string l1, l2, l3;
  ASSERT_TRUE(std::getline(in, l1) && std::getline(in, l2));
  EXPECT_FALSE(std::getline(in, l3));
  EXPECT_EQ(nlohmann::json::parse(l1)["scan"], "a");
  const auto e = nlohmann::json::parse(l2);
  EXPECT_EQ(e["complete"], false);
  EXPECT_EQ(e["incomplete"][0], "setup-error");
  EXPECT_EQ(e["error"], "cannot capture on 'eth9': no such interface");
  std::remove(path.c_str());
  EXPECT_THROW(report::SummaryJsonFile("/nonexistent-dir/x.jsonl"), std::runtime_error);
}

TEST(SummaryJson, CarriesWhatTheRateControllerDid) {
  output::ScanSummary s;
  auto j = report::summary_json("", s, 1 << 25, {});
  EXPECT_EQ(j["rate"]["mode"], "fixed");
  s.adaptive = true;
  s.rate_min = 10000;
  s.rate_max = 160000;
  s.rate_final = 2200;
  s.rate_backoffs = 3;
  s.rate_held_by = "held by 198.18.1.220's answers";
  s.rtt_p50_ms = 0.25;
  s.rtt_p99_ms = 2;
  s.extra_passes = 1;
  j = report::summary_json("", s, 1 << 25, {});
  EXPECT_EQ(j["rate"]["mode"], "closed-loop");
  EXPECT_EQ(j["rate"]["min"], 10000);
  EXPECT_EQ(j["rate"]["max"], 160000);
  EXPECT_EQ(j["rate"]["final"], 2200);
  EXPECT_EQ(j["rate"]["backoffs"], 3);
  EXPECT_EQ(j["rate"]["held_by"], "held by 198.18.1.220's answers");
  EXPECT_EQ(j["rate"]["rtt_ms"]["p99"], 2);
  EXPECT_EQ(j["rate"]["extra_passes"], 1);
  const std::string line = output::rate_summary_line(s);
  EXPECT_EQ(line,
            "rate: the controller allowed 10,000 to 160,000 SYNs a second and ended at 2,200, held by "
            "198.18.1.220's answers (it backed off 3 times); round trip 0.25 ms median, 2 ms 99th percentile; 1 more "
            "retry pass than --retries asked, because retries kept finding answers");
  s.adaptive = false;
  EXPECT_EQ(output::rate_summary_line(s), "");
}

// Issue 19.14: "in 0.76 s (121977 pps)" for 65,536 ports and "rate 50000-10000000 pps, ended at
// 10000000" said neither what the number counts nor why the rate was what it was.
TEST(SummaryLines, SayWhatEachNumberCountsAndWhatHeldTheRate) {
  output::ScanSummary s;
  s.open = 18;
  s.closed = 65436;
  s.stealth = 82;
  s.probed = 65536;
  s.packets_sent = 65536;
  s.passes = 1;
  s.seconds = 0.76;
  s.pps = 121977;
  EXPECT_EQ(output::summary_line(s), "18 open, 65436 closed, 82 stealth of 65536 ports probed in 0.76 s (86,232 ports/s)");
  EXPECT_EQ(output::send_line(s),
            "sent: 65,536 SYNs (1 pass, 121,977 a second while sending; the waits for late replies not counted)");
  s.adaptive = true;
  s.rate_min = 50000;
  s.rate_max = s.rate_final = s.rate_ceiling = 1e7;
  s.rate_ceiling_is_max = true;
  EXPECT_EQ(output::rate_summary_line(s),
            "rate: the controller allowed 50,000 to 10,000,000 SYNs a second; nothing held it back, so the SYNs "
            "went out as fast as this machine sent them");
  s.rate_ceiling = 2e7;
  s.rate_ceiling_is_max = false;
  EXPECT_NE(output::rate_summary_line(s).find("still ramping up"), std::string::npos);
  s.rate_ceiling = 1e7;
  EXPECT_NE(output::rate_summary_line(s).find("below the --rate ceiling"), std::string::npos);
  auto j = report::summary_json("", s, 1 << 25, {});
  EXPECT_NEAR(j["ports_per_second"].get<double>(), 65536 / 0.76, 1);
  EXPECT_EQ(j["pps"], 121977);  // kept: SYNs a second while sending
  EXPECT_EQ(j["rate"]["ceiling"], 1e7);
}

// Issue 19.0: a scan that stopped while its retries still found answers said "complete": true.
TEST(SummaryJson, RetriesStillAnsweringMakeTheScanIncompleteWithAWarning) {
  output::ScanSummary s;
  s.stealth = 540;
  s.passes = 27;
  s.adaptive = true;
  s.rate_final = 391;
  EXPECT_EQ(output::retries_warning(s), "");
  EXPECT_EQ(report::summary_json("", s, 0, {})["last_retry_answers"], 0);
  s.last_retry_answers = 15;
  const std::string w = output::retries_warning(s);
  EXPECT_EQ(w,
            "the last retry pass (pass 27) still found 15 answers, so up to 540 of the ports reported stealth may be "
            "open or closed; to get them right, scan again with a lower --rate (e.g. --rate 195) or more retries "
            "(--retries 29)");
  const auto j = report::summary_json("", s, 0, {w});
  EXPECT_EQ(j["complete"], false);
  EXPECT_EQ(j["incomplete"], nlohmann::ordered_json::array({"retries-still-answering"}));
  EXPECT_EQ(j["last_retry_answers"], 15);
  EXPECT_EQ(j["warnings"][0], w);
}

TEST(SummaryJson, ServicesOnlyWithServiceScan) {
  output::ScanSummary s;
  EXPECT_FALSE(report::summary_json("", s, 0, {}).contains("services"));
  s.service_scan = true;
  s.services_identified = 19;
  s.services_silent = 1;
  s.services_tcpwrapped = 1;
  s.service_connections = 26;
  s.service_extra_seconds = 9.5;
  s.services_not_tried = 65533;  // a SYN proxy's SYN-ACKs that reach no service
  const auto j = report::summary_json("", s, 0, {});
  EXPECT_EQ(j["services"]["identified"], 19);
  EXPECT_EQ(j["services"]["silent"], 1);
  EXPECT_EQ(j["services"]["tcpwrapped"], 1);
  EXPECT_EQ(j["services"]["unfinished"], 0);
  EXPECT_EQ(j["services"]["connections"], 26);
  EXPECT_EQ(j["services"]["seconds_after_scan"], 9.5);
  EXPECT_EQ(j["services"]["not_tried"], 65533);
}
