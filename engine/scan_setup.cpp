#include "engine/scan_setup.h"

#include <random>

#include "probe/syn6_probe.h"
#include "probe/syn_probe.h"
#include "probe/syn_template.h"
#include "probe/udp_probe.h"
#include "probe/udp_template.h"

namespace portauth::engine {

uint16_t choose_source_port_first(const config::ScanPlan& plan) {
  if (plan.source_port_first) return *plan.source_port_first;
  std::random_device rd;
  return uint16_t(61000 + rd() % (65536 - 61000 - plan.source_port_count));
}

ScanSetup::ScanSetup(const config::ScanPlan& p, const scanner::RouteChoice& r, const config::ResumeState* resume,
                     const probe::CookieKey* k)
    : plan(p),
      route(r),
      key(k ? *k : probe::CookieKey::random()),
      // Canaries only where something can answer them with a SYN-ACK (ScanPlan::canaries_made):
      // a TCP prefix that takes no place on the port axis, so the UDP ports keep their indices.
      canaries(verdict::choose_canaries(p.canary_pool, p.ports, p.canaries_made(), p.seed)),
      space(p.targets, p.ports, p.udp_ports, p.seed, p.shard_index, p.shard_count, canaries.extra),
      table(space.slots()),
      evidence(p.targets.count()) {
  evidence.set_canary_ports(canaries.ports, canaries.extra);
  sender_config.rate_pps = plan.rate;
  sender_config.retries = plan.retries;
  sender_config.pass_wait_ns = uint64_t(plan.wait_seconds * 1e9);
  sender_config.source_port_count = plan.source_port_count;
  sender_config.source_port_first = choose_source_port_first(plan);
  if (plan.dry_run) {
    // A dry run says what a scan would do (report/status_lines.h, dry_run_lines) and builds
    // every probe once to prove it can, as fast as this machine builds them: no pacing, no
    // retry pass (nothing answers, so every retry would re-build them all), no waits.
    sender_config.rate_pps = scanner::kUnlimitedRate;
    sender_config.retries = 0;
    sender_config.pass_wait_ns = 0;
  }
  if (resume) {
    sender_config.first_pass_start = resume->next_slot;
    for (const auto& [first, last] : resume->answered)
      for (uint64_t slot = first; slot <= last && slot < space.slots(); ++slot)
        table.record(slot, probe::ProbeTable::kAnsweredEarlier);
  }
  const probe::SourcePorts ports{sender_config.source_port_first, sender_config.source_port_count};
  const uint64_t v4 = plan.targets.count_v4();
  const bool has_v6 = v4 < plan.targets.count();
  if (!plan.ports.empty()) {
    if (v4 > 0)
      v4_ = std::make_unique<probe::SynProbe>(probe::build_syn_template({.source_ip = route.source_v4.v4()}), space,
                                              key, ports);
    if (has_v6)
      v6_ = std::make_unique<probe::Syn6Probe>(probe::build_syn6_template({.source_ip = route.source_v6}), space, key,
                                               ports);
    if (v4_ && v6_) mixed_ = std::make_unique<probe::DualStackProbe>(*v4_, *v6_);
  }
  const probe::ProbeModule* tcp = mixed_ ? static_cast<const probe::ProbeModule*>(mixed_.get())
                                  : v4_  ? static_cast<const probe::ProbeModule*>(v4_.get())
                                         : v6_.get();
  if (plan.has_udp())
    udp_ = std::make_unique<probe::UdpProbe>(v4 > 0 ? probe::build_udp_template(route.source_v4) : std::vector<uint8_t>{},
                                             has_v6 ? probe::build_udp_template(route.source_v6) : std::vector<uint8_t>{},
                                             space, key, ports);
  if (tcp && udp_) both_ = std::make_unique<probe::ProtocolDispatchProbe>(*tcp, *udp_);
  module_ = both_ ? static_cast<const probe::ProbeModule*>(both_.get())
            : udp_ ? static_cast<const probe::ProbeModule*>(udp_.get())
                   : tcp;
}

ScanSetup::~ScanSetup() = default;

}  // namespace portauth::engine
