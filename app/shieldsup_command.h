// `portauth shieldsup HOST [--preset common|service|all] [-p PORTS] [--top-ports N]`: tests one
// host the way GRC's ShieldsUP does and prints its report (shieldsup_report.h): the counts,
// the per-port table with each open or closed port's security implications, and the
// TruStealth verdict. The default port set is the common preset. `portauth scan HOST ...
// --report shieldsup` prints the same report for a scan's plan.
//
// Exit codes: 0 the test ran (whatever the verdict), 1 bad input (before anything is sent;
// also more than one address), 2 the wire could not be set up.
#pragma once
#include <CLI/CLI.hpp>
#include <string>

#include "db/port_db.h"
#include "config/scan_plan.h"

namespace portauth::app {

void add_shieldsup_command(CLI::App& app, int& exit_code, const std::string& command_line);

// Runs `plan` (exactly one target address, live) with the TruStealth checks and prints the
// report on standard output. The plan's outputs that write to files still get the results
// their --show asked for; outputs to standard output give way to the report. `host_label`:
// how the report names the host ("" = the address). `options` gives who to become and where
// an interrupt writes its resume file (live_scan.h). `identify`: -sV on the open ports (the
// report then says what answers on each). Prints errors; returns the exit code.
int run_shieldsup_report(config::ScanPlan plan, const db::PortDb& db, const std::string& host_label,
                         const config::ScanOptions& options, const std::string& command_line, bool identify);

}  // namespace portauth::app
