// The ShieldsUP report and the TruStealth verdict as pure functions: counts and results in,
// PASSED / FAILED lines out. Also the probe report's layout and its PORT parsing.
#include <gtest/gtest.h>

#include <regex>

#include "db/port_page.h"
#include "report/probe_report.h"
#include "report/shieldsup_report.h"

using namespace portauth;
using namespace portauth::report;
using probe::Reason;

namespace {

const std::string kHost = "198.18.1.64";

output::ScanSummary summary(uint64_t open, uint64_t closed, uint64_t stealth, uint64_t frames, uint64_t pings,
                            uint64_t replies) {
  output::ScanSummary s;
  s.open = open;
  s.closed = closed;
  s.stealth = stealth;
  s.probed = open + closed + stealth;
  s.trustealth = true;
  s.frames_from_targets = frames;
  s.echo_requests = pings;
  s.echo_replies = replies;
  return s;
}

bool has_line(const std::string& text, const std::string& regex) {
  return std::regex_search(text, std::regex(regex, std::regex::multiline));
}

// The text with every run of whitespace (line breaks of the wrapping included) as one space.
std::string flat(const std::string& text) { return std::regex_replace(text, std::regex(R"(\s+)"), " "); }

db::PortPage page(uint16_t port, const std::string& name, const std::string& background, db::Risk risk) {
  db::PortPage p;
  p.port = port;
  p.listed = true;
  p.entry.first = p.entry.last = port;
  p.entry.name = name;
  p.entry.purpose = name + " protocol";
  p.entry.description = "What " + name + " is.";
  p.entry.background = background;
  p.entry.risk = risk;
  return p;
}

}  // namespace

TEST(TrustealthVerdict, PassesOnlyWhenAllThreeChecksPass) {
  const auto v = judge_trustealth(summary(0, 0, 26, 0, 3, 0), kHost);
  EXPECT_TRUE(v.all_stealth.passed);
  EXPECT_TRUE(v.unsolicited.passed);
  EXPECT_TRUE(v.ping.passed);
  EXPECT_TRUE(v.passed());
  const std::string text = format_trustealth(v);
  EXPECT_TRUE(has_line(text, R"(^All ports stealth: +PASSED  all 26 tested ports are stealth)")) << text;
  EXPECT_TRUE(has_line(text, R"(^Unsolicited packets: +PASSED  no packet of any kind came back from 198\.18\.1\.64)"));
  EXPECT_TRUE(has_line(text, R"(^Ping reply: +PASSED  no reply to 3 ICMP echo)"));
  EXPECT_TRUE(has_line(text, R"(^TruStealth: +PASSED )"));
}

TEST(TrustealthVerdict, AnOpenPortFailsTheFirstTwoChecks) {
  const auto v = judge_trustealth(summary(1, 0, 25, 4, 3, 0), kHost);
  EXPECT_FALSE(v.all_stealth.passed);
  EXPECT_FALSE(v.unsolicited.passed);
  EXPECT_TRUE(v.ping.passed);
  EXPECT_FALSE(v.passed());
  const std::string text = format_trustealth(v);
  EXPECT_TRUE(has_line(text, R"(^All ports stealth: +FAILED  1 open and 0 closed of 26 tested ports)")) << text;
  EXPECT_TRUE(has_line(text, R"(^Unsolicited packets: +FAILED  4 packets came back)"));
  EXPECT_TRUE(has_line(text, R"(^TruStealth: +FAILED  the host is visible: 2 of 3 checks failed)"));
}

TEST(TrustealthVerdict, AnsweringPingsFailsOnlyThePingCheck) {
  const auto v = judge_trustealth(summary(0, 0, 26, 0, 3, 3), kHost);
  EXPECT_TRUE(v.all_stealth.passed);
  EXPECT_TRUE(v.unsolicited.passed);
  EXPECT_FALSE(v.ping.passed);
  const std::string text = format_trustealth(v);
  EXPECT_TRUE(has_line(text, R"(^Ping reply: +FAILED  198\.18\.1\.64 answered our ICMP echo \(ping\))")) << text;
  EXPECT_NE(flat(text).find("(3 replies to 3 requests): a ping shows it is there."), std::string::npos);
  EXPECT_TRUE(has_line(text, R"(^TruStealth: +FAILED  the host is visible: 1 of 3 checks failed)"));
}

