#include "engine/scan_setup.h"

#include <random>

#include "probe/syn_probe.h"
#include "probe/syn_template.h"

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
      space(p.targets, p.ports, p.seed, p.shard_index, p.shard_count),
      table(space.slots()) {
  sender_config.rate_pps = plan.rate;
  sender_config.retries = plan.retries;
  sender_config.pass_wait_ns = uint64_t(plan.wait_seconds * 1e9);
  sender_config.source_port_count = plan.source_port_count;
  sender_config.source_port_first = choose_source_port_first(plan);
  if (resume) {
    sender_config.first_pass_start = resume->next_slot;
    for (const auto& [first, last] : resume->answered)
      for (uint64_t slot = first; slot <= last && slot < space.slots(); ++slot)
        table.record(slot, probe::ProbeTable::kAnsweredEarlier);
  }
  const auto syn = probe::build_syn_template({.source_ip = route.source_ip});
  module_ = std::make_unique<probe::SynProbe>(
      syn, space, key, probe::SourcePorts{sender_config.source_port_first, sender_config.source_port_count});
}

}  // namespace portauth::engine
