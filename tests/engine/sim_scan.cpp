#include "sim_scan.h"

#include "probe/reason.h"
#include "config/target_spec.h"

namespace portauth::test {

config::ScanPlan sim_plan(const std::vector<std::string>& targets, std::vector<uint16_t> ports, unsigned retries,
                          double wait_seconds, double rate) {
  config::ScanPlan p;
  p.targets = config::parse_targets(targets);
  p.ports = std::move(ports);
  p.retries = retries;
  p.wait_seconds = wait_seconds;
  p.rate = rate;
  p.seed = 42;
  p.show = config::kShowAll;
  p.source_v4 = kScanner;
  p.source_v6 = kScanner6;
  return p;
}

std::vector<uint16_t> dynamic_range_pool() {
  std::vector<uint16_t> pool;
  for (unsigned p = 49152; p <= 65535; ++p) pool.push_back(uint16_t(p));
  return pool;
}

SimResult SimScan::run(const config::ScanPlan& plan, engine::RunOptions options, const config::ResumeState* resume) {
  engine::ScanSetup setup(plan, {"mem0", kScanner, kScanner6}, resume, &key);
  source_port_first = setup.sender_config.source_port_first;
  options.resume = resume;
  if (!options.connect) options.connect = &connect;
  engine::Wire wire = net.wire();
  const output::Annotation none;
  const uint64_t start = clock.now_ns();
  SimResult r;
  r.summary = engine::run_scan(setup, wire, clock, [&](uint16_t, config::Proto) -> const output::Annotation& { return none; },
                               {&results}, options);
  r.sim_seconds = double(clock.now_ns() - start) / 1e9;
  return r;
}

probe::Reason expected_reason(const NetworkProfile& p, const config::Address& addr, uint16_t port) {
  const auto it = p.hosts.find(addr);
  const HostProfile* h = it != p.hosts.end() ? &it->second : p.other_hosts ? &*p.other_hosts : nullptr;
  if (!h) return probe::Reason::kNoResponse;
  if (h->lie != Lie::kNone && addr.is_v4()) return probe::Reason::kSynAck;
  const PortAnswer a = h->answer_for(port);
  switch (a.answer) {
    case Answer::kOpen: return probe::Reason::kSynAck;
    case Answer::kClosed: return probe::Reason::kRst;
    case Answer::kIcmp:
      return *(addr.is_v4() ? probe::reason_for_icmp_unreachable(a.icmp_code)
                            : probe::reason_for_icmp6_unreachable(a.icmp_code));
    case Answer::kSilent: break;
  }
  return probe::Reason::kNoResponse;
}

}  // namespace portauth::test
