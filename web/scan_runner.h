// The seam between the web library and the scanner: a ScanRunner runs one ScanOrder and tells a
// ScanEvents about every port as the answer comes in. The server's runner is the live engine
// (web/live_scan_runner.h, raw socket and libpcap, TruStealth checks on); tests hand in one that
// answers from a table, so every route is tested without root or a network.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "output/report.h"
#include "probe/scan_result.h"
#include "service/service_info.h"
#include "web/client_policy.h"

namespace portauth::web {

// One tested port.
struct PortFinding {
  probe::ScanResult result;  // port, reason (the state follows), TTL
  // What answers on the port, found by service identification (-sV, service/): set on open
  // ports once identified (silent, tcpwrapped, ... included: ServiceInfo::answer says which);
  // null on closed and stealth ports, and on open ones the scan did not identify.
  std::shared_ptr<const service::ServiceInfo> service;
};

// Called on the thread that runs the scan.
class ScanEvents {
 public:
  virtual ~ScanEvents() = default;
  // Open and closed ports as their answers arrive, stealth ones once the last pass is over.
  // The state comes first: an open port is reported at once, before anyone connects to it.
  virtual void port(const PortFinding& finding) = 0;
  // An open port, already reported by port(), once service identification concluded what
  // answers there (finding.service set). At most once per port; before run() returns.
  virtual void service(const PortFinding&) {}
};

struct ScanOutcome {
  std::vector<PortFinding> ports;  // every tested port, sorted by port, with what answered
  output::ScanSummary summary;     // counts, TruStealth evidence (summary.trustealth), timing,
                                   // service identification's counts (summary.service_scan)
  std::string error;               // not empty: the scan could not be run (the wire, privileges)
};

class ScanRunner {
 public:
  virtual ~ScanRunner() = default;
  // Blocks until the scan is over; never throws (a failure is outcome.error). Probes exactly
  // order.target and order.ports.
  virtual ScanOutcome run(const ScanOrder& order, ScanEvents& events) = 0;
  // How long a scan of `order` should take, in seconds (for Retry-After).
  virtual double expected_seconds(const ScanOrder& order) const = 0;
};

}  // namespace portauth::web
