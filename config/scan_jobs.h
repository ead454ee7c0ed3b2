// The scans one `portauth scan` command line asks for, each validated into a plan before any
// of them sends a packet: the command line alone, every scan of a --config file (or the one
// --job names), or the scan a --resume file continues. The command line's options override
// a file's; a --resume file's probe space cannot be changed (only pacing, wire and outputs).
//
// Validating every scan first is the point: a bad scan late in a file must be found before
// the first one has sent its packets. Pure: reads the YAML files, opens no socket.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/resume_file.h"
#include "config/scan_options.h"
#include "config/scan_plan.h"

namespace portauth::config {

struct ScanJob {
  std::string name;           // "" for the command line's scan; the config file's name otherwise
  ScanOptions options;        // file + command line: who to become, resume file, outputs, ...
  ScanPlan plan;
  std::string port_set;       // describes the default port set when no option chose the ports
  std::shared_ptr<const ResumeState> resume;  // set for --resume
};

// What the command line contributes: its options, how it overrides a file's, and the first
// option it gives that a resume cannot take ("" when none).
struct CommandLineView {
  const ScanOptions& options;
  std::function<void(ScanOptions&)> override_options;
  std::string refused_by_resume;
};

// The port database named by a scan's --db, loaded (or taken from a cache): its ports of each
// protocol ranked by how often they are found open, most often first (nmap's frequency
// order). Called once per scan, so that a database that does not load stops the command
// before anything is sent; it throws what the loader throws.
struct RankedPorts {
  std::vector<uint16_t> tcp, udp;
};
using PortRanking = std::function<RankedPorts(const ScanOptions&)>;

// Throws SpecError naming the scan ("scan 'web': ...") for any bad input.
std::vector<ScanJob> plan_scan_jobs(const CommandLineView& command_line, const PortRanking& ranking);

// One scan's plan: --top-ports N takes the ranking's first N (a warning when it ranks fewer),
// no port option at all takes the default port set (presets.h); with -sU the same for UDP
// (the default UDP set: every ranked UDP port); then --shard auto and the plan itself.
// `name` prefixes the errors.
ScanJob plan_scan_job(const std::string& name, ScanOptions options, const PortRanking& ranking);

}  // namespace portauth::config
