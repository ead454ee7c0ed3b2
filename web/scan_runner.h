// The seam between the web library and the scanner: a ScanRunner runs one ScanOrder and tells a
// ScanEvents about every port as the answer comes in. The server's runner is the live engine
// (web/live_scan_runner.h, raw socket and libpcap, TruStealth checks on); tests hand in one that
// answers from a table, so every route is tested without root or a network.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "output/report.h"
#include "probe/scan_result.h"
#include "web/client_policy.h"

namespace portauth::web {

// One tested port.
struct PortFinding {
  probe::ScanResult result;  // port, reason (the state follows), TTL
  // What answered on the port, in a few words ("OpenSSH 9.2p1 (SSH-2.0)"); "" when nothing was
  // identified. The hook for service identification (-sV, issue 20): when it lands, the live
  // runner fills this for open ports and "Probe Port N" shows it; nothing else changes.
  std::string answered;
};

// Called on the thread that runs the scan.
class ScanEvents {
 public:
  virtual ~ScanEvents() = default;
  // Open and closed ports as their answers arrive, stealth ones once the last pass is over.
  virtual void port(const PortFinding& finding) = 0;
};

struct ScanOutcome {
  std::vector<PortFinding> ports;  // every tested port, sorted by port
  output::ScanSummary summary;     // counts, TruStealth evidence (summary.trustealth), timing
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
