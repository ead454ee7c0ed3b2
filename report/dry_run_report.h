// What `scan --dry-run` prints instead of results (issue 19.8: a dry run used to take the
// whole scan's waits, report every port stealth and "3 packets sent ... on eth0", then say
// "nothing was sent"). A dry run states what the scan would do and reports no port state:
//
//   dry run: would send 1 SYN (1 address x 1 port) from 198.18.0.1 on veth-scan in 1 pass, then
//            up to 2 retry passes over the ports that do not answer (more while retries find answers)
//   dry run: rate: from 50,000 SYNs a second, doubling while the answers keep up, up to 10,000,000
//            (--rate max); slower for hosts whose answers fall behind
//   dry run: time: under 0.01 s of sending if nothing holds the rate back, and up to 1 s
//            of waiting for late replies after each pass (3 round trips, at least 0.05 s)
//   dry run: would write: text to stdout
//   dry run: 1 probes generated at 41667 pps by this machine (in 0.000 s); nothing was sent
//
// The last line's "N probes generated at P pps" is read by scripts/bench_dryrun_mem.py and the
// tests. Pure: tested on fixed summaries.
#pragma once
#include <string>
#include <vector>

#include "config/scan_plan.h"
#include "output/report.h"

namespace portauth::report {

std::vector<std::string> dry_run_lines(const output::ScanSummary& summary, const config::ScanPlan& plan,
                                       const std::string& port_set);

}  // namespace portauth::report
