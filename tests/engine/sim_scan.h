// One whole scan on the in-memory network in simulated time: the engine exactly as the
// binary runs it (setup, loop, finish), with a MemoryNetwork for the wire and a SimClock.
#pragma once
#include <map>
#include <tuple>
#include <string>
#include <utility>
#include <vector>

#include "memory_network.h"
#include "output/report.h"
#include "engine/run_scan.h"
#include "config/scan_plan.h"
#include "engine/scan_setup.h"
#include "sim_clock.h"

namespace portauth::test {

inline constexpr config::Address kScanner = config::Address::v4(0xc6120001);  // 198.18.0.1
inline constexpr config::Address kScanner6 = config::Address::v6(0x20010002ULL << 32, 1);  // 2001:2::1

// Collects every result a writer is given, and each host's verdict with how many of the
// host's results had been given before it.
class Collector final : public output::ResultWriter {
 public:
  void begin(const output::ScanInfo&) override { ++begins; }
  void result(const probe::ScanResult& r, const output::Annotation&, const output::PortFacts& f) override {
    ++count[{r.addr, r.port}];
    reason[{r.addr, r.port}] = r.reason;
    ++per_host[r.addr];
    if (f.host_verdict) ++marked[r.addr];
    if (f.reply) ++replies[r.addr];
    ++by_proto[{r.addr, r.proto, r.port}];
    proto_reason[{r.addr, r.proto, r.port}] = r.reason;
    if (on_result) on_result(r);
  }
  void host_verdict(const verdict::HostVerdict& v) override {
    verdicts[v.addr] = v.kind;
    results_before_verdict[v.addr] = per_host[v.addr];
  }
  void canary_result(const probe::ScanResult& r, const output::Annotation&, const output::PortFacts&) override {
    ++canaries[{r.addr, r.port}];
  }
  void flush() override {}
  void finish(const output::ScanSummary&) override { ++finishes; }

  std::map<std::pair<config::Address, uint16_t>, int> count;
  std::map<std::pair<config::Address, uint16_t>, probe::Reason> reason;
  std::map<config::Address, uint64_t> per_host;
  std::map<config::Address, uint64_t> marked;  // results that carried their host's verdict (PortFacts)
  std::map<config::Address, uint64_t> replies;  // results that carried a UDP reply's facts
  std::map<config::Address, verdict::VerdictKind> verdicts;  // the last told for each host
  std::map<config::Address, uint64_t> results_before_verdict;
  std::map<std::pair<config::Address, uint16_t>, int> canaries;
  // The same keyed by protocol too (a scan of both protocols reports a port number twice).
  std::map<std::tuple<config::Address, config::Proto, uint16_t>, int> by_proto;
  std::map<std::tuple<config::Address, config::Proto, uint16_t>, probe::Reason> proto_reason;
  std::function<void(const probe::ScanResult&)> on_result;
  int begins = 0, finishes = 0;
};

// A plan built directly (the option grammar has its own tests): every field a scan reads.
config::ScanPlan sim_plan(const std::vector<std::string>& targets, std::vector<uint16_t> ports, unsigned retries = 2,
                          double wait_seconds = 1.0, double rate = 10000);

// The connect check on the in-memory network: each host's profile says what a connection meets.
class SimConnect final : public engine::ConnectChecker {
 public:
  explicit SimConnect(const MemoryNetwork& net) : net_(net) {}
  std::vector<verdict::ConnectOutcome> check(const std::vector<probe::ProbeTarget>& targets, uint64_t, uint64_t) override {
    std::vector<verdict::ConnectOutcome> out;
    for (const auto& t : targets) out.push_back(net_.connect_outcome(t.addr, t.port));
    connections += targets.size();
    return out;
  }
  uint64_t connections = 0;

 private:
  const MemoryNetwork& net_;
};

// The canary pool a scan of the binary gets from the shipped database, near enough: the
// dynamic range (the engine tests need no database).
std::vector<uint16_t> dynamic_range_pool();

struct SimResult {
  output::ScanSummary summary;
  double sim_seconds = 0;  // simulated time the scan took
};

class SimScan {
 public:
  explicit SimScan(NetworkProfile profile) : net(clock, std::move(profile)), connect(net) {}

  SimResult run(const config::ScanPlan& plan, engine::RunOptions options = {},
                const config::ResumeState* resume = nullptr);

  SimClock clock;
  MemoryNetwork net;
  SimConnect connect;
  Collector results;
  probe::CookieKey key{0x1234, 0x5678};
  uint16_t source_port_first = 0;  // of the last run
};

// The reason the profile says (addr, port) must be reported with.
probe::Reason expected_reason(const NetworkProfile& p, const config::Address& addr, uint16_t port);

}  // namespace portauth::test
