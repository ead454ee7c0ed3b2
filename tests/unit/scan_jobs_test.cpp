// The scans one command line asks for (config/scan_jobs.h): the command line alone, a config
// file's scans (all validated before any runs), --job, --resume; and the one-host plan of
// `probe` and `shieldsup` (config/one_host_plan.h).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "config/one_host_plan.h"
#include "config/scan_jobs.h"
#include "config/spec_error.h"

using namespace portauth::config;

namespace {

// A database that ranks 443, 80, 22 (and nothing else); counts how often it is asked.
struct Ranking {
  int calls = 0;
  PortRanking fn() {
    return [this](const ScanOptions& o) {
      ++calls;
      if (o.db == "broken.yaml") throw std::runtime_error("broken.yaml:3:1: bad entry");
      return RankedPorts{{443, 80, 22}, {161, 53}};
    };
  }
};

std::string write_temp(const std::string& text) {
  char path[] = "/tmp/portauth-jobs-XXXXXX";
  const int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  close(fd);
  std::ofstream(path) << text;
  return path;
}

std::string error_of(const ScanOptions& o, const std::string& refused = "") {
  Ranking r;
  try {
    plan_scan_jobs({o, [](ScanOptions&) {}, refused}, r.fn());
  } catch (const SpecError& e) {
    return e.what();
  }
  return "";
}

ScanOptions with_target(const std::string& t) {
  ScanOptions o;
  o.targets = {t};
  return o;
}

}  // namespace

TEST(ScanJobs, CommandLineAloneIsOneScanWithTheDefaultPortSet) {
  Ranking r;
  const auto jobs = plan_scan_jobs({with_target("198.18.0.2"), [](ScanOptions&) {}, ""}, r.fn());
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].name, "");
  EXPECT_EQ(r.calls, 1);  // the database is loaded (and can fail) before anything is sent
  EXPECT_FALSE(jobs[0].port_set.empty());
  EXPECT_EQ(jobs[0].plan.targets.count(), 1u);
  EXPECT_FALSE(jobs[0].resume);
}

TEST(ScanJobs, TopPortsTakesTheRankingsFirstAndWarnsWhenItRanksFewer) {
  ScanOptions o = with_target("198.18.0.2");
  o.top_ports_count = 2;
  Ranking r;
  auto jobs = plan_scan_jobs({o, [](ScanOptions&) {}, ""}, r.fn());
  EXPECT_EQ(jobs[0].plan.ports, (std::vector<uint16_t>{80, 443}));
  EXPECT_TRUE(jobs[0].plan.warnings.empty());
  o.top_ports_count = 10;
  jobs = plan_scan_jobs({o, [](ScanOptions&) {}, ""}, r.fn());
  EXPECT_EQ(jobs[0].plan.ports.size(), 3u);
  ASSERT_FALSE(jobs[0].plan.warnings.empty());
  EXPECT_EQ(jobs[0].plan.warnings[0], "the database ranks only 3 ports; --top-ports 10 scans those");
}

TEST(ScanJobs, ExplicitPortsNeedNoPortSetDescription) {
  ScanOptions o = with_target("198.18.0.2");
  o.ports = "22,80";
  Ranking r;
  const auto jobs = plan_scan_jobs({o, [](ScanOptions&) {}, ""}, r.fn());
  EXPECT_EQ(jobs[0].port_set, "");
  EXPECT_EQ(jobs[0].plan.ports, (std::vector<uint16_t>{22, 80}));
}

TEST(ScanJobs, BadInputNamesWhatIsWrong) {
  ScanOptions o = with_target("198.18.0.2");
  o.job = "web";
  EXPECT_EQ(error_of(o), "--job needs --config");
  o = with_target("198.18.0.2");
  o.db = "broken.yaml";
  EXPECT_EQ(error_of(o), "port database: broken.yaml:3:1: bad entry");
  o = with_target("198.18.0.2");
  o.resume = "/nonexistent/resume.yaml";
  EXPECT_EQ(error_of(o, "--ports"), "--resume continues the scan in its file; --ports cannot change it");
  EXPECT_NE(error_of(o), "");  // the file itself is missing
}

TEST(ScanJobs, ConfigFileScansAreAllValidatedAndTheCommandLineOverrides) {
  const std::string path = write_temp(R"(
scans:
  - name: web
    targets: 198.18.1.0/28
    ports: [80, 443]
  - name: ssh
    targets: 198.18.0.2
    ports: [22]
)");
  ScanOptions cli;
  cli.config_file = path;
  Ranking r;
  const auto override_retries = [](ScanOptions& o) { o.retries = 7; };
  auto jobs = plan_scan_jobs({cli, override_retries, ""}, r.fn());
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0].name, "web");
  EXPECT_EQ(jobs[0].plan.targets.count(), 16u);
  EXPECT_EQ(jobs[1].name, "ssh");
  EXPECT_EQ(jobs[1].plan.retries, 7u);
  EXPECT_EQ(r.calls, 2);

  cli.job = "ssh";
  jobs = plan_scan_jobs({cli, override_retries, ""}, r.fn());
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].name, "ssh");
  cli.job = "mail";
  EXPECT_EQ(error_of(cli), path + " has no scan named 'mail' (it has: web, ssh)");
  std::remove(path.c_str());
}

TEST(ScanJobs, ABadScanLaterInAFileStopsTheWholeCommandAndIsNamed) {
  const std::string path = write_temp(R"(
scans:
  - name: fine
    targets: 198.18.0.2
    ports: [22]
  - name: broken
    targets: 198.18.0.0/33
    ports: [22]
)");
  ScanOptions cli;
  cli.config_file = path;
  const std::string error = error_of(cli);
  EXPECT_EQ(error.rfind("scan 'broken': ", 0), 0u) << error;
  std::remove(path.c_str());
}

TEST(OneHostPlan, OneAddressIsItsOwnLabel) {
  ScanOptions o = with_target("198.18.0.2");
  o.ports = "22";
  const OneHostPlan host = plan_one_host(o);
  EXPECT_EQ(host.address, Address::v4(0xc6120002));
  EXPECT_EQ(host.label, "198.18.0.2");
  EXPECT_EQ(host_label("lab-target", host.address), "lab-target (198.18.0.2)");
}

TEST(OneHostPlan, MoreThanOneAddressIsRefused) {
  ScanOptions o = with_target("198.18.0.0/30");
  o.ports = "22";
  try {
    plan_one_host(o);
    FAIL();
  } catch (const SpecError& e) {
    EXPECT_STREQ(e.what(), "'198.18.0.0/30' is 4 addresses; this command tests one host (use 'portauth scan' for several)");
  }
  o.targets = {"198.18.0.2", "198.18.0.3"};
  EXPECT_THROW(plan_one_host(o), SpecError);
}
