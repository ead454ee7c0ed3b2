#include "output/xml_writer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "fixtures.h"
#include "output/nmap_view.h"
#include "output/xml_escape.h"

namespace portauth::output {
namespace {

using namespace testing;

bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

TEST(XmlWriter, NmapRunHeader) {
  use_utc();
  const std::string out = run_writer<XmlWriter>(small_info(), small_scan(), small_summary());
  EXPECT_EQ(out.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE nmaprun>\n<!-- portauth ", 0), 0u) << out;
  // A comment may not hold "--": written as nmap does.
  EXPECT_TRUE(contains(out, "as: portauth scan 198.18.0.2-3 -p 22,23,80,111,113,7000 -&#45;allow 198.18.0.0/15 -oX "
                            "a&amp;b.xml -->\n"))
      << out;
  EXPECT_TRUE(contains(out, "<nmaprun scanner=\"nmap\" args=\"portauth scan 198.18.0.2-3 -p 22,23,80,111,113,7000 "
                            "--allow 198.18.0.0/15 -oX a&amp;b.xml\" start=\"1795924832\" startstr=\"Sun Nov 29 "
                            "04:00:32 2026\" version=\"" +
                                std::string(portauth_version()) + "\" xmloutputversion=\"1.05\">\n"))
      << out;
  EXPECT_TRUE(contains(out, "<scaninfo type=\"syn\" protocol=\"tcp\" numservices=\"6\" "
                            "services=\"22-23,80,111,113,7000\"/>\n<verbose level=\"0\"/>\n<debugging level=\"0\"/>\n"));
}

TEST(XmlWriter, PortsWithNmapStatesAndReasons) {
  use_utc();
  const std::string out = run_writer<XmlWriter>(small_info(), small_scan(), small_summary());
  const char* want[] = {
      "<host starttime=\"1795924832\" endtime=\"1795924834\"><status state=\"up\" reason=\"user-set\" "
      "reason_ttl=\"0\"/>\n<address addr=\"198.18.0.2\" addrtype=\"ipv4\"/>\n<hostnames>\n</hostnames>\n<ports>"
      "<port protocol=\"tcp\" portid=\"22\"><state state=\"open\" reason=\"syn-ack\" reason_ttl=\"64\"/><service "
      "name=\"ssh\" method=\"table\" conf=\"3\"/></port>\n",
      "<port protocol=\"tcp\" portid=\"23\"><state state=\"filtered\" reason=\"no-response\" reason_ttl=\"0\"/>",
      "<port protocol=\"tcp\" portid=\"111\"><state state=\"filtered\" reason=\"port-unreach\" reason_ttl=\"64\"/>",
      "<port protocol=\"tcp\" portid=\"113\"><state state=\"closed\" reason=\"reset\" reason_ttl=\"64\"/>",
      "<port protocol=\"tcp\" portid=\"7000\"><state state=\"filtered\" reason=\"net-unreach\" reason_ttl=\"64\"/>"
      "<service name=\"unknown\" method=\"table\" conf=\"3\"/></port>\n</ports>\n</host>\n",
      "<address addr=\"198.18.0.3\" addrtype=\"ipv4\"/>",
      "<port protocol=\"tcp\" portid=\"80\"><state state=\"open\" reason=\"syn-ack\" reason_ttl=\"63\"/>",
      "<runstats><finished time=\"1795924834\" timestr=\"Sun Nov 29 04:00:34 2026\" summary=\"portauth done at Sun "
      "Nov 29 04:00:34 2026; 2 IP addresses (2 hosts up) scanned in 1.53 seconds\" elapsed=\"1.53\" "
      "exit=\"success\"/><hosts up=\"2\" down=\"0\" total=\"2\"/>\n</runstats>\n</nmaprun>\n",
  };
  for (const char* w : want) EXPECT_TRUE(contains(out, w)) << "missing: " << w << "\nin:\n" << out;
  EXPECT_LT(out.find("198.18.0.2\""), out.find("198.18.0.3\""));  // hosts in address order
}

TEST(XmlWriter, ManyPortsOfAStateBecomeExtraports) {
  use_utc();
  std::vector<Delivered> rs;
  for (uint16_t p = 1000; p < 1030; ++p) rs.push_back({{kHostA, p, probe::Reason::kRst, 64}, &annotation(p)});
  rs.push_back({{kHostA, 22, probe::Reason::kSynAck, 64}, &annotation(22)});
  const std::string out = run_writer<XmlWriter>(small_info(), rs, small_summary());
  EXPECT_TRUE(contains(out, "<ports><extraports state=\"closed\" count=\"30\">\n<extrareasons reason=\"reset\" "
                            "count=\"30\" proto=\"tcp\" ports=\"1000-1029\"/>\n</extraports>\n<port protocol=\"tcp\" "
                            "portid=\"22\">"))
      << out;
}

TEST(XmlWriter, InterruptedScanSaysSo) {
  ScanSummary s = small_summary();
  s.interrupted = true;
  s.not_sent = 5;
  const std::string out = run_writer<XmlWriter>(small_info(), small_scan(), s);
  EXPECT_TRUE(contains(out, "exit=\"error\" errormsg=\"interrupted: 5 probes were never sent\""));
}

TEST(XmlWriter, Escaping) {
  EXPECT_EQ(xml_escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
  EXPECT_EQ(xml_comment_escape("--x---y"), "-&#45;x-&#45;-y");
  EXPECT_EQ(xml_escape(std::string("bell\x07")), "bell ");  // not allowed in XML 1.0
}

// The real check: nmap's own DTD accepts the file (as `xmllint --dtdvalid` says).
TEST(XmlWriter, ValidatesAgainstNmapsDtd) {
  if (!std::filesystem::exists(PORTAUTH_NMAP_DTD) || std::system("command -v xmllint >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "needs xmllint and " PORTAUTH_NMAP_DTD " (apt-get install libxml2-utils nmap-common)";
  std::vector<Delivered> rs = small_scan();
  for (uint16_t p = 1000; p < 1030; ++p) rs.push_back({{kHostA, p, probe::Reason::kNoResponse, 0}, &annotation(p)});
  ScanSummary s = small_summary();
  for (bool interrupted : {false, true}) {
    s.interrupted = interrupted;
    const std::string out = run_writer<XmlWriter>(small_info(), rs, s);
    const auto path = std::filesystem::temp_directory_path() / ("portauth-xml-test-" + std::to_string(getpid()) + ".xml");
    std::ofstream(path) << out;
    const std::string cmd = "xmllint --noout --dtdvalid " PORTAUTH_NMAP_DTD " " + path.string();
    EXPECT_EQ(std::system(cmd.c_str()), 0) << out;
    std::filesystem::remove(path);
  }
}

}  // namespace
}  // namespace portauth::output
