// Service identification (-sV) for a scan the server runs: what answers on the visitor's open
// ports, found with ordinary kernel TCP connections by the connection engine of service/
// (service/conn_engine.h: one epoll thread, the identifiers, TLS).
//
// Whom it connects to: the ScanOrder's target, and nothing else. The address is fixed when the
// object is made, from a ScanTarget (which only the client policy makes, from the client it
// admitted); submit() takes a port number, never an address.
//
// The server's bounds, per scan:
//   - at most `concurrency` connections at once (and never beyond the open-file limit);
//   - each connection's deadlines from `timeout_seconds` (service/session.h Timing::from_timeout:
//     connect and a server-first greeting that long, an answer to a probe half of it);
//   - after the SYN scan, at most one session lifetime (5 x timeout_seconds) for every port still
//     being identified, however many there are; then the rest conclude "unfinished".
// Unlike the command line's service stage (service/service_stage.h), it holds no result back:
// the scan reports an open port at once (the grid fills at the SYN scan's pace) and what
// answers there follows as it is found.
//
// submit(), take_done() and finish() are called on one thread (the scan's main thread).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/address.h"
#include "output/report.h"
#include "service/conn_engine.h"
#include "service/service_info.h"
#include "web/client_policy.h"

namespace portauth::web {

struct VisitorServiceOptions {
  size_t concurrency = 64;
  double timeout_seconds = 3.0;
  uint32_t link_scope = 0;  // interface index for a link-local IPv6 visitor (the scan's interface)
  // The port database's names for a port (its name, then its aliases): what to expect there.
  std::function<std::vector<std::string>(uint16_t port)> port_names;
};

class VisitorServices {
 public:
  struct Found {
    uint16_t port = 0;
    std::shared_ptr<const service::ServiceInfo> info;
  };
  using OnFound = std::function<void(const Found&)>;

  VisitorServices(const ScanTarget& target, VisitorServiceOptions options);
  VisitorServices(const VisitorServices&) = delete;
  VisitorServices& operator=(const VisitorServices&) = delete;

  // Starts identifying what answers on `port` of the target (an open port; once each).
  void submit(uint16_t port);
  // Hands `each` the ports concluded since the last call.
  void take_done(const OnFound& each);
  // After the SYN scan: waits for the ports still being identified (at most one session
  // lifetime), handing each to `each` as it concludes; the rest conclude unfinished.
  void finish(const OnFound& each);
  // Identification's counts and time, into the scan's summary (service_scan and services_*).
  void amend(output::ScanSummary& s) const;
  // The most finish() waits, in seconds.
  double bound_seconds() const;

 private:
  config::Address target_;
  VisitorServiceOptions options_;
  std::unique_ptr<service::ConnEngine> engine_;  // made at the first submit()
  uint64_t submitted_ = 0;
  uint64_t identified_ = 0, silent_ = 0, tcpwrapped_ = 0, unrecognised_ = 0, unfinished_ = 0;
  double extra_seconds_ = 0;
};

}  // namespace portauth::web
