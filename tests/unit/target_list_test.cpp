#include <gtest/gtest.h>

#include <fstream>

#include "config/ipv4.h"
#include "config/scan_plan.h"
#include "config/spec_error.h"
#include "config/target_list.h"

using namespace portauth::config;

namespace {

portauth::config::Address ip(const char* s) { return *portauth::config::parse_address(s); }

// A resolver that knows two names and nothing else: no DNS traffic in unit tests.
std::vector<portauth::config::Address> fake_resolve(const std::string& host) {
  if (host == "lab-target") return {ip("198.18.0.2")};
  if (host == "lab-pool.example") return {ip("198.18.1.9"), ip("198.18.1.7")};
  throw SpecError("cannot resolve host name '" + host + "': Name or service not known");
}

std::string error_of(auto&& fn) {
  try {
    fn();
  } catch (const SpecError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(TargetList, HostNamesResolveToEveryAddress) {
  const RangeSet set = parse_target_list({"lab-target,lab-pool.example", "198.18.0.3"}, fake_resolve);
  EXPECT_EQ(set.count(), 4u);
  EXPECT_TRUE(set.contains(ip("198.18.1.7")));
  EXPECT_TRUE(set.contains(ip("198.18.1.9")));
  EXPECT_EQ(error_of([] { parse_target_list({"nosuch.example"}, fake_resolve); }),
            "cannot resolve host name 'nosuch.example': Name or service not known");
  // Address-like typos are grammar errors, never DNS lookups.
  EXPECT_FALSE(looks_like_hostname("1.2.3"));
  EXPECT_FALSE(looks_like_hostname("10.0.0.0/8"));
  EXPECT_TRUE(looks_like_hostname("localhost"));
  EXPECT_EQ(error_of([] { parse_target_list({"1.2.3"}, fake_resolve); }),
            "bad target '1.2.3': expected four octets separated by '.'");
}

TEST(TargetList, SystemResolverReadsTheHostsFile) {
  // localhost comes from /etc/hosts: no query leaves the machine.
  const auto addrs = system_resolver("localhost");
  ASSERT_FALSE(addrs.empty());
  EXPECT_NE(std::find(addrs.begin(), addrs.end(), portauth::config::Address::v4(0x7f000001)), addrs.end());
}

TEST(TargetList, FilesWithCommentsCrlfAndBom) {
  const std::string text =
      "\xEF\xBB\xBF# lab targets\r\n"
      "198.18.0.2\r\n"
      "\r\n"
      "   198.18.1.0/30   # AnyIP block\r\n"
      "lab-target\n"
      "198.18.1.10-12";
  const RangeSet set = parse_target_text(text, "targets.txt", fake_resolve);
  EXPECT_EQ(set.count(), 1u + 4u + 3u);
  EXPECT_TRUE(set.contains(ip("198.18.1.12")));
}

TEST(TargetList, FileErrorsNameLineAndColumn) {
  EXPECT_EQ(error_of([] { parse_target_text("198.18.0.2\n\n  1.2.3.256\n", "t.txt", fake_resolve); }),
            "t.txt:3:3: bad target '1.2.3.256': octet 4 is 256, must be 0-255");
  EXPECT_EQ(error_of([] { parse_target_text("# only comments\n\n", "t.txt", fake_resolve).count(); }), "");
  EXPECT_EQ(error_of([] { read_target_file("/nonexistent/targets.txt", fake_resolve); }),
            "cannot read target file '/nonexistent/targets.txt': No such file or directory");
}

TEST(TargetList, PlanReadsTargetAndExcludeFiles) {
  const std::string dir = ::testing::TempDir();
  const std::string targets = dir + "/pa_targets.txt", excludes = dir + "/pa_excludes.txt";
  std::ofstream(targets) << "198.18.1.0/28\n";
  std::ofstream(excludes) << "198.18.1.0-3 # gateways\n";
  ScanOptions o;
  o.target_files = {targets};
  o.exclude_files = {excludes};
  o.allow = {"198.18.0.0/15"};
  o.ports = "80";
  const ScanPlan plan = build_scan_plan(o, fake_resolve);
  EXPECT_EQ(plan.targets.count(), 12u);
  EXPECT_FALSE(plan.targets.contains(ip("198.18.1.3")));
  std::ofstream(targets) << "";
  EXPECT_NE(error_of([&] { build_scan_plan(o, fake_resolve); }).find("no targets"), std::string::npos);
}

TEST(ScanPlanLimits, ShardsNeedASeedAndValidIndices) {
  ScanOptions o;
  o.targets = {"198.18.1.0/24"};
  o.allow = {"198.18.0.0/15"};
  o.ports = "80";
  o.shard = "2/3";
  EXPECT_NE(error_of([&] { build_scan_plan(o, fake_resolve); }).find("--shard needs --seed"), std::string::npos);
  o.seed = 1;
  const ScanPlan plan = build_scan_plan(o, fake_resolve);
  EXPECT_EQ(plan.shard_index, 1u);
  EXPECT_EQ(plan.shard_count, 3u);
  for (const char* bad : {"0/3", "4/3", "1/0", "a/b", "1/2/3", "1", "-1/2"}) {
    o.shard = bad;
    EXPECT_NE(error_of([&] { build_scan_plan(o, fake_resolve); }).find("bad --shard"), std::string::npos) << bad;
  }
}

TEST(ScanPlanLimits, LargeScansNeedConfirmation) {
  ScanOptions o;
  o.targets = {"2.0.0.0/7"};  // data only: the plan is built, nothing is sent
  o.ports = "80";
  EXPECT_NE(error_of([&] { build_scan_plan(o, fake_resolve); }).find("--confirm-large"), std::string::npos);
  o.confirm_large = true;
  EXPECT_EQ(build_scan_plan(o, fake_resolve).targets.count(), uint64_t{1} << 25);
}
