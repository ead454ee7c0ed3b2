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
#include "scan_plan.h"

namespace portauth::app {

// Throws scanner::SetupError before anything is sent when the wire cannot be set up.
output::ScanSummary run_scan(const config::ScanPlan& plan, const output::Annotator& annotate,
                             const std::vector<output::ResultWriter*>& writers);

}  // namespace portauth::app
