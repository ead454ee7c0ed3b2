// The service stage of a scan (-sV): it sits between the engine and the writers as one more
// ResultWriter (so the engine needs no change: its main thread already hands each result to
// the writers the moment the capture thread finds it).
//
//   open TCP result -> a job for the connection engine at once (identification starts while the
//                    SYN scan goes on); the result is held until its identification concludes,
//                    then handed to the writers with PortFacts::service
//   other results -> straight through to the writers (UDP ports with their reply facts)
//   hosts that lie -> an open port of a host whose verdict says it answers for ports it does
//                    not serve (PortFacts::host_verdict: syn-proxy, tarpit, answers-all) is
//                    identified only if the verdict's follow-ups found it reaches a service
//                    (HostVerdict::service_ports: the connect check's "reached"); the others go
//                    straight through, unidentified, and are counted (services_not_tried). The
//                    engine holds a suspect host's results until its verdict is made
//                    (engine/result_holdback.h), so its 65,536 SYN-ACKs never become 65,536
//                    connections. Verdicts and canary results are passed on to the writers.
//   answers-all    a host whose canaries answer like its ports (one TCP stack behind every
//                    port) has no service ports; -sV compares instead (verdict/same_service.h):
//                    it identifies at most kCanariesTried of the verdict's canary ports (those
//                    that are ports of the scan when their results come, the others at once,
//                    unreported) and at most kSampledPorts of the host's other open ports, the
//                    first to come in each of kSampledPorts equal slices of the scan's port list
//                    (spread over the range, whatever order the results come in). The sampled
//                    ports reach the writers identified like any port; every other open port of
//                    the host goes through untried and counted, as above. At the end, amend()
//                    adds what the comparison showed to the verdict's evidence (same_service or
//                    services_differ). The verdict comes first and -sV after it, as for every
//                    liar: the canaries are what -sV must try, and only the verdict knows them.
//   flush()       -> (every 200 ms, engine main thread) concluded ports go to the writers
//   finish()      -> waits for the ports still being identified, bounded (below), delivers
//                    them, adds the stage's counts to the summary, finishes the writers
//
// Bounds: each port's session has its own deadlines and a lifetime (session.h Timing); the
// wait at the end is at most one lifetime per wave of `concurrency` ports still pending, and
// an interrupt (Ctrl-C) ends it: the first after a grace of 2 s for what is in flight, the
// second at once. Ports cut short are reported "unfinished" with the database's name.
//
// The engine's thread is started by the first open result, after the privilege drop.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "output/report.h"
#include "service/conn_engine.h"
#include "service/fd_limit.h"
#include "verdict/same_service.h"

namespace portauth::service {

struct StageOptions {
  size_t concurrency = 1024;     // connections at once (then bounded by the open-file limit)
  double timeout_seconds = 5.0;  // per connection (session.h Timing::from_timeout)
  // The port database's names for a port (its name, then its aliases): what to expect there.
  std::function<std::vector<std::string>(uint16_t port)> port_names;
  const std::atomic<int>* interrupts = nullptr;  // the signal count (app/signals.h); may be null
  uint32_t link_scope = 0;  // interface index for link-local IPv6 targets (the scan's interface)
  // Told once, when the scan has ended and ports are still being identified: how many, and the
  // most it may take (seconds). May be empty.
  std::function<void(size_t pending, double bound_seconds)> waiting;
};

class ServiceStage final : public output::ResultWriter {
 public:
  // `writers` must outlive the stage.
  ServiceStage(std::vector<output::ResultWriter*> writers, StageOptions options);

  void begin(const output::ScanInfo& info) override;
  void result(const probe::ScanResult& r, const output::Annotation& a, const output::PortFacts& f) override;
  void flush() override;
  void finish(const output::ScanSummary& summary) override;
  void host_verdict(const verdict::HostVerdict& v) override;
  void canary_result(const probe::ScanResult& r, const output::Annotation& a, const output::PortFacts& f) override;

  // The stage's counts, added to a summary (finish() passes them to the writers; the caller
  // adds them to the summary run_scan returned); each host verdict that collapses open ports
  // says that -sV ran on its host (HostVerdict::services_identified).
  void amend(output::ScanSummary& s) const;
  // Why fewer connections than asked run at once ("" when as asked); set by begin().
  const std::string& note() const { return budget_.note; }
  size_t connections() const { return budget_.connections; }
  // Jobs handed to the engine so far: open ports, and the canaries tried on answers-all hosts.
  uint64_t submitted() const { return next_id_ - 1; }

 private:
  enum class Role : uint8_t { kPort, kSampled, kCanary };
  struct Held {
    probe::ScanResult r;
    const output::Annotation* a;  // null: a canary tried for the comparison only, never reported
    output::PortFacts facts;  // what earlier stages found (the host's verdict), kept as it came
    Role role = Role::kPort;
  };
  // An answers-all host: the canary ports to try, the slices of the port list sampled so far,
  // and what the tried ports gave.
  struct Sample {
    std::vector<uint16_t> covered;  // canaries to try that are ports of the scan (sorted)
    uint32_t slices = 0;            // a bit per slice sampled
    std::vector<verdict::ServiceSeen> seen;
  };
  void deliver();
  void submit(const probe::ScanResult& r, const output::Annotation* a, const output::PortFacts& f, Role role);
  // Whether `port`, an open port of an answers-all host, is tried (and as what).
  std::optional<Role> sample(Sample& s, uint16_t port);

  std::vector<output::ResultWriter*> writers_;
  StageOptions options_;
  FdBudget budget_;
  std::unique_ptr<ConnEngine> engine_;
  std::unordered_map<uint64_t, Held> held_;
  std::unordered_map<config::Address, Sample> samples_;
  std::vector<uint16_t> ports_;  // the scan's TCP ports, sorted (ScanInfo::ports)
  uint64_t next_id_ = 1;
  uint64_t identified_ = 0, silent_ = 0, tcpwrapped_ = 0, unrecognised_ = 0, unfinished_ = 0;
  uint64_t not_tried_ = 0;  // open ports of hosts that lie, not reaching a service
  double extra_seconds_ = 0;
};

}  // namespace portauth::service
