// Scan profiles in YAML: a file holds one scan, or a list of named scans under `scans:`
// (top-level scan keys then apply to every scan in the list, each scan overriding them).
//
//   targets: [198.18.0.2, 198.18.1.0/28]     # list, or one string; same grammar as the CLI
//   target_files: [hosts.txt]                # paths relative to the config file
//   excludes / exclude_files / allow         # as --exclude, --exclude-file, --allow
//   ports: "22,80,8000-8100"                 # or a list [22, 80, "8000-8100"],
//                                            # or {preset: common}, or {top: 100}
//   rate: 50000        retries: 2     wait: 1.5      seed: 42     shard: 1/4
//   interface: eth0    source_ip: ... source_port: 61000-61255
//   show: [open, closed]                     # or "all"
//   outputs: [{format: jsonl, path: out.jsonl}, {format: text}]
//   database: ../db/data/ports.yaml          confirm_large: false
//
// The keys are the option table's (option_table.h: each row's yaml_key), plus `name` and
// `scans`; `timing: 4` applies nmap's -T4 to the keys the scan does not set itself.
// Everything is validated here, with FILE:LINE:COL in every message; an unknown key names
// the closest known one. The result is raw ScanOptions, validated again (values, ranges)
// by build_scan_plan like command-line input.
//
// Hostile input: the text is checked against kConfigYamlLimits (yaml_limits.h: 4 MiB, 200,000
// nodes, 32 levels, no aliases, one document) before YAML::Load builds a tree; a key repeated
// in one map is an error; all scans together hold at most 1,000,000 list items.
#pragma once
#include <set>
#include <string>
#include <vector>

#include "config/scan_plan.h"

namespace portauth::config {

struct ConfigScan {
  std::string name;            // "" for a single-scan file
  ScanOptions options;         // ports: {top: N} is options.top_ports_count; database: is options.db
  std::set<std::string> keys;  // the keys this scan set (after defaults), e.g. "rate"
};

std::vector<ConfigScan> load_config_file(const std::string& path);
std::vector<ConfigScan> parse_config_text(const std::string& text, const std::string& name,
                                          const std::string& base_dir);

}  // namespace portauth::config
