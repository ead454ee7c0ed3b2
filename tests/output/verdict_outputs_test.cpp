// A host's verdict in every writer: the text, HTML and grepable reports lead with it and collapse
// the open ports that reach nothing; JSONL lines carry host_verdict; nmap XML keeps every SYN-ACK
// open and adds a hostscript that nmap's DTD accepts.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "fixtures.h"
#include "output/grepable_writer.h"
#include "output/html_writer.h"
#include "output/jsonl_writer.h"
#include "output/text_writer.h"
#include "output/xml_writer.h"

namespace portauth::output {
namespace {

using namespace testing;

// Host A is a SYN proxy whose port 22 reaches a service (80 is the proxy's answer only).
ScanSummary flagged_summary() {
  ScanSummary s = small_summary();
  verdict::HostVerdict v;
  v.addr = kHostA;
  v.kind = verdict::VerdictKind::kSynProxy;
  v.evidence = {{"window", int64_t(0), "window 0"}, {"syn_cookies", true, "SYN cookies"},
                {"reached", std::vector<uint16_t>{22}, ""}};
  v.open_ports = 2;
  v.service_ports = {22};
  v.services_checked = true;
  s.host_verdicts = {v};
  return s;
}

TEST(VerdictOutputs, TextLeadsWithTheVerdictAndCollapsesTheProxysAnswers) {
  const std::string out = run_writer<TextWriter>(small_info(), small_scan(), flagged_summary());
  EXPECT_NE(out.find("portauth scan report for 198.18.0.2\nVERDICT: syn-proxy: answers on every port: SYN proxy "
                     "(window 0, SYN cookies); 1 port reaches a service: 22\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("22/tcp    open"), std::string::npos);
  EXPECT_NE(out.find("(1 open port not listed"), std::string::npos);
  // Host B is honest: its port 80 is listed, no verdict.
  const size_t b = out.find("report for 198.18.0.3");
  ASSERT_NE(b, std::string::npos);
  EXPECT_NE(out.find("80/tcp    open", b), std::string::npos);
  EXPECT_EQ(out.find("VERDICT", b), std::string::npos);
}

TEST(VerdictOutputs, JsonlLinesOfTheHostCarryItsVerdict) {
  char* buf = nullptr;
  size_t len = 0;
  std::FILE* f = open_memstream(&buf, &len);
  {
    JsonlWriter w(f);
    w.begin(small_info());
    // The engine hands each result of a flagged host its verdict (PortFacts::host_verdict).
    const auto v = std::make_shared<const verdict::HostVerdict>(flagged_summary().host_verdicts.front());
    PortFacts of_a;
    of_a.host_verdict = v;
    w.host_verdict(*v);
    for (const auto& d : small_scan()) w.result(d.r, *d.a, d.r.addr == v->addr ? of_a : PortFacts{});
    w.canary_result({kHostA, 60001, probe::Reason::kSynAck, 64}, annotation(60001), of_a);
    w.finish(flagged_summary());
  }
  std::fclose(f);
  const std::string out(buf, len);
  std::free(buf);
  EXPECT_NE(out.find("{\"ip\":\"198.18.0.2\",\"port\":80,\"proto\":\"tcp\",\"state\":\"open\",\"reason\":\"syn-ack\","
                     "\"ttl\":64,\"service\":\"http\",\"purpose\":\"Hypertext Transfer Protocol\",\"risk\":\"low\","
                     "\"host_verdict\":\"syn-proxy\"}"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("\"port\":60001,\"proto\":\"tcp\",\"state\":\"open\",\"reason\":\"syn-ack\",\"ttl\":64,"
                     "\"service\":null,\"purpose\":null,\"risk\":null,\"host_verdict\":\"syn-proxy\",\"canary\":true}"),
            std::string::npos);
  size_t lines_a = 0, lines_b = 0;
  for (size_t start = 0, end; (end = out.find('\n', start)) != std::string::npos; start = end + 1) {
    const std::string line = out.substr(start, end - start);
    const bool flagged = line.find("\"host_verdict\":\"syn-proxy\"") != std::string::npos;
    if (line.find("\"198.18.0.2\"") != std::string::npos) {
      ++lines_a;
      EXPECT_TRUE(flagged) << line;
    }
    if (line.find("\"198.18.0.3\"") != std::string::npos) {
      ++lines_b;
      EXPECT_FALSE(flagged) << line;
    }
  }
  EXPECT_EQ(lines_a, 7u);  // its six ports and the canary
  EXPECT_EQ(lines_b, 6u);
}

TEST(VerdictOutputs, GrepableAndHtmlSayIt) {
  const std::string g = run_writer<GrepableWriter>(small_info(), small_scan(), flagged_summary());
  EXPECT_NE(g.find("\tHost verdict: syn-proxy (answers on every port: SYN proxy (window 0; SYN cookies); 1 port "
                   "reaches a service: 22)\n"),
            std::string::npos)
      << g;
  const std::string h = run_writer<HtmlWriter>(small_info(), small_scan(), flagged_summary());
  EXPECT_NE(h.find("Hosts that lie"), std::string::npos);
  EXPECT_NE(h.find("1 open ports are not listed"), std::string::npos);
  const size_t table = h.find("<section id=\"ports\">");
  ASSERT_NE(table, std::string::npos);
  const size_t a = h.find("<h3>198.18.0.2</h3>", table), b = h.find("<h3>198.18.0.3</h3>", table);
  ASSERT_NE(a, std::string::npos);
  EXPECT_EQ(h.substr(a, b - a).find("<td>80/tcp</td>"), std::string::npos);  // collapsed
  EXPECT_NE(h.substr(a, b - a).find("<td>22/tcp</td>"), std::string::npos);  // reaches a service
  EXPECT_NE(h.find("<td>80/tcp</td>", b), std::string::npos);                // host B is honest
}

TEST(VerdictOutputs, XmlKeepsTheSynAcksOpenAndAddsAHostscriptNmapsDtdAccepts) {
  const std::string out = run_writer<XmlWriter>(small_info(), small_scan(), flagged_summary());
  EXPECT_NE(out.find("<port protocol=\"tcp\" portid=\"80\"><state state=\"open\""), std::string::npos);
  EXPECT_NE(out.find("</ports>\n<hostscript><script id=\"portauth-host-verdict\" output=\"syn-proxy: answers on every "
                     "port: SYN proxy (window 0, SYN cookies); 1 port reaches a service: 22\"><elem key=\"verdict\">"
                     "syn-proxy</elem><elem key=\"window\">0</elem><elem key=\"syn_cookies\">true</elem><table "
                     "key=\"reached\"><elem>22</elem></table>"),
            std::string::npos)
      << out;
  if (!std::filesystem::exists(PORTAUTH_NMAP_DTD) || std::system("command -v xmllint >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "needs xmllint and " PORTAUTH_NMAP_DTD;
  const auto path = std::filesystem::temp_directory_path() / ("portauth-verdict-" + std::to_string(getpid()) + ".xml");
  std::ofstream(path) << out;
  EXPECT_EQ(std::system(("xmllint --noout --dtdvalid " PORTAUTH_NMAP_DTD " " + path.string()).c_str()), 0) << out;
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace portauth::output
