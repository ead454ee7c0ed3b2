// The target policy (issue 12): a table of target specs with the exact set a dry run would
// probe and the notice printed. Data only: plans are built, nothing is sent.
#include <gtest/gtest.h>

#include "config/ipv4.h"
#include "config/own_addresses.h"
#include "config/scan_plan.h"
#include "config/spec_error.h"
#include "config/target_spec.h"

using namespace portauth::config;

namespace {

std::vector<portauth::config::Address> no_dns(const std::string& host) { throw SpecError("no DNS here: " + host); }

struct PolicyCase {
  std::vector<std::string> targets;
  std::vector<std::string> allow;
  const char* probed;  // the exact set, as target specs ("" = refused)
  const char* note;    // the notice line, or "" for none; for a refusal, a part of the error
};

// Probed ranges of 0.0.0.0/0 with every reserved and never-scanned block taken out.
constexpr const char* kInternet =
    "1.0.0.0-9.255.255.255,11.0.0.0-100.63.255.255,100.128.0.0-126.255.255.255,128.0.0.0-169.253.255.255,"
    "169.255.0.0-172.15.255.255,172.32.0.0-191.255.255.255,192.0.1.0-192.0.1.255,192.0.3.0-192.88.98.255,"
    "192.88.100.0-192.167.255.255,192.169.0.0-198.17.255.255,198.20.0.0-198.51.99.255,"
    "198.51.101.0-203.0.112.255,203.0.114.0-223.255.255.255";

const PolicyCase kCases[] = {
    // Named inside a private or special block: scanned as asked, no note.
    {{"192.168.1.10"}, {}, "192.168.1.10", ""},
    {{"192.168.1.0/24"}, {}, "192.168.1.0/24", ""},
    {{"198.18.0.0/15"}, {}, "198.18.0.0/15", ""},
    {{"10.0.0.0/8"}, {}, "10.0.0.0/8", ""},
    {{"127.0.0.1"}, {}, "127.0.0.1", ""},
    {{"100.64.0.0/10", "8.8.8.8"}, {}, "8.8.8.8,100.64.0.0/10", ""},
    // Across a block's edge (not wider than it): as asked.
    {{"10.255.255.254-11.0.0.1"}, {}, "10.255.255.254-11.0.0.1", ""},
    // Wider than a block: the block is skipped, with one note.
    {{"100.0.0.0/6"}, {}, "100.0.0.0-100.63.255.255,100.128.0.0-103.255.255.255",
     "skipped 4194304 target address(es) in 100.64.0.0/10 (carrier-grade NAT shared space (RFC 6598)); to scan a "
     "reserved block, name it as a target or pass --allow BLOCK"},
    {{"100.0.0.0/6"}, {"100.64.0.0/10"}, "100.0.0.0/6", ""},
    {{"100.0.0.0/6", "100.64.1.0/24"}, {}, "100.0.0.0-100.63.255.255,100.64.1.0/24,100.128.0.0-103.255.255.255",
     "skipped 4194304 target address(es) in 100.64.0.0/10"},
    {{"0.0.0.0/0"}, {}, kInternet,
     "skipped 592708864 target address(es) in 0.0.0.0/8 (\"this network\" (RFC 791); never scanned), 10.0.0.0/8 "
     "(private network (RFC 1918)), 100.64.0.0/10 (carrier-grade NAT shared space (RFC 6598)), 127.0.0.0/8 "
     "(loopback (RFC 1122)), 169.254.0.0/16 (link-local (RFC 3927)), 172.16.0.0/12 (private network (RFC 1918)), "
     "192.0.0.0/24 (IETF protocol assignments (RFC 6890)), 192.0.2.0/24 (documentation TEST-NET-1 (RFC 5737)), "
     "192.88.99.0/24 (6to4 relay anycast (RFC 7526)), 192.168.0.0/16 (private network (RFC 1918)), 198.18.0.0/15 "
     "(benchmarking (RFC 2544)), 198.51.100.0/24 (documentation TEST-NET-2 (RFC 5737)), 203.0.113.0/24 "
     "(documentation TEST-NET-3 (RFC 5737)), 224.0.0.0/4 (multicast (RFC 5771); never scanned), 240.0.0.0/4 "
     "(reserved for future use (RFC 1112); never scanned); to scan a reserved block, name it as a target or pass "
     "--allow BLOCK"},
    // Never probed, even when named or allowed.
    {{"224.0.0.1", "198.18.0.2"}, {"224.0.0.0/4"}, "198.18.0.2",
     "skipped 1 target address(es) in 224.0.0.0/4 (multicast (RFC 5771); never scanned)"},
    {{"0.0.0.7", "255.255.255.255", "198.18.0.2"}, {}, "198.18.0.2",
     "skipped 2 target address(es) in 0.0.0.0/8 (\"this network\" (RFC 791); never scanned), 240.0.0.0/4 (reserved "
     "for future use (RFC 1112); never scanned)"},
    {{"240.0.0.0/4"}, {}, "", "no targets left to scan\n  skipped 268435456 target address(es) in 240.0.0.0/4"},
};

}  // namespace

