// What scan, probe and shieldsup share around run_scan: the same privilege drop (--user,
// default $SUDO_USER, else nobody), the same resume file on an interrupt (--resume-file),
// and the same status lines (-v / -d: the plan before the scan; the resume hint after it).
#pragma once
#include <string>

#include "output/report.h"
#include "config/resume_file.h"
#include "config/scan_options.h"
#include "config/scan_plan.h"
#include "app/scan_runner.h"

namespace portauth::app {

// RunOptions for `o`: who to become once the wire is open, where an interrupt writes its
// resume file, the command line for the reports.
RunOptions run_options_for(const config::ScanOptions& o, const std::string& command_line);

// Prints the plan's warnings and notices; with -v (or -d) one line describing the scan, with
// -vv (or -d) its details. `port_set` describes the ports when no option chose them.
void print_plan(const config::ScanPlan& plan, const config::ScanOptions& o, const std::string& where,
                const std::string& port_set);

// After run_scan: how to finish an interrupted scan, or the removal of the resume file that
// a finished resumed scan no longer needs.
void report_resume(const output::ScanSummary& summary, const config::ResumeState* resumed,
                   const std::string& resume_path);

}  // namespace portauth::app
