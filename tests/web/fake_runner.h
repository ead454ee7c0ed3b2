// A ScanRunner that answers from a table instead of the wire, and remembers every target it was
// asked to probe: the router's and the server's tests need no root and no network, and can check
// that no request ever reached a scan of an address other than its client's.
#pragma once
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "db/db_path.h"
#include "db/port_db.h"
#include "web/scan_runner.h"

namespace portauth::web::testing {

class FakeRunner final : public ScanRunner {
 public:
  // Ports not in `answers` are stealth.
  std::map<uint16_t, probe::Reason> answers = {{22, probe::Reason::kSynAck}, {80, probe::Reason::kSynAck},
                                               {113, probe::Reason::kRst}};
  // What answers on open ports (service identification), handed on after the port's event as
  // the live runner does; open ports not in it are not identified.
  std::map<uint16_t, service::ServiceInfo> services;
  std::chrono::milliseconds delay{0};  // how long a scan takes
  std::string error;                   // not empty: every scan fails with it

  ScanOutcome run(const ScanOrder& order, ScanEvents& events) override {
    {
      std::lock_guard lock(mutex_);
      targets_.push_back(order.target.address());
    }
    ++running_;
    ScanOutcome out;
    if (!error.empty()) {
      out.error = error;
      --running_;
      return out;
    }
    if (delay.count()) std::this_thread::sleep_for(delay);
    // Answers first (as the wire reports them), stealth at the end.
    for (int pass = 0; pass < 2; ++pass) {
      for (uint16_t p : order.ports) {
        const auto it = answers.find(p);
        const bool answered = it != answers.end();
        if (answered != (pass == 0)) continue;
        PortFinding f;
        f.result.addr = order.target.address();
        f.result.port = p;
        f.result.reason = answered ? it->second : probe::Reason::kNoResponse;
        f.result.ttl = answered ? 64 : 0;
        events.port(f);
        if (const auto sv = services.find(p);
            sv != services.end() && probe::state_of(f.result.reason) == probe::PortState::kOpen) {
          f.service = std::make_shared<const service::ServiceInfo>(sv->second);
          events.service(f);
          out.summary.service_scan = true;
          ++(sv->second.answer == service::Answer::kIdentified ? out.summary.services_identified
                                                                : out.summary.services_silent);
          ++out.summary.service_connections;
        }
        out.ports.push_back(f);
        if (!answered) ++out.summary.stealth;
        else if (probe::state_of(f.result.reason) == probe::PortState::kOpen) ++out.summary.open;
        else ++out.summary.closed;
      }
    }
    std::sort(out.ports.begin(), out.ports.end(),
              [](const PortFinding& a, const PortFinding& b) { return a.result.port < b.result.port; });
    out.summary.trustealth = true;
    out.summary.echo_requests = 3;
    out.summary.frames_from_targets = out.summary.open + out.summary.closed;
    out.summary.seconds = 0.01;
    --running_;
    return out;
  }
  double expected_seconds(const ScanOrder&) const override { return 2; }

  std::vector<config::Address> targets() const {
    std::lock_guard lock(mutex_);
    return targets_;
  }
  int running() const { return running_.load(); }

 private:
  mutable std::mutex mutex_;
  std::vector<config::Address> targets_;
  std::atomic<int> running_{0};
};

// The real port database of the build tree, loaded once.
inline const db::PortDb& real_db() {
  static const db::PortDb db = db::PortDb::load_file(db::resolve_db_path(""));
  return db;
}

inline config::Address addr(const char* text) { return *config::parse_address(text); }

}  // namespace portauth::web::testing
