#include <gtest/gtest.h>

#include <algorithm>

#include "config/excludes.h"
#include "config/ipv4.h"
#include "config/port_spec.h"
#include "config/presets.h"
#include "config/range_set.h"
#include "config/scan_plan.h"
#include "config/spec_error.h"
#include "config/target_spec.h"

using namespace portauth::config;

namespace {

portauth::config::Address ip(const char* s) { return *portauth::config::parse_address(s); }

std::string error_of(auto&& fn) {
  try {
    fn();
  } catch (const SpecError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Ipv4, ParsesAndFormats) {
  EXPECT_EQ(parse_ipv4("198.18.0.2"), 0xc6120002u);
  EXPECT_EQ(parse_ipv4("0.0.0.0"), 0u);
  EXPECT_EQ(parse_ipv4("255.255.255.255"), 0xffffffffu);
  EXPECT_EQ(format_ipv4(0xc6120002u), "198.18.0.2");
}

TEST(Ipv4, RejectsMalformed) {
  for (const char* bad : {"1.2.3.256", "1.2.3", "1.2.3.4.5", "", "1..2.3", "a.b.c.d", "1.2.3.-1", "1.2.3.4 ",
                          "01234.1.1.1", "1.2.3.4/"}) {
    std::string why;
    EXPECT_FALSE(parse_ipv4(bad, &why)) << bad;
    EXPECT_FALSE(why.empty()) << bad;
  }
  std::string why;
  parse_ipv4("1.2.3.256", &why);
  EXPECT_EQ(why, "octet 4 is 256, must be 0-255");
}

struct TargetCase {
  const char* text;
  const char* first;
  const char* last;
};

TEST(TargetSpec, GoodForms) {
  const TargetCase cases[] = {
      {"198.18.0.2", "198.18.0.2", "198.18.0.2"},
      {"198.18.0.0/28", "198.18.0.0", "198.18.0.15"},
      {"198.18.0.7/24", "198.18.0.0", "198.18.0.255"},  // host bits ignored
      {"198.18.1.5-198.18.1.9", "198.18.1.5", "198.18.1.9"},
      {"198.18.1.5-9", "198.18.1.5", "198.18.1.9"},
      {"10.0.0.0/8", "10.0.0.0", "10.255.255.255"},
      {"0.0.0.0/0", "0.0.0.0", "255.255.255.255"},
      {"1.2.3.4/32", "1.2.3.4", "1.2.3.4"},
      {" 1.2.3.4 ", "1.2.3.4", "1.2.3.4"},
  };
  for (const auto& c : cases) {
    const auto r = parse_target(c.text);
    EXPECT_EQ(r.first, ip(c.first)) << c.text;
    EXPECT_EQ(r.last, ip(c.last)) << c.text;
  }
}

TEST(TargetSpec, BadFormsNameTheInput) {
  const std::pair<const char*, const char*> cases[] = {
      {"1.2.3.256", "bad target '1.2.3.256': octet 4 is 256, must be 0-255"},
      {"1.2.3.0/33", "bad target '1.2.3.0/33': prefix length '/33' must be 0-32"},
      {"1.2.3.0/-1", "bad target '1.2.3.0/-1': prefix length '/-1' must be 0-32"},
      {"1.2.3.0/", "bad target '1.2.3.0/': prefix length '/' must be 0-32"},
      {"1.2.3", "bad target '1.2.3': expected four octets separated by '.'"},
      {"1.2.3.9-1.2.3.1", "bad target '1.2.3.9-1.2.3.1': range end is below its start"},
      {"1.2.3.9-2", "bad target '1.2.3.9-2': range end is below its start"},
      {"1.2.3.4-300", "bad target '1.2.3.4-300': range end '300' must be an address or a last octet 0-255"},
      {"host.example", "bad target 'host.example': octet 1 'host' is too long"},
  };
  for (const auto& [text, message] : cases) EXPECT_EQ(error_of([&] { parse_target(text); }), message) << text;
  EXPECT_EQ(error_of([] { parse_targets({""}); }), "empty target");
  EXPECT_EQ(error_of([] { parse_targets({"1.2.3.4,,1.2.3.5"}); }), "empty target");
}

TEST(TargetSpec, OverlapsAreMergedSoEachAddressCountsOnce) {
  const RangeSet set = parse_targets({"198.18.0.0/28", "198.18.0.8-198.18.0.20", "198.18.0.21", "198.18.0.3"});
  ASSERT_EQ(set.ranges().size(), 1u);
  EXPECT_EQ(set.count(), 22u);
  EXPECT_EQ(set.at(0), ip("198.18.0.0"));
  EXPECT_EQ(set.at(21), ip("198.18.0.21"));
  EXPECT_EQ(set.index_of(ip("198.18.0.21")), 21u);
  EXPECT_FALSE(set.index_of(ip("198.18.0.22")));
}

TEST(RangeSet, SubtractAndIndex) {
  RangeSet set = parse_targets({"198.18.0.0/24"});
  EXPECT_EQ(set.subtract(parse_targets({"198.18.0.10-20", "198.18.0.0", "198.18.0.255"})), 13u);
  EXPECT_EQ(set.count(), 256u - 13u);
  for (uint64_t i = 0; i < set.count(); ++i) EXPECT_EQ(set.index_of(set.at(i)), i);
  EXPECT_FALSE(set.contains(ip("198.18.0.15")));
  EXPECT_TRUE(set.contains(ip("198.18.0.21")));
  RangeSet all = parse_targets({"0.0.0.0/0"});
  EXPECT_EQ(all.count(), uint64_t{1} << 32);
  EXPECT_EQ(all.at((uint64_t{1} << 32) - 1), Address::v4(0xffffffffu));
}

TEST(PortSpec, GoodForms) {
  EXPECT_EQ(parse_ports("22,80,443"), (std::vector<uint16_t>{22, 80, 443}));
  EXPECT_EQ(parse_ports("443,22,80,22"), (std::vector<uint16_t>{22, 80, 443}));
  EXPECT_EQ(parse_ports("8000-8002,8001"), (std::vector<uint16_t>{8000, 8001, 8002}));
  EXPECT_EQ(parse_ports("0-65535").size(), 65536u);
  EXPECT_EQ(parse_ports("-").size(), 65536u);
  EXPECT_EQ(parse_ports("0"), (std::vector<uint16_t>{0}));
  EXPECT_EQ(format_ports(parse_ports("1-3,5,7-9")), "1-3,5,7-9");
}

TEST(PortSpec, BadFormsNameTheInput) {
  const std::pair<const char*, const char*> cases[] = {
      {"65536", "bad port list '65536': port 65536 is out of range 0-65535"},
      {"100-1", "bad port list '100-1': range 100-1 ends below its start"},
      {",,", "bad port list ',,': empty item (two commas in a row, or a leading/trailing comma)"},
      {"22,", "bad port list '22,': empty item (two commas in a row, or a leading/trailing comma)"},
      {"abc", "bad port list 'abc': 'abc' is not a port number"},
      {"-1", "bad port list '-1': a range is missing a number"},
      {"99999999999999999999", "bad port list '99999999999999999999': port 99999999999999999999 is out of range 0-65535"},
      {"", "empty port list"},
  };
  for (const auto& [text, message] : cases) EXPECT_EQ(error_of([&] { parse_ports(text); }), message) << text;
}

TEST(Excludes, NeverRangesCannotBeAllowed) {
  std::vector<std::string> warnings;
  const RangeSet req = parse_targets({"224.0.0.1", "1.2.3.4"});
  const RangeSet left = resolve_targets(req, {}, parse_targets({"224.0.0.0/4"}), warnings);
  EXPECT_EQ(left.count(), 1u);
  EXPECT_EQ(left.at(0), ip("1.2.3.4"));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("never scanned"), std::string::npos);
}

// Issue 12 changed the policy: a reserved block named as a target is scanned as asked (this
// test used to assert that 198.18.0.2 was refused without --allow). --allow still keeps a
// reserved block inside a WIDER target.
TEST(Excludes, NamedReservedTargetsAreScannedAsAsked) {
  std::vector<std::string> notes;
  const RangeSet lab = parse_targets({"198.18.0.2"});
  const RangeSet left = resolve_targets(lab, {}, {}, notes);
  EXPECT_EQ(left.count(), 1u);
  EXPECT_TRUE(notes.empty());
  const RangeSet wide = parse_targets({"198.16.0.0/13"});  // 198.16.0.0-198.23.255.255 holds 198.18.0.0/15
  notes.clear();
  EXPECT_EQ(resolve_targets(wide, {}, {}, notes).count(), wide.count() - 131072u);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("--allow"), std::string::npos) << notes[0];
  notes.clear();
  EXPECT_EQ(resolve_targets(wide, {}, parse_targets({"198.18.0.0/15"}), notes).count(), wide.count());
  EXPECT_TRUE(notes.empty());
}

