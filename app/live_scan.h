// One scan on the real wire, for every subcommand that scans (scan, probe, shieldsup): the
// route from the kernel, the engine's setup, the live wire (raw socket or TX ring + libpcap,
// or nothing for --dry-run / --pcap-out), the interrupt handlers, the privilege drop once the
// wire is open, the steady clock; then engine::run_scan (engine/run_scan.h has the scan).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "app/resume_file_slot.h"
#include "config/scan_options.h"
#include "config/scan_plan.h"
#include "engine/run_scan.h"
#include "output/report.h"

namespace portauth::app {

struct LiveScanOptions {
  // What the caller decides: command line, progress, resume state and resume file. The rest
  // (interrupt flags, the privilege drop, the extension) run_live_scan fills in.
  engine::RunOptions run;
  // The resume file the user named, opened before any privilege drop (resume_file_slot.h).
  // Null: run_live_scan opens it itself when the path is named (before its own drop), which
  // is early enough for a command that runs one scan.
  std::shared_ptr<ResumeFileSlot> resume_slot;
  std::string user = "nobody";  // who to become once the wire is open (privileges.h); "root" keeps root
  bool trustealth = false;      // ShieldsUP's checks (engine/trustealth_watch.h)
  int verbosity = 0;            // -v and more: say which send path the wire took, and why
};

// The same for all three commands: --user (default $SUDO_USER, else nobody), --resume-file,
// the command line for the reports.
LiveScanOptions live_scan_options(const config::ScanOptions& o, const std::string& command_line);

// Throws common::SetupError before anything is sent when the wire (or a named resume file)
// cannot be set up, and std::invalid_argument for TruStealth checks on more than
// kMaxTrustealthTargets addresses.
output::ScanSummary run_live_scan(const config::ScanPlan& plan, const output::Annotator& annotate,
                                  const std::vector<output::ResultWriter*>& writers, LiveScanOptions options);

}  // namespace portauth::app
