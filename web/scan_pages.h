// The ShieldsUP pages: the home page (the visitor's address as the server sees it, the tests,
// Proceed), a test's results (counts, the port grid, what answered and what it means, the
// TruStealth verdict, the report to download) and a probe of one port. Plain HTML: the tests are
// POST forms that work without JavaScript (the server answers when the scan is done, the top of
// the page first); the page's script runs the same tests live through the streaming API.
#pragma once
#include <string>
#include <string_view>

#include "db/port_db.h"
#include "web/client_policy.h"
#include "web/scan_runner.h"

namespace portauth::web {

std::string home_html(const Client& client);

// A results page in two pieces, so the top goes out while the scan runs: scan_top_html() (the
// page up to "Testing ..."), then scan_bottom_html() once it is done.
std::string scan_top_html(const ScanOrder& order);
std::string scan_bottom_html(const ScanOrder& order, const ScanOutcome& outcome, const db::PortDb& db);

// The same for "Probe Port N": the state, its reason and TTL, what the state means, what
// answered (when identified), then the port's Port Authority page.
std::string probe_top_html(const ScanOrder& order);
std::string probe_bottom_html(const ScanOrder& order, const ScanOutcome& outcome, const db::PortDb& db);

// The port grid, one cell per tested port coloured by state (ShieldsUP's: open red, closed blue,
// stealth green), 32 to a row with the first port of each row as its label; each cell links to
// its port's page.
std::string grid_html(const ScanOutcome& outcome);

}  // namespace portauth::web