TEST(Excludes, PartialAllowAndUserExcludes) {
  std::vector<std::string> notes;
  // A wider target with part of its reserved block allowed: the rest of the block is skipped.
  const RangeSet req = parse_targets({"198.16.0.0/13"});
  const RangeSet left =
      resolve_targets(req, parse_targets({"198.18.0.0-9"}), parse_targets({"198.18.0.0/25"}), notes);
  EXPECT_EQ(left.count(), req.count() - 131072u + 128u - 10u);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("130944 target address(es) in 198.18.0.0/15"), std::string::npos) << notes[0];
  // Named inside its block, with user excludes: only the excludes go.
  notes.clear();
  EXPECT_EQ(resolve_targets(parse_targets({"198.18.0.0/24"}), parse_targets({"198.18.0.0-9"}), {}, notes).count(),
            246u);
  EXPECT_TRUE(notes.empty());
  for (portauth::config::Address a : {ip("0.1.2.3"), ip("239.1.1.1"), ip("255.255.255.255"), ip("10.1.1.1"), ip("192.168.1.1")})
    EXPECT_TRUE(default_exclude_ranges().contains(a));
  EXPECT_FALSE(default_exclude_ranges().contains(ip("1.1.1.1")));
}

TEST(ScanPlan, BuildsAndRejects) {
  ScanOptions o;
  o.targets = {"198.18.0.2"};
  o.ports = "22,80";
  o.allow = {"198.18.0.0/15"};
  o.seed = 7;
  o.show = "open,stealth";
  ScanPlan plan = build_scan_plan(o);
  EXPECT_EQ(plan.probe_count(), 2u);
  EXPECT_EQ(plan.show, unsigned(kShowOpen | kShowStealth));
  EXPECT_EQ(plan.seed, 7u);

  auto fails = [&](auto mutate, const std::string& needle) {
    ScanOptions bad = o;
    mutate(bad);
    const std::string msg = error_of([&] { build_scan_plan(bad); });
    EXPECT_NE(msg.find(needle), std::string::npos) << "got: " << msg;
  };
  fails([](ScanOptions& b) { b.targets.clear(); }, "no targets given");
  fails([](ScanOptions& b) { b.ports = ""; }, "no ports given");
  fails([](ScanOptions& b) { b.rate = "0"; }, "bad --rate '0'");
  fails([](ScanOptions& b) { b.rate = "abc"; }, "bad --rate 'abc'");
  fails([](ScanOptions& b) { b.show = "opne"; }, "'opne' is not one of");
  fails([](ScanOptions& b) { b.format = "pdf"; }, "bad output format 'pdf'");
  fails([](ScanOptions& b) { b.extra_outputs = {{"xml", "a"}, {"jsonl", "a"}}; }, "same file 'a'");
  fails([](ScanOptions& b) { b.extra_outputs = {{"xml", "-"}}; b.output_path = "-"; }, "only one output can go to standard output");
  fails([](ScanOptions& b) { b.source_ip = "1.2.3.999"; }, "bad --source-ip");
  fails([](ScanOptions& b) { b.source_port = "0"; }, "port 0 cannot be a source port");
  fails([](ScanOptions& b) { b.retries = -1; }, "bad --retries");
  fails([](ScanOptions& b) { b.rate = "10000"; b.min_rate = 20000; }, "--min-rate 20000 is above the rate ceiling");
  fails([](ScanOptions& b) { b.min_rate = 10; b.fixed_rate = true; }, "--fixed-rate and --min-rate exclude");
  fails([](ScanOptions& b) { b.targets = {"1.0.0.0/8"}; b.ports = "0-65535"; }, "more than one run tracks");
}

