// The site's style sheet (/static/portauth.css) and its one script (/static/portauth.js).
//
// The script only adds the live grid to the home page: it takes over the test form, sends the
// test to POST /api/scan/stream (JSON, so no other site could send it), and colours each cell as
// the server's events arrive (web/scan_json.h), then shows the counts, the TruStealth checks and
// what answered. It never builds markup from strings: every text goes in as textContent. Without
// it the form posts to /scan and the server renders the same results.
#pragma once

namespace portauth::web {

extern const char* const kStyleSheet;
extern const char* const kScript;

}  // namespace portauth::web
