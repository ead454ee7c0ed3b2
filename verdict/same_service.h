// answers-all with -sV: what answered behind a host's canary ports and behind a small sample of
// its other open ports, compared. A host that answers every port with one real TCP stack (a
// redirect of every port to one listener) shows the same service everywhere: the canaries,
// where nothing can be registered, answer like the ports do. A port spoofer (portspoof) shows a
// different made-up banner on every port. Either is evidence; the verdict stays answers-all.
//
// Who tries what: the service stage (service/service_stage.h) identifies, on a host whose
// verdict is answers-all, at most kCanariesTried of its canary ports (HostVerdict::canary_ports)
// and at most kSampledPorts of its other open ports, spread over the scan's port list; every
// other open port of the host stays untried. What they gave comes back here as ServiceSeen.
//
// The rule (add_service_evidence), on the ports that answered (a name identified, or bytes sent):
//   too few        fewer than kMinServiceAnswers answers, or none on a canary, or none on a
//                  sampled port: nothing compared, no evidence beyond the ports tried
//   same_service   every answer has the same name and product, or the same banner bytes
//   services_differ otherwise, with how many different answers there were
// Pure: no I/O.
#pragma once
#include <cstdint>
#include <span>
#include <string>

#include "verdict/host_verdict.h"

namespace portauth::verdict {

inline constexpr unsigned kCanariesTried = 4;      // canary ports -sV tries on an answers-all host
inline constexpr unsigned kSampledPorts = 8;       // and other open ports of it, at most
inline constexpr unsigned kMinServiceAnswers = 3;  // answers needed to compare

// A service identified on one of a host's ports (canary ports included): the -sV hook of the
// classifier (verdict/classify.h) and of add_service_evidence.
struct ServiceSeen {
  uint16_t port = 0;
  std::string name;     // in nmap's vocabulary ("http", "ssh"); "" when nothing was identified
  std::string product;  // product, version and extra info as one phrase ("OpenSSH 9.2p1 Debian 2"); "" none
  std::string banner;   // the first bytes the service sent (raw); "" none
  bool canary = false;  // a canary port (verdict/canaries.h), not a port of the scan
};

// Appends to an answers-all verdict the ports -sV tried (service_canaries_tried,
// service_ports_sampled) and, with enough answers, same_service or services_differ; marks the
// verdict services_identified. Any other verdict is left as it is.
void add_service_evidence(HostVerdict& v, std::span<const ServiceSeen> seen);

}  // namespace portauth::verdict