TEST(TrustealthVerdict, AStrayPacketAloneFailsTheUnsolicitedCheck) {
  const auto v = judge_trustealth(summary(0, 0, 26, 1, 3, 0), kHost);
  EXPECT_TRUE(v.all_stealth.passed);
  EXPECT_FALSE(v.unsolicited.passed);
  EXPECT_EQ(v.unsolicited.detail.rfind("1 packet came back", 0), 0u) << v.unsolicited.detail;
  EXPECT_TRUE(v.ping.passed);
}

TEST(TrustealthVerdict, NothingVerifiedIsNothingPassed) {
  // No ping could be sent: the ping check did not run, so it cannot pass.
  EXPECT_FALSE(judge_trustealth(summary(0, 0, 26, 0, 0, 0), kHost).ping.passed);
  // No port tested.
  EXPECT_FALSE(judge_trustealth(summary(0, 0, 0, 0, 3, 0), kHost).all_stealth.passed);
  // Interrupted: unanswered ports were never judged stealth.
  auto s = summary(0, 0, 0, 0, 1, 0);
  s.interrupted = true;
  s.not_sent = 20;
  const auto v = judge_trustealth(s, kHost);
  EXPECT_FALSE(v.all_stealth.passed);
  EXPECT_NE(v.all_stealth.detail.find("interrupted (20 probes were never sent)"), std::string::npos);
  // A scan that ran without the TruStealth watch vouches for neither packets nor pings.
  auto plain = summary(0, 0, 26, 0, 0, 0);
  plain.trustealth = false;
  const auto p = judge_trustealth(plain, kHost);
  EXPECT_TRUE(p.all_stealth.passed);
  EXPECT_FALSE(p.unsolicited.passed);
  EXPECT_FALSE(p.ping.passed);
}

TEST(ShieldsUpReport, CountsTableImplicationsAndVerdict) {
  ShieldsUpReport r;
  r.host = "198.18.0.2";
  r.port_set = describe_port_set({21, 23, 113});
  r.summary = summary(1, 1, 1, 2, 3, 0);
  r.ports.push_back(shieldsup_port({portauth::config::Address::v4(0xc6120002), 113, Reason::kRst, 64}, page(113, "ident", "", db::Risk::kLow)));
  r.ports.push_back(shieldsup_port({portauth::config::Address::v4(0xc6120002), 21, Reason::kSynAck, 64},
                                   page(21, "ftp", "Clear-text passwords.", db::Risk::kMedium)));
  r.ports.push_back(shieldsup_port({portauth::config::Address::v4(0xc6120002), 23, Reason::kNoResponse, 0}, page(23, "telnet", "Old.", db::Risk::kHigh)));
  const std::string text = format_shieldsup_report(r);
  EXPECT_TRUE(has_line(text, R"(^ShieldsUP report for 198\.18\.0\.2$)")) << text;
  EXPECT_TRUE(has_line(text, R"(^Ports tested: 3 ports$)"));
  EXPECT_TRUE(has_line(text, R"(^ +1 Ports Open$)"));
  EXPECT_TRUE(has_line(text, R"(^ +1 Ports Closed$)"));
  EXPECT_TRUE(has_line(text, R"(^ +1 Ports Stealth$)"));
  EXPECT_TRUE(has_line(text, R"(^ +3 Ports Tested$)"));
  // Table rows sorted by port, every port listed (few of them).
  const auto p21 = text.find("21/tcp     open     syn-ack"), p23 = text.find("23/tcp     stealth  no-response");
  const auto p113 = text.find("113/tcp    closed   rst");
  ASSERT_NE(p21, std::string::npos) << text;
  ASSERT_NE(p23, std::string::npos);
  ASSERT_NE(p113, std::string::npos);
  EXPECT_LT(p21, p23);
  EXPECT_LT(p23, p113);
  // Implications: open and closed ports only; background, else description; the risk.
  EXPECT_TRUE(has_line(text, R"(^21/tcp open \(syn-ack\), risk medium: ftp - ftp protocol$)"));
  EXPECT_TRUE(has_line(text, R"(^  Clear-text passwords\.$)"));
  EXPECT_TRUE(has_line(text, R"(^113/tcp closed \(rst\), risk low: ident - ident protocol$)"));
  EXPECT_TRUE(has_line(text, R"(^  What ident is\.$)"));
  EXPECT_EQ(text.find("23/tcp stealth"), std::string::npos);
  EXPECT_TRUE(has_line(text, R"(^TruStealth: +FAILED )"));
}