TEST(Presets, ShieldsUpSets) {
  const auto common = preset_ports("common");
  EXPECT_EQ(common.size(), 26u);
  EXPECT_EQ(format_ports(common), "0,21-23,25,79-80,110,113,119,135,139,143,389,443,445,1002,1024-1030,1720,5000");
  EXPECT_EQ(preset_ports("service").size(), 1056u);
  EXPECT_EQ(preset_ports("all").size(), 65536u);
  EXPECT_EQ(error_of([] { preset_ports("most"); }), "unknown preset 'most': use common, service or all");
}

TEST(Presets, CombineWithPortsAndTopPorts) {
  ScanOptions o;
  o.targets = {"198.18.0.2"};
  o.allow = {"198.18.0.0/15"};
  o.preset = "common";
  o.ports = "8080,22";
  o.top_ports = {443, 3389};
  const ScanPlan plan = build_scan_plan(o);
  EXPECT_EQ(plan.ports.size(), 28u);  // 26 + 8080 + 3389; 22 and 443 are already common
  EXPECT_TRUE(std::binary_search(plan.ports.begin(), plan.ports.end(), uint16_t{3389}));
}

TEST(ScanPlan, Outputs) {
  ScanOptions o;
  o.targets = {"198.18.0.2"};
  o.allow = {"198.18.0.0/15"};
  o.ports = "22";
  EXPECT_EQ(build_scan_plan(o).outputs, (std::vector<OutputSpec>{{OutputFormat::kText, ""}}));
  // Issue 19.11: files do not take the report off standard output (nmap shows its normal
  // output whatever -oX/-oA write) ...
  o.extra_outputs = {{"xml", "a.xml"}, {"jsonl", "a.jsonl"}};
  EXPECT_EQ(build_scan_plan(o).outputs, (std::vector<OutputSpec>{{OutputFormat::kXml, "a.xml"},
                                                                  {OutputFormat::kJsonl, "a.jsonl"},
                                                                  {OutputFormat::kText, ""}}));
  // ... unless standard output is itself one of the outputs (-oN -) ...
  o.extra_outputs = {{"xml", "a.xml"}, {"text", "-"}};
  EXPECT_EQ(build_scan_plan(o).outputs,
            (std::vector<OutputSpec>{{OutputFormat::kXml, "a.xml"}, {OutputFormat::kText, "-"}}));
  // ... or -o FILE says "instead of standard output".
  o.extra_outputs = {{"xml", "a.xml"}};
  o.output_path = "b.txt";
  EXPECT_EQ(build_scan_plan(o).outputs,
            (std::vector<OutputSpec>{{OutputFormat::kXml, "a.xml"}, {OutputFormat::kText, "b.txt"}}));
  o.extra_outputs = {{"xml", "a.xml"}, {"jsonl", "a.jsonl"}};
  o.format = "jsonl";
  o.output_path = "-";
  EXPECT_EQ(build_scan_plan(o).outputs.size(), 3u);
  // merge keeps its rule: files alone write nothing on standard output.
  o.output_path.clear();
  EXPECT_EQ(resolve_outputs(o).size(), 2u);
}
