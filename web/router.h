// Every request the server answers goes through Router::handle(): first the client policy
// (web/client_policy.h: who asks, whether they may, whom a scan would probe), then the route.
// Pure apart from what it is handed (the scanner, the clock, the log), so the whole site is
// tested by calling handle() with Requests made by hand.
//
//   GET  /                     home: your address, the tests, Proceed
//   GET  /port                 Port Authority: Enter Port (?n=N redirects to /port/N), search
//   GET  /port/N               the page of port N (0-65535)
//   GET  /search?q=TEXT        ranked search over names, purposes, trojans
//   GET  /api/port/N           the page of port N as JSON (lookup --format json)
//   POST /scan                 a test (form: test=common|service|custom|trustealth, ports=...):
//                              the results page, its top while the scan runs
//   POST /probe                Probe Port N (form: port=N)
//   POST /api/scan             {"ports": "common" | "service" | "<port spec>"}: JSON when done
//   POST /api/scan/stream      the same as Server-Sent Events while it runs (web/scan_json.h)
//   GET  /report.txt           your last test's report, to download
//   GET  /static/portauth.css, /static/portauth.js
// Scans pass the scan gate (web/scan_gate.h: one per client at a time, a global cap, a rate per
// client; 429 with Retry-After), then run on the ScanRunner; each is logged in one line. A
// streamed reply holds copies of the parts (references to what the server owns), not the Router.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "db/port_db.h"
#include "web/client_policy.h"
#include "web/page_cache.h"
#include "web/request.h"
#include "web/scan_gate.h"
#include "web/scan_record.h"
#include "web/scan_runner.h"

namespace portauth::web {

// Where the server's log lines go (one line each, no newline). Called from any thread.
using LogLine = std::function<void(std::string_view line)>;

struct WebClock {
  std::function<double()> steady;     // seconds on a monotonic clock
  std::function<int64_t()> unix_now;  // seconds since the epoch
};
WebClock system_clock();

struct RouterParts {
  const db::PortDb& db;
  const ClientPolicy& policy;
  ScanGate& gate;
  ScanRunner& runner;
  ReportStore& reports;
  LogLine log;
  WebClock clock = system_clock();
  std::string server_label;  // how reports name this server: "198.18.0.1:8080"
};

class Router {
 public:
  explicit Router(RouterParts parts) : p_(std::move(parts)) {}
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;
  Reply handle(const Request& request) const;

 private:
  enum class ScanKind { kHtml, kProbeHtml, kJson, kStream };
  Reply route(const Request& r, const Client& client, const std::string& path) const;
  Reply refused(const Request& r, const Refusal& why) const;
  Reply get_port(const Request& r, std::string_view number, bool json) const;
  Reply get_port_index(const Request& r) const;
  Reply get_search(const Request& r) const;
  Reply get_report(const Client& client) const;
  Reply post_form(const Request& r, const Client& client, bool probe) const;
  Reply post_api(const Request& r, const Client& client, bool stream) const;
  Reply scan(const Request& r, const Client& client, ScanOrder order, ScanKind kind) const;

  RouterParts p_;
  mutable PortPageCache pages_;                // the HTML of /port/N, rendered once (web/page_cache.h)
  mutable PortPageCache json_pages_{32u << 20};  // the JSON of /api/port/N
};

}  // namespace portauth::web
