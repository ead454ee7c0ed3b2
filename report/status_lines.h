// The status lines a scan prints on stderr around its results, as text (the caller prefixes
// "portauth: "): the plan before the scan, what was sent and received after it. Pure, so the
// wording is tested without a scan.
#pragma once
#include <string>
#include <vector>

#include "config/scan_plan.h"
#include "output/report.h"

namespace portauth::report {

// The plan's warnings ("warning: ...") and notices ("note: ..."); at `verbosity` 1 (-v) one
// line describing the scan, at 2 (-vv, -d) its details too. `where` names the scan of a
// config file ("scan 'web': "); `port_set` describes the ports when no option chose them.
// The plan's outputs, "jsonl to out.jsonl, text to stdout".
std::string output_list(const config::ScanPlan& plan);

std::vector<std::string> plan_lines(const config::ScanPlan& plan, int verbosity, const std::string& where,
                                    const std::string& port_set);

// After the scan: packets sent, replies accepted and rejected, capture drops; the default
// port set when it was used; for --pcap-out, what was generated instead. (A dry run has lines
// of its own: report/dry_run_report.h.)
std::vector<std::string> run_lines(const output::ScanSummary& summary, const config::ScanPlan& plan,
                                   const std::string& port_set);

// After a ShieldsUP test: SYNs and pings sent, and what the host sent besides its echo replies.
std::string shieldsup_run_line(const output::ScanSummary& summary);

}  // namespace portauth::report
