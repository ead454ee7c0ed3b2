// One scan on the real wire, for the subcommands: the route from the kernel, the engine's
// setup, the live wire (raw socket or TX ring + libpcap, or nothing for --dry-run /
// --pcap-out), the interrupt handlers, the privilege drop once the wire is open, the steady
// clock; then engine::run_scan (engine/run_scan.h has the scan itself).
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "output/report.h"
#include "config/resume_file.h"
#include "config/scan_plan.h"

namespace portauth::app {

// Throws common::SetupError before anything is sent when the wire cannot be set up.
struct RunOptions {
  std::string command_line;          // for ScanInfo
  output::ProgressCallback progress; // may be empty
  std::function<void()> progress_end; // once the loop is over, before any writer's finish(); may be empty
  const config::ResumeState* resume = nullptr;  // continue an interrupted scan
  std::string resume_path = "portauth-resume.yaml";  // where an interrupted scan writes one
  // Who to become once the wire is open (privileges.h); "root" keeps root.
  std::string user = "nobody";
  // ShieldsUP's TruStealth checks (engine/trustealth_watch.h); at most kMaxTrustealthTargets
  // addresses (std::invalid_argument otherwise).
  bool trustealth = false;
};

output::ScanSummary run_scan(const config::ScanPlan& plan, const output::Annotator& annotate,
                             const std::vector<output::ResultWriter*>& writers, const RunOptions& options = {});

}  // namespace portauth::app
