// Runs one scan on the wire: picks the route, builds the SYN template, opens the capture
// and the raw socket, then runs the sender and capture threads around the shared probe
// table while this (main) thread drains results to the writers.
//
//   sender thread --SYN--> wire --reply--> capture thread
//        |  reads                             | CAS first answer
//        +-------------> ProbeTable <----------+
//                                              | ScanResult
//   main thread <------ SpscQueue <------------+
//        -> writers (streamed), stealth computed from the table at the end
//
// Ctrl-C / SIGTERM: stop sending, keep capturing for the wait time, then finish normally;
// a second signal ends at once. Either way every result found is written.
#pragma once
#include <vector>

#include "report.h"
#include "resume_file.h"
#include "scan_plan.h"

namespace portauth::app {

// Throws scanner::SetupError before anything is sent when the wire cannot be set up.
struct RunOptions {
  std::string command_line;          // for ScanInfo
  output::ProgressCallback progress; // may be empty
  // Continue an interrupted scan: its first pass starts at resume->next_slot and the slots
  // it already answered are neither probed nor reported again.
  const config::ResumeState* resume = nullptr;
  // Where an interrupted scan writes its resume file.
  std::string resume_path = "portauth-resume.yaml";
  // Who to become once the wire is open (privileges.h); "root" keeps root.
  std::string user = "nobody";
  // ShieldsUP's TruStealth checks (trustealth_watch.h): capture everything from the targets
  // and ping them; fills ScanSummary's trustealth fields. At most kMaxTrustealthTargets
  // addresses (std::invalid_argument otherwise).
  bool trustealth = false;
};

output::ScanSummary run_scan(const config::ScanPlan& plan, const output::Annotator& annotate,
                             const std::vector<output::ResultWriter*>& writers, const RunOptions& options = {});

}  // namespace portauth::app