TEST(ShieldsUpReport, ManyPortsListStealthOnesAsRanges) {
  ShieldsUpReport r;
  r.host = "h";
  r.summary = summary(1, 0, 1055, 1, 1, 0);
  for (uint16_t port = 0; port <= 1055; ++port) {
    const Reason reason = port == 80 ? Reason::kSynAck : Reason::kNoResponse;
    r.ports.push_back(shieldsup_port({portauth::config::Address::v4(1), port, reason, 64}, page(port, "p" + std::to_string(port), "", db::Risk::kUnknown)));
  }
  r.port_set = describe_port_set([] {
    std::vector<uint16_t> v;
    for (uint16_t p = 0; p <= 1055; ++p) v.push_back(p);
    return v;
  }());
  const std::string text = format_shieldsup_report(r);
  EXPECT_TRUE(has_line(text, R"(^Ports tested: service \(all service ports, 0-1055\)$)")) << text;
  EXPECT_TRUE(has_line(text, R"(^Stealth \(1055\): 0-79, 81-1055$)")) << text;
  EXPECT_NE(text.find("80/tcp     open"), std::string::npos);
  EXPECT_EQ(text.find("81/tcp"), std::string::npos);
  EXPECT_TRUE(has_line(text, R"(^80/tcp open \(syn-ack\), risk not rated: p80 - p80 protocol$)"));
}

TEST(ShieldsUpReport, AllStealthSaysNothingAnswered) {
  ShieldsUpReport r;
  r.host = "h";
  r.port_set = describe_port_set({0, 21, 22, 23, 25, 79, 80, 110, 113, 119, 135, 139, 143, 389, 443, 445, 1002, 1024,
                                  1025, 1026, 1027, 1028, 1029, 1030, 1720, 5000});
  r.summary = summary(0, 0, 26, 0, 3, 0);
  const std::string text = format_shieldsup_report(r);
  EXPECT_TRUE(has_line(text, R"(^Ports tested: common \(ShieldsUP's 26 common ports\)$)")) << text;
  EXPECT_TRUE(has_line(text, R"(^No tested port answered)"));
  EXPECT_TRUE(has_line(text, R"(^TruStealth: +PASSED )"));
}

