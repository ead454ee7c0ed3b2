// Hostile YAML for config/'s two readers (scan configurations and resume files): deep
// nesting, huge files, aliases, repeated keys and many scans are refused quickly, with
// FILE:LINE:COL, and without building a huge YAML::Node tree first (config/yaml_limits.h).
// Each case also has a time bound: a loader that hangs fails here instead of hanging CI.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "config/config_file.h"
#include "config/resume_file.h"
#include "config/spec_error.h"
#include "config/yaml_limits.h"

using namespace portauth::config;

namespace {

// The error text of loading `yaml` as a scan configuration ("" if it loads), and how long it took.
std::string config_error(const std::string& yaml, double* seconds = nullptr) {
  const auto t0 = std::chrono::steady_clock::now();
  std::string what;
  try {
    parse_config_text(yaml, "scan.yaml", "/etc/portauth");
  } catch (const SpecError& e) {
    what = e.what();
  }
  if (seconds) *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return what;
}

std::string resume_error(const std::string& text) {
  try {
    parse_resume_text(text, "r.yaml");
  } catch (const SpecError& e) {
    return e.what();
  }
  return "";
}

const char* kResume = R"(portauth_resume: 1
targets: [198.18.0.2-198.18.0.2]
ports: 0-1055
seed: 42
shard: 1/1
rate: 10000
retries: 2
wait: WAIT
interface: veth-scan
source_ip: ""
show: open
outputs: []
next_slot: 5
answered: 3
)";

std::string resume_with_wait(const std::string& wait) {
  std::string s = kResume;
  s.replace(s.find("WAIT"), 4, wait);
  return s;
}

}  // namespace

TEST(HostileYaml, DeepNestingIsRefusedAtTheLimit) {
  double secs = 0;
  // 100,000 levels of flow lists (the root map is level 1, so the 32nd "[" is one too many).
  EXPECT_EQ(config_error("targets: " + std::string(100000, '[') + std::string(100000, ']') + "\n", &secs),
            "scan.yaml:1:41: YAML nested more than 32 levels deep for a scan configuration");
  EXPECT_LT(secs, 2.0);
  // Block maps nested 1,000 deep.
  std::string block = "targets:\n";
  for (int i = 1; i < 1000; ++i) block += std::string(size_t(i), ' ') + "a:\n";
  EXPECT_EQ(config_error(block), "scan.yaml:33:33: YAML nested more than 32 levels deep for a scan configuration");
  // A resume file needs 3 levels.
  EXPECT_EQ(resume_error("portauth_resume: 1\ntargets: [[[[[[[[[1]]]]]]]]]\n"),
            "r.yaml:2:17: YAML nested more than 8 levels deep for a resume file");
}

TEST(HostileYaml, HugeFilesAreRefusedBeforeTheyAreLoaded) {
  double secs = 0;
  // 8 MB of one flow list: YAML::Load would build ~1 GB of nodes; refused by size at once.
  std::string list = "targets: [";
  while (list.size() < (8u << 20)) list += "198.18.0.2,";
  list += "198.18.0.2]\n";
  EXPECT_EQ(config_error(list, &secs), "scan.yaml: too large for a scan configuration (" + std::to_string(list.size()) +
                                           " bytes; the limit is 4194304)");
  EXPECT_LT(secs, 1.0);
  // Under the byte limit but too many nodes: refused at the 200,001st, without a tree.
  std::string many = "targets: [";
  for (int i = 0; i < 300000; ++i) many += "1,";
  many += "1]\n";
  ASSERT_LT(many.size(), kConfigYamlLimits.max_bytes);
  const std::string err = config_error(many, &secs);
  EXPECT_EQ(err, "scan.yaml:1:400005: too many YAML nodes (more than 200000) for a scan configuration");
  EXPECT_LT(secs, 5.0);
  // A long but legitimate list still loads (and yields every item).
  std::string ok = "targets: [";
  for (int i = 0; i < 50000; ++i) ok += "198.18.1." + std::to_string(i % 256) + ",";
  ok += "198.18.0.2]\n";
  const auto scans = parse_config_text(ok, "scan.yaml", ".");
  ASSERT_EQ(scans.size(), 1u);
  EXPECT_EQ(scans[0].options.targets.size(), 50001u);
}

TEST(HostileYaml, AliasesAreRefused) {
  // With aliases, N list items referenced M times would cost N x M: refused outright.
  EXPECT_EQ(config_error("targets: &t [198.18.0.2]\nexcludes: *t\n"),
            "scan.yaml:2:11: YAML aliases (*name) are not supported in a scan configuration; write the value out");
  EXPECT_EQ(resume_error("portauth_resume: &v 1\nseed: *v\n"),
            "r.yaml:2:7: YAML aliases (*name) are not supported in a resume file; write the value out");
}

