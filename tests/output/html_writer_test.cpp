#include "output/html_writer.h"

#include <gtest/gtest.h>

#include <regex>

#include "fixtures.h"

namespace portauth::output {
namespace {

using namespace testing;

bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

size_t count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t i = hay.find(needle); i != std::string::npos; i = hay.find(needle, i + 1)) ++n;
  return n;
}

std::string data_of(const std::string& page) {
  const std::string open = "<script type=\"application/json\" id=\"portauth-data\">";
  const size_t a = page.find(open);
  const size_t b = page.find("</script>", a);
  return a == std::string::npos || b == std::string::npos ? "" : page.substr(a + open.size(), b - a - open.size());
}

TEST(HtmlWriter, SelfContained) {
  const std::string page = run_writer<HtmlWriter>(small_info(), small_scan(), small_summary());
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  // Nothing the browser would fetch: no external scripts, styles, images or fonts.
  EXPECT_FALSE(std::regex_search(page, std::regex(R"((src|href)\s*=\s*["']?(https?:)?//)"))) << "external reference";
  EXPECT_FALSE(contains(page, "<link"));
  EXPECT_FALSE(contains(page, "@import"));
  EXPECT_FALSE(contains(page, "url("));
  EXPECT_EQ(count(page, "</html>"), 1u);
}

TEST(HtmlWriter, GridDataHasOneCodePerScannedPortAndHost) {
  const std::string page = run_writer<HtmlWriter>(small_info(), small_scan(), small_summary());
  const std::string data = data_of(page);
  ASSERT_FALSE(data.empty());
  EXPECT_TRUE(contains(data, "\"ports\":[[22,23],[80,80],[111,111],[113,113],[7000,7000]]")) << data;
  // Reason codes 'a' + Reason: 22 syn-ack(b) 23 no-response(k) 80 b 111 port-unreach(g) 113 rst(c) 7000 net-unreach(d)
  EXPECT_TRUE(contains(data, "{\"ip\":\"198.18.0.2\",\"s\":\"bkbgcd\"}")) << data;
  EXPECT_TRUE(contains(data, "{\"ip\":\"198.18.0.3\",\"s\":\"kcbccc\"}")) << data;
  // A description that says "</script>" cannot end the data block.
  EXPECT_FALSE(contains(data, "</"));
  EXPECT_EQ(count(page, "<div class=\"grid\" data-host="), 2u);
}

TEST(HtmlWriter, SummaryVerdictAndHeatMap) {
  const std::string page = run_writer<HtmlWriter>(small_info(), small_scan(), small_summary());
  EXPECT_TRUE(contains(page, "<b>3</b>open")) << page;
  EXPECT_TRUE(contains(page, "<b>7</b>closed"));
  EXPECT_TRUE(contains(page, "<b>2</b>stealth"));
  EXPECT_TRUE(contains(page, "Stealth ports: <b>FAILED</b>"));
  EXPECT_TRUE(contains(page, "<div id=\"heatmap\">"));  // several hosts
}

TEST(HtmlWriter, AllStealthPasses) {
  std::vector<Delivered> rs;
  for (uint16_t p : std::initializer_list<uint16_t>{22, 23, 80}) rs.push_back({{kHostA, p, probe::Reason::kNoResponse, 0}, &annotation(p)});
  ScanInfo info = small_info();
  info.ports = {22, 23, 80};
  const std::string page = run_writer<HtmlWriter>(info, rs, small_summary());
  EXPECT_TRUE(contains(page, "Stealth ports: <b>PASSED</b>"));
  EXPECT_FALSE(contains(page, "<div id=\"heatmap\">"));  // one host: just its grid
  EXPECT_TRUE(contains(page, "No port answered"));
}

TEST(HtmlWriter, TableListsOpenThenClosedWithDescriptionAndRisk) {
  const std::string page = run_writer<HtmlWriter>(small_info(), small_scan(), small_summary());
  const size_t open22 = page.find("<td>22/tcp</td>");
  const size_t closed113 = page.find("<td>113/tcp</td>");
  ASSERT_NE(open22, std::string::npos);
  ASSERT_NE(closed113, std::string::npos);
  EXPECT_LT(open22, closed113);
  EXPECT_TRUE(contains(page, "Encrypted remote login &amp; file copy."));
  EXPECT_TRUE(contains(page, "&lt;/script&gt;&lt;b&gt;x&lt;/b&gt;"));  // escaped, not markup
  EXPECT_TRUE(contains(page, "<span class=\"risk medium\">medium</span>"));
  // Host A: 22, 80 open; 111, 113, 7000 closed. Host B: 80 open; 23, 111, 113, 7000 closed.
  // The stealth ports (23 on A, 22 on B) are not in the table.
  EXPECT_EQ(count(page, "<tr class=\"open\">"), 3u);
  EXPECT_EQ(count(page, "<tr class=\"closed\">"), 7u);
  EXPECT_EQ(count(page, "<tr class=\"stealth\">"), 0u);
}

TEST(HtmlWriter, TableIsCappedButKeepsEveryOpenPort) {
  std::vector<HostRecords> hosts(1);
  hosts[0].addr = kHostA;
  static const Annotation none;
  for (uint16_t p = 1; p <= 50; ++p) hosts[0].ports.push_back({p, probe::Reason::kRst, 64, &none});
  for (uint16_t p = 100; p < 110; ++p) hosts[0].ports.push_back({p, probe::Reason::kSynAck, 64, &none});
  const std::string page = html_report(small_info(), hosts, small_summary(), 20);
  EXPECT_EQ(count(page, "<tr class=\"open\">"), 10u);
  EXPECT_EQ(count(page, "<tr class=\"closed\">"), 10u);
  EXPECT_TRUE(contains(page, "40 more closed ports are not listed"));
}

}  // namespace
}  // namespace portauth::output
