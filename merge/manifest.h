// Shard manifests: the small JSON file a scan writes with --manifest FILE, so that the
// shards of one scan, run on different machines, can be checked and merged (merge.h).
//
//   {"portauth_manifest": 1,
//    "fingerprint": "<sha256 of the plan below, hex>",
//    "plan": {"targets": ["198.18.1.0-198.18.1.255"], "ports": "22,80", "seed": 42, "shards": 4},
//    "shard": 3,                      1-based, as --shard 3/4 says it
//    "complete": true,                every pass ran and nothing interrupted it
//    "interrupted": false, "resume_file": null, "error": null,
//    "show": "open,closed,stealth",   the states the outputs hold (--show)
//    "counts": {"open":..., "closed":..., "stealth":..., "probed":..., "not_sent":...,
//               "packets_sent":..., "send_errors":..., "passes":...,
//               "last_retry_answers":...},   (absent from older manifests: 0)
//    "pcap": {"received":..., "dropped":...},
//    "rate": 10000, "retries": 2,
//    "start": 1700000000, "end": 1700000060,   Unix seconds
//    "host": "node7", "argv": ["portauth", "scan", ...],
//    "engine": {"JOB_COMPLETION_INDEX": "2"} | {"SLURM_ARRAY_TASK_ID": "3", ...} | {},
//    "outputs": [{"format": "jsonl", "path": "shard-3.jsonl", "bytes": 1234, "sha256": "..."}],
//    "services": {"identified":..., "unrecognised":..., "silent":..., "tcpwrapped":...,
//                 "unfinished":..., "not_tried":..., "connections":...,
//                 "seconds_after_scan":...}}   (-sV only)
//
// The fingerprint covers exactly what makes two shards slices of one probe space: the
// targets left after every exclude (so the excludes are in it), the ports, the seed and the
// shard count. Never the cookie key (it never leaves the run), the shard index, the rate or
// anything about the machine. Output paths are stored relative to the manifest's directory
// when they lie under it (a directory collected from many machines stays consistent), else
// absolute. Standard output ("-") has no checksum.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "output/report.h"
#include "config/scan_plan.h"

namespace portauth::merge {

// The probe space's identity (see above).
struct PlanKey {
  std::vector<std::pair<config::Address, config::Address>> targets;  // inclusive ranges, ascending
  std::vector<uint16_t> ports;                          // TCP: sorted, unique
  std::vector<uint16_t> udp_ports;                      // UDP: sorted, unique (written "T:..,U:.." when any)
  uint64_t seed = 0;
  uint32_t shards = 1;
  bool operator==(const PlanKey&) const = default;
};

PlanKey plan_key(const config::ScanPlan& plan);
std::string fingerprint(const PlanKey& key);
// What differs between two keys, e.g. "seed 42 vs 43; ports 22,80 vs 22,443" ("" if equal).
std::string describe_difference(const PlanKey& a, const PlanKey& b);

struct ManifestOutput {
  std::string format;  // config::output_format_name
  std::string path;    // as stored ("-" for standard output)
  uint64_t bytes = 0;
  std::string sha256;  // "" for standard output, or a file that could not be read back
};

struct Manifest {
  PlanKey plan;
  std::string fingerprint;
  uint32_t shard = 1;  // 1-based
  bool complete = false;
  bool interrupted = false;
  std::string resume_file;  // "" when none
  std::string error;        // a setup error: nothing was sent
  unsigned show = config::kShowOpen;
  output::ScanSummary counts;  // the counters above (service_scan: "services" is there); the rest is unset
  double rate = 0;
  unsigned retries = 0;
  int64_t start = 0, end = 0;
  std::string host;
  std::vector<std::string> argv;
  std::map<std::string, std::string> engine;  // the batch engine's variables, if any
  std::vector<ManifestOutput> outputs;
};

// The engine variables a manifest records (those of them that are set).
std::map<std::string, std::string> engine_environment();

// Builds a finished scan's manifest; reads back and hashes every output file, through
// `fds[i]` for plan.outputs[i] when given (descriptors opened before the scan dropped its
// privileges), else by path. `manifest_path` decides how output paths are stored (see above).
Manifest make_manifest(const config::ScanPlan& plan, unsigned show, const output::ScanSummary& s,
                       const std::string& manifest_path, const std::vector<int>* fds = nullptr);

std::string manifest_json(const Manifest& m);
// Throws std::runtime_error "FILE:LINE:COL: what" (or "FILE: what") for a malformed file.
Manifest parse_manifest(const std::string& text, const std::string& name);
Manifest load_manifest(const std::string& path);

// --manifest FILE with several scans in one config file: FILE for an unnamed scan,
// else the scan's name before the extension ("m.json" + "web" -> "m.web.json").
std::string manifest_path_for(const std::string& path, const std::string& scan_name);

}  // namespace portauth::merge
