// What scan, probe and shieldsup print the same way on stderr: the plan's status lines
// (report/status_lines.h) before the scan, the resume hint after it, a database that does
// not load, a HOST that is not one host.
#pragma once
#include <memory>
#include <optional>
#include <string>

#include "config/one_host_plan.h"
#include "config/resume_file.h"
#include "config/scan_options.h"
#include "config/scan_plan.h"
#include "db/port_db.h"
#include "output/report.h"

namespace portauth::app {

// The plan's warnings and notices; with -v (or -d) the plan, with -vv (or -d) its details.
void print_plan(const config::ScanPlan& plan, const config::ScanOptions& o, const std::string& where,
                const std::string& port_set);

// After an interrupted scan: what is left, and how to finish it; after a resumed one, that its
// counts are the whole scan's. (A finished resumed scan's resume file is removed by its
// ResumeFileSlot, app/resume_file_slot.h.)
void report_resume(const output::ScanSummary& summary);

// Loads the database named by --db (or the defaults). Prints the error and returns null.
std::unique_ptr<db::PortDb> load_port_db(const std::string& db_path);

// config::plan_one_host for `probe` and `shieldsup`: prints the error and returns nullopt for
// bad input, else prints the plan's status lines and returns it.
std::optional<config::OneHostPlan> plan_one_host_or_say_why(const config::ScanOptions& options);

}  // namespace portauth::app
