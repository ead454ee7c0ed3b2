// `portauth scan`: options -> ScanPlan -> run_scan -> writers. Exit codes: 0 scan completed
// (also after an interrupt, with partial results), 1 bad input, 2 cannot set up the wire
// (privileges, interface, route).
#pragma once
#include <CLI/CLI.hpp>
#include <string>

namespace portauth::app {

// `command_line` is recorded in reports (nmap XML's args); it must outlive parsing.
void add_scan_command(CLI::App& app, int& exit_code, const std::string& command_line);

}  // namespace portauth::app
