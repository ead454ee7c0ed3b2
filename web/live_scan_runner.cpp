#include "web/live_scan_runner.h"

#include <net/if.h>

#include <algorithm>
#include <exception>
#include <memory>
#include <stdexcept>
#include <unordered_map>

#include "common/setup_error.h"
#include "config/port_spec.h"
#include "config/scan_plan.h"
#include "config/spec_error.h"
#include "engine/live_wire.h"
#include "engine/run_scan.h"
#include "engine/scan_setup.h"
#include "engine/trustealth_watch.h"
#include "report/service_report.h"
#include "scanner/clock.h"
#include "web/visitor_services.h"

namespace portauth::web {
namespace {

// The TruStealth extension with the server's exceptions in its capture filter; everything else
// is the engine's (engine/trustealth_watch.h).
class ServedTrustealth final : public engine::ScanExtension {
 public:
  ServedTrustealth(engine::TrustealthWatch& inner, uint16_t http_port) : inner_(inner), http_port_(http_port) {}
  std::string capture_filter(const std::string& probe_filter) const override {
    return served_capture_filter(inner_.capture_filter(probe_filter), http_port_);
  }
  void open() override { inner_.open(); }
  void attach(capture::CaptureLoop& loop) override { inner_.attach(loop); }
  void on_pass(unsigned pass) override { inner_.on_pass(pass); }
  void fill(output::ScanSummary& s) const override { inner_.fill(s); }

 private:
  engine::TrustealthWatch& inner_;
  uint16_t http_port_;
};

// Hands each result to the events as it comes, and keeps them all; gives each open port to
// service identification (when it runs) and hands on what answers there as it is found. All
// on the engine's main thread: result() and flush() during the scan, finish() at its end.
class EventWriter final : public output::ResultWriter {
 public:
  explicit EventWriter(ScanEvents& events) : events_(events) {}
  // Open ports from now on go to `services` too (null: none).
  void identify_with(VisitorServices* services) { services_ = services; }
  void result(const probe::ScanResult& r, const output::Annotation&, const output::PortFacts&) override {
    index_[r.port] = found.size();
    found.push_back({r, nullptr});
    events_.port(found.back());
    if (services_ && probe::state_of(r.reason) == probe::PortState::kOpen) services_->submit(r.port);
  }
  void flush() override {
    if (services_) services_->take_done(on_found_);
  }
  void finish(const output::ScanSummary&) override {
    if (services_) services_->finish(on_found_);
  }
  std::vector<PortFinding> found;

 private:
  void identified(const VisitorServices::Found& f) {
    const auto it = index_.find(f.port);
    if (it == index_.end()) return;
    PortFinding& finding = found[it->second];
    finding.service = f.info;
    events_.service(finding);
  }

  ScanEvents& events_;
  VisitorServices* services_ = nullptr;
  std::unordered_map<uint16_t, size_t> index_;  // port -> its finding (one host per scan)
  const VisitorServices::OnFound on_found_ = [this](const VisitorServices::Found& f) { identified(f); };
};

std::vector<config::Address> no_names(const std::string& name) {
  // The target is always an address literal; a name reaching here is a bug, never a lookup.
  throw config::SpecError("'" + name + "' is not an address");
}

}  // namespace

std::string served_capture_filter(const std::string& inner, uint16_t http_port) {
  return "(" + inner + ") and not (tcp dst port " + std::to_string(http_port) +
         ") and not (icmp6 and ip6[40] >= 133 and ip6[40] <= 137)";
}

LiveScanRunner::LiveScanRunner(config::ScanOptions pacing, uint16_t http_port, ServedServiceScan services)
    : pacing_(std::move(pacing)), http_port_(http_port), services_(services) {}

config::ScanPlan LiveScanRunner::plan(const ScanOrder& order) const {
  config::ScanOptions o = pacing_;
  o.targets = {config::format_address(order.target.address())};
  o.ports = config::format_ports(order.ports);
  o.preset.clear();
  o.top_ports_count = 0;
  o.show = "all";
  return config::build_scan_plan(o, no_names);
}

double LiveScanRunner::expected_seconds(const ScanOrder&) const {
  // Every pass waits at most --wait for late replies; sending a few thousand probes is instant.
  return (pacing_.retries + 1) * pacing_.wait_seconds + 0.5;
}

ScanOutcome LiveScanRunner::run(const ScanOrder& order, ScanEvents& events) {
  ScanOutcome outcome;
  std::unique_ptr<VisitorServices> services;
  EventWriter writer(events);
  try {
    const config::ScanPlan p = plan(order);
    const auto route = engine::scan_route(p);
    if (services_.enabled) {
      VisitorServiceOptions so;
      so.concurrency = services_.concurrency;
      so.timeout_seconds = services_.timeout_seconds;
      if (!route.interface.empty()) so.link_scope = if_nametoindex(route.interface.c_str());
      if (const db::PortDb* db = services_.db)
        so.port_names = [db](uint16_t port) { return report::port_names(*db, port); };
      services = std::make_unique<VisitorServices>(order.target, std::move(so));
      writer.identify_with(services.get());
    }
    engine::ScanSetup setup(p, route);
    engine::TrustealthWatch trustealth(p, route, setup.sender_config.source_port_first,
                                       setup.sender_config.source_port_count);
    ServedTrustealth served(trustealth, http_port_);
    engine::Wire wire = engine::open_wire(p, route, served.capture_filter(setup.capture_filter()));
    engine::RunOptions run;
    run.command_line = "portauth serve";
    run.extension = &served;
    static const output::Annotation kNone;
    const output::Annotator annotate = [](uint16_t, config::Proto) -> const output::Annotation& { return kNone; };
    scanner::SteadyClock clock;
    outcome.summary = engine::run_scan(setup, wire, clock, annotate, {&writer}, run);
    if (services) services->amend(outcome.summary);
  } catch (const std::exception& e) {
    outcome.error = e.what();
  }
  outcome.ports = std::move(writer.found);
  std::sort(outcome.ports.begin(), outcome.ports.end(),
            [](const PortFinding& a, const PortFinding& b) { return a.result.port < b.result.port; });
  return outcome;
}

}  // namespace portauth::web
