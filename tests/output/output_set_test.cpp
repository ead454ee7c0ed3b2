// The format registry and OutputSet: every format is declared once (name, flag, long option,
// help, every-state, appendable) and OutputSet filters results by state in one place: a
// writer that wants fewer states than the scan delivers gets exactly what it asked for.
#include "output/output_set.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "fixtures.h"
#include "output/formats.h"

namespace portauth::output {
namespace {

using namespace testing;

class Recorder final : public ResultWriter {
 public:
  void result(const probe::ScanResult& r, const Annotation&, const PortFacts&) override { ports.push_back(r.port); }
  void flush() override {}
  void finish(const ScanSummary&) override { ++finished; }
  std::vector<uint16_t> ports;
  int finished = 0;
};

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void run(OutputSet& set) {
  auto writers = set.writers();
  for (auto* w : writers) w->begin(small_info());
  for (const auto& d : small_scan())
    for (auto* w : writers) w->result(d.r, *d.a, {});
  for (auto* w : writers) w->finish(small_summary());
}

size_t lines(const std::string& text) { return size_t(std::count(text.begin(), text.end(), '\n')); }

}  // namespace

TEST(FormatRegistry, EachFormatOnceWithItsFlags) {
  std::set<std::string_view> names, flags, options;
  for (const auto& f : formats()) {
    EXPECT_TRUE(names.insert(f.name).second) << f.name;
    EXPECT_TRUE(flags.insert(f.short_flag).second) << f.short_flag;
    EXPECT_TRUE(options.insert(f.long_option).second) << f.long_option;
    EXPECT_EQ(find_format(f.name), f.format);
    EXPECT_EQ(format_info(f.format).name, f.name);
    EXPECT_NE(make_writer(f.format, stdout), nullptr) << f.name;
  }
  EXPECT_FALSE(find_format("pdf"));
  EXPECT_EQ(format_names(), "text, jsonl, xml, grepable, csv or html");
  // nmap's -oA writes exactly nmap's three files.
  std::set<std::string_view> suffixes;
  for (const auto& f : formats())
    if (!f.nmap_suffix.empty()) suffixes.insert(f.nmap_suffix);
  EXPECT_EQ(suffixes, (std::set<std::string_view>{".xml", ".gnmap", ".nmap"}));
}

TEST(OutputSet, FiltersInOnePlaceAndDeliversWhatTheWidestWriterNeeds) {
  const std::string dir = ::testing::TempDir();
  const std::string jsonl = dir + "/pa_set.jsonl", csv = dir + "/pa_set.csv", xml = dir + "/pa_set.xml";
  {
    // --show open: JSONL and CSV get the open ports only; XML (every state) gets all of them.
    OutputSet set({{Format::kJsonl, jsonl}, {Format::kCsv, csv}, {Format::kXml, xml}}, 1);
    EXPECT_EQ(set.delivery_mask(), kEveryState);
    EXPECT_FALSE(set.text_on_stdout());
    Recorder report;
    set.add(report, kEveryState);
    run(set);
    EXPECT_EQ(report.ports.size(), small_scan().size());
  }
  EXPECT_EQ(lines(read(jsonl)), 3u);      // 198.18.0.2:80, :22, 198.18.0.3:80
  EXPECT_EQ(lines(read(csv)), 1u + 3u);  // header + the open ports
  EXPECT_NE(read(xml).find("portid=\"7000\""), std::string::npos);
  {
    // Only streaming outputs: the scan delivers just --show, and nothing is filtered twice.
    OutputSet set({{Format::kJsonl, "-"}}, 4);
    EXPECT_EQ(set.delivery_mask(), 4u);
    EXPECT_EQ(set.writers().size(), 1u);
  }
  // A resumed scan appends to line formats and rewrites documents.
  {
    OutputSet set({{Format::kJsonl, jsonl, true}, {Format::kXml, xml, true}}, kEveryState);
    run(set);
  }
  EXPECT_EQ(lines(read(jsonl)), 3u + small_scan().size());
  EXPECT_EQ(read(xml).find("<?xml"), read(xml).rfind("<?xml"));
  EXPECT_THROW(OutputSet({{Format::kText, "/nonexistent/dir/out.txt"}}), std::runtime_error);
  std::remove(jsonl.c_str());
  std::remove(csv.c_str());
  std::remove(xml.c_str());
}

}  // namespace portauth::output
