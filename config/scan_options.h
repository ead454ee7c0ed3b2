// ScanOptions: what the user asked for, as typed (strings, not yet validated), from the
// command line, a config file or a resume file. Every field is declared as an option in
// option_table.h, which says how each surface reads it; build_scan_plan (scan_plan.h)
// validates the scan's part of it into a ScanPlan. Empty string / nullopt / 0 = not given.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace portauth::config {

struct ScanOptions {
  // What to scan.
  std::vector<std::string> targets;
  std::vector<std::string> target_files;   // -iL ("-": standard input)
  std::vector<std::string> exclude_files;  // --exclude-file
  std::string shard;                  // "i/n", 1-based
  std::string ports;                  // -p spec (nmap's T:/U: prefixes allowed: port_spec.h)
  bool syn_scan = false;              // -sS: scan TCP (the default unless -sU alone is given)
  bool udp_scan = false;              // -sU: scan UDP (plain ports go to every protocol asked for)
  std::string preset;                 // common | service | all
  uint64_t top_ports_count = 0;       // --top-ports N (resolved from the database into top_ports)
  std::vector<uint16_t> top_ports;    // the ports --top-ports N (or the default set) stands for
  std::vector<uint16_t> udp_top_ports;  // the same for UDP, with -sU (resolved by the caller)
  std::vector<std::string> excludes;
  std::vector<std::string> allow;
  bool confirm_large = false;
  // Pacing.
  std::string timing;                 // -T0..-T5 (or a template name): timing_templates.h
  std::string rate = "max";           // the controller's ceiling (with fixed_rate: the rate), or "max"
  double min_rate = 0;                // --min-rate: the floor (0: none)
  bool fixed_rate = false;            // --fixed-rate: hold the ceiling, do not adapt
  int retries = 2;
  double wait_seconds = 1.0;
  int canaries = 3;                   // --canaries: canary ports per host (verdict/canaries.h)
  bool wait_unreachable = false;      // --wait-unreachable: classify every UDP port, at the ICMP rate
  uint64_t pcap_buffer = 0;           // --pcap-buffer BYTES (0: sized from the rate)
  // The wire.
  std::string interface;
  std::string source_ip;
  std::string source_port;
  std::optional<uint64_t> seed;
  std::string send_mode = "auto";  // --send-mode auto | raw | ring | xdp
  bool dry_run = false;           // --dry-run
  std::string pcap_out;           // --pcap-out FILE
  // Service identification (-sV; service/service_stage.h). `scan` identifies with
  // service_scan, `probe` and `shieldsup` unless no_service_scan.
  bool service_scan = false;                // -sV, --service-scan
  bool no_service_scan = false;             // --no-service-scan
  uint64_t service_concurrency = 4096;      // connections at once (then the open-file limit)
  double service_timeout = 5.0;             // seconds, per connection
  // What to report.
  std::string show = "open";
  std::string format = "text";             // --format: the format of -o (or of stdout)
  std::string output_path;                  // -o
  std::vector<std::pair<std::string, std::string>> extra_outputs;  // (format, path): -oX FILE, ...
  std::string progress = "auto";            // --progress (on) / --no-progress (off)
  std::string summary_json;                 // --summary-json FILE
  std::string manifest;                     // --manifest FILE (merge/manifest.h)
  std::string report;                       // --report shieldsup
  int verbose = 0;                          // -v, repeatable
  int debug = 0;                            // -d, repeatable
  // Running.
  std::string db;                           // --db / database:
  std::string user;                         // --user ("" = $SUDO_USER, else nobody)
  std::string config_file;                  // -c / --config
  std::string job;                          // --job
  std::string resume;                       // --resume FILE
  std::string resume_file = "portauth-resume.yaml";  // where an interrupt writes one

  bool operator==(const ScanOptions&) const = default;
};

}  // namespace portauth::config
