// UDP ports in every writer: nmap's UDP states and reasons, TCP before UDP within a host, a
// second scaninfo, extraports grouped by reason and protocol (as nmap's output.cc does), the
// protocol in grepable, CSV, JSONL and text, an open port's reply facts in JSONL and text.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "fixtures.h"
#include "output/csv_writer.h"
#include "output/grepable_writer.h"
#include "output/jsonl_writer.h"
#include "output/text_writer.h"
#include "output/xml_writer.h"

namespace portauth::output {
namespace {

using namespace testing;
using config::Proto;

bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

ScanResult udp(uint16_t port, Reason r, uint8_t ttl = 64) { return {kHostA, port, r, ttl, Proto::kUdp}; }

// Host A over TCP 22, 53 and UDP 53 (open), 123 (open), 161 (closed), 514 (admin-prohibited),
// 69 (silent), and 30 more UDP ports silent (summed up as open|filtered).
std::vector<Delivered> mixed_scan(size_t silent = 30) {
  static const Annotation dns{"domain", "Domain Name System over UDP", "high", ""};
  static const Annotation none{};
  std::vector<Delivered> out = {
      {udp(53, Reason::kUdpResponse), &dns},  {{kHostA, 22, Reason::kSynAck, 64}, &annotation(22)},
      {{kHostA, 53, Reason::kRst, 64}, &none}, {udp(123, Reason::kUdpResponse), &none},
      {udp(161, Reason::kIcmpPortUnreach), &none}, {udp(514, Reason::kIcmpAdminProhibited), &none},
      {udp(69, Reason::kNoResponse, 0), &none},
  };
  for (uint16_t p = 40000; p < 40000 + silent; ++p) out.push_back({udp(p, Reason::kNoResponse, 0), &none});
  return out;
}

ScanInfo mixed_info(size_t silent = 30) {
  ScanInfo info = small_info();
  info.command_line = "portauth scan 198.18.0.2 -sS -sU -p T:22,53,U:53,69,123,161,514,40000-40029";
  info.ports = {22, 53};
  info.udp_ports = {53, 69, 123, 161, 514};
  for (uint16_t p = 40000; p < 40000 + silent; ++p) info.udp_ports.push_back(p);
  info.address_count = 1;
  return info;
}

TEST(UdpOutputs, XmlFollowsNmapSU) {
  use_utc();
  const std::string out = run_writer<XmlWriter>(mixed_info(), mixed_scan(), small_summary());
  EXPECT_TRUE(contains(out, "<scaninfo type=\"syn\" protocol=\"tcp\" numservices=\"2\" services=\"22,53\"/>\n"
                            "<scaninfo type=\"udp\" protocol=\"udp\" numservices=\"35\" "
                            "services=\"53,69,123,161,514,40000-40029\"/>\n"))
      << out;
  EXPECT_TRUE(contains(out, "<extraports state=\"open|filtered\" count=\"31\">\n<extrareasons reason=\"no-response\" "
                            "count=\"31\" proto=\"udp\" ports=\"69,40000-40029\"/>\n</extraports>\n"))
      << out;
  const char* in_order[] = {
      "<port protocol=\"tcp\" portid=\"22\"><state state=\"open\" reason=\"syn-ack\"",
      "<port protocol=\"tcp\" portid=\"53\"><state state=\"closed\" reason=\"reset\"",
      "<port protocol=\"udp\" portid=\"53\"><state state=\"open\" reason=\"udp-response\" reason_ttl=\"64\"/>"
      "<service name=\"domain\"",
      "<port protocol=\"udp\" portid=\"123\"><state state=\"open\" reason=\"udp-response\"",
      "<port protocol=\"udp\" portid=\"161\"><state state=\"closed\" reason=\"port-unreach\"",
      "<port protocol=\"udp\" portid=\"514\"><state state=\"filtered\" reason=\"admin-prohibited\"",
  };
  size_t at = 0;
  for (const char* w : in_order) {
    const size_t found = out.find(w, at);
    ASSERT_NE(found, std::string::npos) << "missing or out of order: " << w << "\nin:\n" << out;
    at = found;
  }
  if (std::filesystem::exists(PORTAUTH_NMAP_DTD) && std::system("command -v xmllint >/dev/null 2>&1") == 0) {
    const auto path = std::filesystem::temp_directory_path() / ("portauth-udp-xml-" + std::to_string(getpid()) + ".xml");
    std::ofstream(path) << out;
    EXPECT_EQ(std::system(("xmllint --noout --dtdvalid " PORTAUTH_NMAP_DTD " " + path.string()).c_str()), 0) << out;
    std::filesystem::remove(path);
  }
}

TEST(UdpOutputs, GrepableCsvJsonlAndTextSayTheProtocol) {
  use_utc();
  const std::string g = run_writer<GrepableWriter>(mixed_info(), mixed_scan(), small_summary());
  EXPECT_TRUE(contains(g, "Ports: 22/open/tcp//ssh///, 53/closed/tcp/////, 53/open/udp//domain///, "
                          "123/open/udp/////, 161/closed/udp/////, 514/filtered/udp/////\tIgnored State: "
                          "open|filtered (31)"))
      << g;
  const std::string c = run_writer<CsvWriter>(mixed_info(), mixed_scan(2), small_summary());
  EXPECT_TRUE(contains(c, "\n198.18.0.2,53,udp,open,udp-response,64,domain,Domain Name System over UDP,high,\n")) << c;
  EXPECT_TRUE(contains(c, "\n198.18.0.2,69,udp,open|filtered,no-response,,,,,\n")) << c;
  EXPECT_TRUE(contains(c, "\n198.18.0.2,514,udp,filtered,icmp-admin-prohibited,64,,,,\n")) << c;
  EXPECT_TRUE(contains(c, "\n198.18.0.2,53,tcp,closed,rst,64,,,,\n")) << c;
  const std::string t = run_writer<TextWriter>(mixed_info(), mixed_scan(0), small_summary());
  EXPECT_LT(t.find("53/tcp"), t.find("53/udp"));  // a host's TCP ports, then its UDP ports
  EXPECT_TRUE(contains(t, "161/udp   closed   icmp-port-unreach")) << t;
}

TEST(UdpOutputs, ReplyFactsInJsonlAndText) {
  auto reply = std::make_shared<probe::ReplyFacts>();
  probe::ReplyFacts& f = *reply;
  f.protocol = "NTP";
  f.summary = "NTP answered: server mode, stratum 8, version 4";
  f.reply_bytes = f.probe_bytes = 48;
  f.amplification = 1.0;
  const Annotation none;
  const std::string line = jsonl_line(udp(123, Reason::kUdpResponse), none, PortFacts{nullptr, reply, nullptr});
  EXPECT_EQ(line,
            "{\"ip\":\"198.18.0.2\",\"port\":123,\"proto\":\"udp\",\"state\":\"open\",\"reason\":\"udp-response\","
            "\"ttl\":64,\"service\":null,\"purpose\":null,\"risk\":null,\"reply\":\"NTP answered: server mode, "
            "stratum 8, version 4\",\"reply_bytes\":48,\"probe_bytes\":48,\"amplification\":1.0,\"reply_risk\":null}");
  // A TCP line is what it always was: no reply fields.
  EXPECT_EQ(jsonl_line({kHostA, 22, Reason::kSynAck, 64}, none),
            "{\"ip\":\"198.18.0.2\",\"port\":22,\"proto\":\"tcp\",\"state\":\"open\",\"reason\":\"syn-ack\","
            "\"ttl\":64,\"service\":null,\"purpose\":null,\"risk\":null}");
  EXPECT_TRUE(contains(jsonl_line(udp(69, Reason::kNoResponse, 0), none),
                       "\"port\":69,\"proto\":\"udp\",\"state\":\"open|filtered\",\"reason\":\"no-response\","
                       "\"ttl\":null,"));
  char* buf = nullptr;
  size_t len = 0;
  std::FILE* out = open_memstream(&buf, &len);
  {
    TextWriter w(out);
    w.begin(mixed_info());
    w.result(udp(123, Reason::kUdpResponse), none, PortFacts{nullptr, reply, nullptr});
    w.finish(small_summary());
  }
  std::fclose(out);
  const std::string text(buf, len);
  std::free(buf);
  EXPECT_TRUE(contains(text, "123/udp   open     udp-response           64   unknown          \n  | NTP answered: "
                             "server mode, stratum 8, version 4\n"))
      << text;
}

}  // namespace
}  // namespace portauth::output
