// The shipped config files load and make valid plans; the shipped exclude file matches
// the built-in special-purpose list (so the two cannot drift apart).
#include <gtest/gtest.h>

#include <filesystem>

#include "config/config_file.h"
#include "config/excludes.h"
#include "config/spec_error.h"
#include "config/target_list.h"

using namespace portauth::config;

namespace {
const std::string kConfigDir = PORTAUTH_CONFIG_DIR;
std::vector<portauth::config::Address> no_dns(const std::string& host) { throw SpecError("unexpected host name " + host); }
}  // namespace

TEST(ConfigExamples, EachLoadsAndBuildsAPlan) {
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kConfigDir + "/examples")) {
    if (entry.path().extension() != ".yaml") continue;
    ++files;
    const auto scans = load_config_file(entry.path().string());
    ASSERT_FALSE(scans.empty()) << entry.path();
    for (const auto& scan : scans) {
      ScanOptions o = scan.options;
      if (scan.options.top_ports_count) o.top_ports = {80};  // resolved from the database at run time
      const ScanPlan plan = build_scan_plan(o, no_dns);
      EXPECT_GT(plan.probe_count(), 0u) << entry.path() << " " << scan.name;
      EXPECT_FALSE(plan.outputs.empty());
      // Issue 19.12: an example writes no file (a relative path would land beside it, in the
      // source tree or the installed examples); files are added on the command line.
      for (const auto& out : plan.outputs)
        EXPECT_TRUE(out.path.empty() || out.path == "-") << entry.path() << " writes " << out.path;
    }
  }
  EXPECT_GE(files, 3u);
}

TEST(ConfigExamples, ExcludeReservedMatchesTheBuiltInList) {
  const RangeSet file = read_target_file(kConfigDir + "/exclude-reserved.conf", no_dns);
  EXPECT_EQ(file.ranges(), default_exclude_ranges().ranges());
}