TEST(TargetPolicy, ExactSetProbedAndTheNotice) {
  for (const auto& c : kCases) {
    ScanOptions o;
    o.targets = c.targets;
    o.allow = c.allow;
    o.ports = "80";
    o.confirm_large = true;
    o.seed = 1;
    o.shard = "1/16";  // keeps 0.0.0.0/0 under the per-run probe limit
    std::string label;
    for (const auto& t : c.targets) label += t + " ";
    if (*c.probed == 0) {
      try {
        build_scan_plan(o, no_dns);
        ADD_FAILURE() << label << "was not refused";
      } catch (const SpecError& e) {
        EXPECT_NE(std::string(e.what()).find(c.note), std::string::npos) << label << e.what();
      }
      continue;
    }
    const ScanPlan plan = build_scan_plan(o, no_dns);
    EXPECT_EQ(plan.targets.ranges(), parse_targets({c.probed}).ranges()) << label;
    if (*c.note == 0) {
      EXPECT_TRUE(plan.notices.empty()) << label << plan.notices.front();
    } else {
      ASSERT_EQ(plan.notices.size(), 1u) << label;
      EXPECT_NE(plan.notices[0].find(c.note), std::string::npos) << label << plan.notices[0];
    }
    EXPECT_TRUE(plan.warnings.empty()) << label;
  }
}

// Issue 19.3: this machine's own addresses are scanned over loopback, alone: among other
// targets they are left out, with a warning that says how to scan them.
TEST(OwnAddresses, AreLeftOutOfAWiderScanWithAWarningAndKeptAlone) {
  const std::vector<Address> local = {*parse_address("198.18.0.1"), *parse_address("2001:2::1"),
                                      *parse_address("127.0.0.1")};
  auto plan_of = [](std::vector<std::string> targets) {
    ScanOptions o;
    o.targets = std::move(targets);
    o.ports = "22,80";
    o.allow = {"127.0.0.0/8", "::1"};
    return build_scan_plan(o, no_dns);
  };
  EXPECT_EQ(own_addresses_among(plan_of({"198.18.0.0/30"}).targets, local).count(), 1u);
  EXPECT_EQ(own_addresses_among(plan_of({"127.0.0.5", "::1"}).targets, local).count(), 2u);  // loopback blocks
  ScanPlan wide = plan_of({"198.18.0.0/30"});
  leave_out_own_addresses(wide, local);
  EXPECT_EQ(wide.targets.count(), 3u);
  EXPECT_FALSE(wide.targets.contains(*parse_address("198.18.0.1")));
  ASSERT_EQ(wide.warnings.size(), 1u);
  EXPECT_EQ(wide.warnings[0], "198.18.0.1 is this machine's own address, which a scan reaches over loopback, not with "
                              "the other targets: left out; scan it on its own (portauth scan 198.18.0.1 -p 22,80)");
  for (const auto& alone : {std::vector<std::string>{"198.18.0.1"}, {"2001:2::1", "198.18.0.1"}, {"198.18.0.9"}}) {
    ScanPlan p = plan_of(alone);
    leave_out_own_addresses(p, local);
    EXPECT_EQ(p.targets.count(), alone.size()) << alone[0];
    EXPECT_TRUE(p.warnings.empty()) << alone[0];
  }
}
