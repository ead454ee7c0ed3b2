// The server's ScanRunner: each ScanOrder becomes a one-host plan run on the live wire (raw
// socket and libpcap) with ShieldsUP's TruStealth checks, as `portauth shieldsup` runs it, and
// each result is handed to the ScanEvents as it comes. Scans of different clients run at once,
// each with its own wire, threads, source ports and cookie key (the gate bounds how many).
//
// What answers on each open port is identified as `portauth shieldsup` does by default (-sV),
// within the server's bounds (web/visitor_services.h): connections to the visitor's address
// only, a few at once, each with its deadlines, at most one session lifetime after the SYN
// scan. An open port is reported at once (ScanEvents::port), what answers there when found
// (ScanEvents::service), and every finding in the outcome carries it.
//
// Two things differ from the command line's shieldsup:
//   - the visitor's own packets to this server (its HTTP connection: TCP to the listening port)
//     are not "unsolicited": the TruStealth capture leaves them out, and IPv6 neighbour discovery
//     with them (a host that talks to us at all must resolve our address);
//   - nothing here changes privileges or signal handlers: the server dropped to CAP_NET_RAW
//     before it served anything, and a shutdown lets running scans finish.
#pragma once
#include <cstdint>

#include "config/scan_options.h"
#include "config/scan_plan.h"
#include "db/port_db.h"
#include "web/scan_runner.h"

namespace portauth::web {

// Service identification in the server's scans (serve's --no-service-scan, --service-timeout).
struct ServedServiceScan {
  bool enabled = true;
  double timeout_seconds = 3.0;  // per connection (service/session.h Timing::from_timeout)
  size_t concurrency = 64;       // connections at once, per scan
  const db::PortDb* db = nullptr;  // what each port is expected to carry (null: nothing known)
};

class LiveScanRunner final : public ScanRunner {
 public:
  // `pacing`: the scan options every scan starts from (rate, retries, wait, interface, ...);
  // targets, ports and show are set per scan. `http_port`: the server's listening port.
  LiveScanRunner(config::ScanOptions pacing, uint16_t http_port, ServedServiceScan services = {});

  ScanOutcome run(const ScanOrder& order, ScanEvents& events) override;
  double expected_seconds(const ScanOrder& order) const override;

  // Builds the plan of one order (throws config::SpecError), for checking the options at start.
  config::ScanPlan plan(const ScanOrder& order) const;

 private:
  config::ScanOptions pacing_;
  uint16_t http_port_;
  ServedServiceScan services_;
};

// The capture filter of a scan for the server: the TruStealth filter `inner` without the
// visitor's packets to our listening port and without IPv6 neighbour discovery.
std::string served_capture_filter(const std::string& inner, uint16_t http_port);

}  // namespace portauth::web
