#include <gtest/gtest.h>

#include "config/config_file.h"
#include "config/spec_error.h"

using namespace portauth::config;

namespace {

std::string error_of(const std::string& yaml) {
  try {
    parse_config_text(yaml, "scan.yaml", "/etc/portauth");
  } catch (const SpecError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(ConfigFile, SingleScanWithEveryKey) {
  const auto scans = parse_config_text(R"(
targets: [198.18.0.2, 198.18.1.0/28]
target_files: hosts.txt
excludes: 198.18.1.3
exclude_files: [/abs/never.txt]
allow: [198.18.0.0/15]
ports: [22, 80, "8000-8010"]
rate: 50000
retries: 3
wait: 1.5
interface: veth-scan
source_ip: 198.18.0.1
source_port: 61000-61100
seed: 42
shard: 2/4
show: [open, closed]
outputs:
  - {format: jsonl, path: out.jsonl}
  - {format: text}
database: ../db.yaml
confirm_large: true
)",
                                       "scan.yaml", "/etc/portauth");
  ASSERT_EQ(scans.size(), 1u);
  const ScanOptions& o = scans[0].options;
  EXPECT_EQ(o.targets, (std::vector<std::string>{"198.18.0.2", "198.18.1.0/28"}));
  EXPECT_EQ(o.target_files, (std::vector<std::string>{"/etc/portauth/hosts.txt"}));
  EXPECT_EQ(o.exclude_files, (std::vector<std::string>{"/abs/never.txt"}));
  EXPECT_EQ(o.excludes, (std::vector<std::string>{"198.18.1.3"}));
  EXPECT_EQ(o.ports, "22,80,8000-8010");
  EXPECT_EQ(o.rate, "50000");
  EXPECT_EQ(o.retries, 3);
  EXPECT_DOUBLE_EQ(o.wait_seconds, 1.5);
  EXPECT_EQ(o.interface, "veth-scan");
  EXPECT_EQ(o.source_port, "61000-61100");
  EXPECT_EQ(o.seed, 42u);
  EXPECT_EQ(o.shard, "2/4");
  EXPECT_EQ(o.show, "open,closed");
  ASSERT_EQ(o.extra_outputs.size(), 2u);
  EXPECT_EQ(o.extra_outputs[0], (std::pair<std::string, std::string>{"jsonl", "/etc/portauth/out.jsonl"}));
  EXPECT_EQ(o.extra_outputs[1], (std::pair<std::string, std::string>{"text", "-"}));
  EXPECT_EQ(scans[0].options.db, "/etc/portauth/../db.yaml");
  EXPECT_TRUE(o.confirm_large);
  EXPECT_TRUE(scans[0].keys.count("rate"));
  EXPECT_FALSE(scans[0].keys.count("name"));
}

TEST(ConfigFile, NamedScansInheritTopLevelDefaults) {
  const auto scans = parse_config_text(R"(
allow: 198.18.0.0/15
rate: 1000
scans:
  - name: web
    targets: 198.18.1.0/24
    ports: {preset: common}
  - name: top
    targets: 198.18.0.2
    ports: {top: 100}
    rate: 20000
)",
                                       "s.yaml", ".");
  ASSERT_EQ(scans.size(), 2u);
  EXPECT_EQ(scans[0].name, "web");
  EXPECT_EQ(scans[0].options.preset, "common");
  EXPECT_EQ(scans[0].options.rate, "1000");
  EXPECT_EQ(scans[0].options.allow, (std::vector<std::string>{"198.18.0.0/15"}));
  EXPECT_EQ(scans[1].options.top_ports_count, 100u);
  EXPECT_EQ(scans[1].options.rate, "20000");
}

TEST(ConfigFile, ErrorsNameFileLineAndColumn) {
  EXPECT_EQ(error_of("targets: 198.18.0.2\nrtae: 5\n"), "scan.yaml:2:1: unknown key 'rtae' (did you mean 'rate'?)");
  EXPECT_EQ(error_of("targets: 198.18.0.2\nbanana: 5\n"), "scan.yaml:2:1: unknown key 'banana'");
  EXPECT_EQ(error_of("retries: lots\n"), "scan.yaml:1:10: 'retries' must be a whole number from 0 to 20, not 'lots'");
  EXPECT_EQ(error_of("retries: 99\n"), "scan.yaml:1:10: 'retries' must be a whole number from 0 to 20, not '99'");
  EXPECT_EQ(error_of("targets: {a: 1}\n"), "scan.yaml:1:10: 'targets' must be a string or a list of strings");
  EXPECT_EQ(error_of("ports: \"22,,80\"\n"),
            "scan.yaml:1:8: bad port list '22,,80': empty item (two commas in a row, or a leading/trailing comma)");
  EXPECT_EQ(error_of("ports: [22, 65536]\n"), "scan.yaml:1:13: bad port list '65536': port 65536 is out of range 0-65535");
  EXPECT_EQ(error_of("ports: {presett: common}\n"), "scan.yaml:1:9: unknown key 'presett' (did you mean 'preset'?)");
  EXPECT_EQ(error_of("wait: soon\n"), "scan.yaml:1:7: 'wait' must be a number, not 'soon'");
  EXPECT_EQ(error_of("show: [open, shut]\n"),
            "scan.yaml:1:7: bad --show 'open,shut': 'shut' is not one of open, closed, stealth, all, canaries");
  EXPECT_EQ(error_of("outputs: [{format: pdf}]\n"),
            "scan.yaml:1:20: bad output format 'pdf': use text, jsonl, xml, grepable, csv or html");
  EXPECT_EQ(error_of("outputs: [{path: a}]\n"), "scan.yaml:1:11: an output needs a 'format'");
  EXPECT_EQ(error_of("confirm_large: maybe\n"), "scan.yaml:1:16: 'confirm_large' must be true or false, not 'maybe'");
  EXPECT_EQ(error_of("scans: []\n"), "scan.yaml:1:8: 'scans' must be a non-empty list of scans");
  EXPECT_EQ(error_of("scans:\n  - targets: 1.2.3.4\n"), "scan.yaml:2:5: each entry of 'scans' needs a 'name'");
  EXPECT_EQ(error_of("scans:\n  - {name: a}\n  - {name: a}\n"), "scan.yaml:3:5: a scan named 'a' is already defined");
  EXPECT_EQ(error_of("- 1\n- 2\n"), "scan.yaml:1:1: a config file must be a map of scan options (or hold a 'scans:' list)");
  EXPECT_EQ(error_of(""), "scan.yaml:1:1: the config file is empty");
  EXPECT_EQ(error_of("targets: [1, 2\n"), "scan.yaml:2:1: end of sequence flow not found");
}

TEST(ConfigFile, MissingFile) {
  try {
    load_config_file("/nonexistent/scan.yaml");
    FAIL();
  } catch (const SpecError& e) {
    EXPECT_STREQ(e.what(), "cannot read config file '/nonexistent/scan.yaml': No such file or directory");
  }
}
