// Setup: everything a scan needs that follows from its plan, built before anything is opened
// or sent. The plan is handed on whole; nothing here touches the network.
//
//   source ports   --source-port, or 256 random ports above Linux's ephemeral range
//   cookie key     random per run (getrandom), never written anywhere
//   canaries       verdict/canaries.h: the ports whose answers tell a host that answers
//                  everywhere; those the scan does not cover go first, as the space's prefix
//   probe space    the plan's targets x ports, permuted by the seed, this shard only
//   probe table    one byte per slot; a resumed scan marks what it already answered
//   evidence       per host, what its answers say (verdict/host_evidence.h), filled by the
//                  capture thread
//   probe module   the TCP SYN probe of each family the targets hold (probe/syn_probe.h,
//                  probe/syn6_probe.h), templates built once; both behind one DualStackProbe
//                  for a mixed scan; the UDP probe (probe/udp_probe.h) for UDP ports, and a
//                  ProtocolDispatchProbe in front of both when a scan has TCP and UDP
//   sender config  rate, retries, waits, where the first pass starts (a dry run: one unpaced
//                  pass, no waits)
#pragma once
#include <memory>
#include <string>

#include "probe/cookie.h"
#include "probe/probe_module.h"
#include "probe/probe_space.h"
#include "probe/probe_table.h"
#include "config/resume_file.h"
#include "scanner/route.h"
#include "config/scan_plan.h"
#include "scanner/sender.h"
#include "verdict/canaries.h"
#include "verdict/host_evidence.h"

namespace portauth::probe {
class SynProbe;
class Syn6Probe;
class DualStackProbe;
class UdpProbe;
class ProtocolDispatchProbe;
}  // namespace portauth::probe

namespace portauth::engine {

class ScanSetup {
 public:
  // `key` null: a fresh random key. Throws std::runtime_error if the template cannot be built.
  ScanSetup(const config::ScanPlan& plan, const scanner::RouteChoice& route,
            const config::ResumeState* resume = nullptr, const probe::CookieKey* key = nullptr);
  ~ScanSetup();

  const config::ScanPlan& plan;
  const scanner::RouteChoice route;
  const probe::CookieKey key;
  const verdict::CanaryPlan canaries;
  const probe::ProbeSpace space;
  probe::ProbeTable table;
  verdict::EvidenceTable evidence;
  scanner::SenderConfig sender_config;

  // A result on a canary port the scan added (not a port of the scan). Canaries are TCP.
  bool is_added_canary(uint16_t port, config::Proto proto) const { return space.is_prefix_port(port, proto); }

  const probe::ProbeModule& module() const { return *module_; }
  // The BPF filter for this scan's replies (the wire's capture side opens with it).
  std::string capture_filter() const { return module_->capture_filter(); }

 private:
  std::unique_ptr<probe::SynProbe> v4_;
  std::unique_ptr<probe::Syn6Probe> v6_;
  std::unique_ptr<probe::DualStackProbe> mixed_;
  std::unique_ptr<probe::UdpProbe> udp_;
  std::unique_ptr<probe::ProtocolDispatchProbe> both_;
  const probe::ProbeModule* module_ = nullptr;  // the one in front
};

// The first of the scan's source ports: --source-port's, or random above 61000 (above Linux's
// ephemeral range, 32768-60999, so our probes never share a 4-tuple with the host's own
// connections; random so two scans rarely share ports either).
uint16_t choose_source_port_first(const config::ScanPlan& plan);

}  // namespace portauth::engine