TEST(HostileYaml, RepeatedKeysAndSecondDocumentsAreErrors) {
  EXPECT_EQ(config_error("rate: 100\nretries: 1\nrate: 200\n"), "scan.yaml:3:1: 'rate' is given twice in the same map");
  EXPECT_EQ(config_error("scans:\n  - name: a\n    targets: 1.2.3.4\n    targets: 1.2.3.5\n"),
            "scan.yaml:4:5: 'targets' is given twice in the same map");
  EXPECT_EQ(config_error("rate: 100\n---\nrate: 200\n"),
            "scan.yaml:2:1: more than one YAML document ('---') in a scan configuration");
}

TEST(HostileYaml, ManyScansTimesLongDefaultsIsBounded) {
  // Top-level lists are copied into every scan: 40,000 defaults x 40 scans would be 1.6 M
  // strings. The loader stops at the scan that passes 1,000,000 list items in all.
  std::string yaml = "targets: [";
  for (int i = 0; i < 40000; ++i) yaml += "198.18.1.1,";
  yaml += "198.18.1.1]\nscans:\n";
  for (int i = 0; i < 40; ++i) yaml += "  - {name: s" + std::to_string(i) + "}\n";
  double secs = 0;
  EXPECT_EQ(config_error(yaml, &secs),
            "scan.yaml:27:5: the scans of this file list more than 1000000 targets, excludes and outputs in all "
            "(top-level lists count once per scan); put long lists in target_files");
  EXPECT_LT(secs, 5.0);
}

TEST(HostileYaml, EmptyFileNamesInListsAreErrors) {
  // Found with the fuzz_config_file harness (a hand-made input run through it while writing it,
  // its assertions on): an empty name reached std::string::front() (undefined).
  EXPECT_EQ(config_error("targets: [1.2.3.4]\ntarget_files: [\"\"]\n"), "scan.yaml:2:16: 'target_files' is empty");
  EXPECT_EQ(config_error("exclude_files: \"\"\n"), "scan.yaml:1:16: 'exclude_files' is empty");
  EXPECT_EQ(config_error("exclude_files: [{a: 1}]\n"), "scan.yaml:1:17: 'exclude_files' must be a file name");
}

TEST(HostileYaml, ResumeWaitMustBeAWholeNumberText) {
  // std::stod threw std::out_of_range (not SpecError) for 1e999 and accepted "1abc".
  EXPECT_EQ(resume_error(resume_with_wait("1e999")), "r.yaml:8:7: 'wait' must be a number, not '1e999'");
  EXPECT_EQ(resume_error(resume_with_wait("1abc")), "r.yaml:8:7: 'wait' must be a number, not '1abc'");
  EXPECT_EQ(resume_error(resume_with_wait("1.5")), "");
}

// Issue 19.5: a resumed scan's totals missed the ports answered before the interrupt. The resume
// file counts them now; the counts must fit the answered slots it lists.
TEST(HostileYaml, ResumeFilesCountTheEarlierRunsAndTheCountsMustFit) {
  ScanOptions o;
  o.targets = {"198.18.0.2"};
  o.ports = "0-1055";
  const ScanPlan plan = build_scan_plan(o);
  const std::string path = ::testing::TempDir() + "earlier-runs.yaml";
  write_resume_file(path, plan, 600, {{0, 9}, {20, 29}}, {.runs = 2, .open = 3, .closed = 17, .packets_sent = 640,
                                                          .seconds = 1.25});
  const ResumeState st = load_resume_file(path);
  std::remove(path.c_str());
  EXPECT_EQ(st.next_slot, 600u);
  EXPECT_EQ(st.earlier.runs, 2u);
  EXPECT_EQ(st.earlier.open, 3u);
  EXPECT_EQ(st.earlier.closed, 17u);
  EXPECT_EQ(st.earlier.packets_sent, 640u);
  EXPECT_DOUBLE_EQ(st.earlier.seconds, 1.25);
  // A file from before the counts were kept still loads, with none.
  EXPECT_EQ(parse_resume_text(resume_with_wait("1"), "r.yaml").earlier.runs, 0u);
  // More answers than 'answered' holds (one slot, 3): refused where it is wrong.
  EXPECT_EQ(resume_error(resume_with_wait("1") +
                         "earlier: {runs: 1, open: 1, closed: 1, packets_sent: 9, milliseconds: 5}\n"),
            "r.yaml:15:10: 'earlier' counts more answers than 'answered' holds");
  EXPECT_EQ(resume_error(resume_with_wait("1") + "earlier: {runs: 1, open: 1}\n"),
            "r.yaml:15:10: 'earlier' has no 'closed'");
}