TEST(ProbeReport, StateReasonTtlMeaningThenThePage) {
  const auto pg = page(22, "ssh", "Keys, not passwords.", db::Risk::kMedium);
  const std::string open =
      format_probe_report("198.18.0.2", probe::ScanResult{portauth::config::Address::v4(0xc6120002), 22, Reason::kSynAck, 64}, 22, 1, pg);
  EXPECT_TRUE(has_line(open, R"(^Host: +198\.18\.0\.2$)")) << open;
  EXPECT_TRUE(has_line(open, R"(^Port: +22/tcp \(ssh\)$)"));
  EXPECT_TRUE(has_line(open, R"(^State: +open$)"));
  EXPECT_TRUE(has_line(open, R"(^Reason: +syn-ack$)"));
  EXPECT_TRUE(has_line(open, R"(^TTL: +64$)"));
  EXPECT_TRUE(has_line(open, R"(^Probes: +1 SYN sent$)"));
  EXPECT_TRUE(has_line(open, R"(^Open: a service at this address accepts connections)"));
  EXPECT_TRUE(has_line(open, R"(^Port 22/tcp: ssh$)"));
  EXPECT_TRUE(has_line(open, R"(^  Keys, not passwords\.$)"));

  const std::string stealth =
      format_probe_report("h (1.2.3.4)", probe::ScanResult{portauth::config::Address::v4(0x01020304), 22, Reason::kNoResponse, 0}, 22, 3, pg);
  EXPECT_TRUE(has_line(stealth, R"(^State: +stealth$)"));
  EXPECT_TRUE(has_line(stealth, R"(^TTL: +- \(nothing came back\)$)"));
  EXPECT_TRUE(has_line(stealth, R"(^Probes: +3 SYNs sent$)"));
  EXPECT_NE(flat(stealth).find("There is no evidence that anything exists at this address."), std::string::npos);

  const std::string closed =
      format_probe_report("h", probe::ScanResult{portauth::config::Address::v4(0x01020304), 22, Reason::kIcmpAdminProhibited, 63}, 22, 1, pg);
  EXPECT_TRUE(has_line(closed, R"(^State: +closed$)"));
  EXPECT_TRUE(has_line(closed, R"(^Reason: +icmp-admin-prohibited$)"));
  EXPECT_NE(flat(closed).find("so the host answered: it exists"), std::string::npos);

  const std::string never = format_probe_report("h", std::nullopt, 22, 0, pg);
  EXPECT_TRUE(has_line(never, R"(^State: +unknown$)"));
}

TEST(ProbeReport, PortMustBeOneDecimalNumber) {
  EXPECT_EQ(parse_single_port("0"), uint16_t{0});
  EXPECT_EQ(parse_single_port("65535"), uint16_t{65535});
  EXPECT_EQ(parse_single_port("00022"), uint16_t{22});
  for (const char* bad : {"", "65536", "-1", "abc", "22,80", "1-5", "+22", " 22", "123456"})
    EXPECT_FALSE(parse_single_port(bad).has_value()) << bad;
}

// A host that answers every port: the report leads with the verdict, lists only the port that
// reaches a service, and does not explain the proxy's answers as services.
TEST(ShieldsUpReport, AHostThatLiesLeadsWithItsVerdict) {
  ShieldsUpReport r;
  r.host = "198.18.2.10";
  r.port_set = describe_port_set({21, 22, 23});
  r.summary = summary(3, 0, 0, 3, 3, 0);
  verdict::HostVerdict v;
  v.addr = portauth::config::Address::v4(0xc612020a);
  v.kind = verdict::VerdictKind::kSynProxy;
  v.evidence = {{"window", int64_t(0), "window 0"}, {"syn_cookies", true, "SYN cookies"}};
  v.open_ports = 3;
  v.service_ports = {22};
  v.services_checked = true;
  r.summary.host_verdicts = {v};
  for (uint16_t port : {uint16_t(21), uint16_t(22), uint16_t(23)})
    r.ports.push_back(shieldsup_port({v.addr, port, Reason::kSynAck, 63}, page(port, "p" + std::to_string(port), "", db::Risk::kHigh)));
  const std::string text = format_shieldsup_report(r);
  // Wrapped at the report's 78 columns, the rest indented under the verdict.
  EXPECT_NE(text.find("VERDICT: syn-proxy: answers on every port: SYN proxy (window 0, SYN cookies);\n"
                      "         1 port reaches a service: 22\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("22/tcp     open"), std::string::npos);
  EXPECT_EQ(text.find("21/tcp     open"), std::string::npos);
  EXPECT_TRUE(has_line(text, R"(^\(2 open ports not listed: SYN-ACKs of a host that answers for ports it does not serve\)$)"));
  EXPECT_EQ(text.find("21/tcp open (syn-ack)"), std::string::npos);  // no implications for the proxy's answers
  EXPECT_TRUE(has_line(text, R"(^22/tcp open \(syn-ack\), risk high: p22 - p22 protocol$)"));
}
