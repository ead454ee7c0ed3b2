// How many scans run, and how often a client may ask: the server's counters, apart from the
// policy (which is stateless). Three limits, each refused with 429 and a Retry-After:
//   - one scan per client at a time (a second while the first runs);
//   - at most max_scans at once on the whole server (Retry-After: when the first of them should end);
//   - per client, a token bucket: `burst` scans at once, refilled at `burst` per `period`
//     seconds (--client-rate 10/min: ten in a row, then one every six seconds).
// The clock is an argument (seconds on a steady clock), so every limit is tested without
// waiting. Thread-safe: one mutex around a small map, taken twice per scan, never per packet.
// Memory: one entry per client seen recently; entries whose bucket has refilled and that run
// nothing are dropped, so the map stays at the clients of the last `period`.
#pragma once
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "config/address.h"

namespace portauth::web {

struct GateConfig {
  unsigned max_scans = 4;   // at once, all clients together
  unsigned burst = 10;      // scans a client may start back to back
  double period = 60;       // seconds to refill `burst` scans
};

// "10/min", "30/h", "2/s" -> burst and period. nullopt for anything else (0 included).
std::optional<GateConfig> parse_client_rate(const std::string& text, GateConfig base = {});

class ScanGate {
 public:
  explicit ScanGate(GateConfig config) : config_(config) {}

  struct Refused {
    unsigned retry_after = 1;  // whole seconds, at least 1
    std::string why;
  };

  // A scan for `client` may start at `now`: true, or why not and when to retry. `expected`:
  // how long the scan should take (for the Retry-After of a client whose scan is running).
  std::optional<Refused> enter(const config::Address& client, double now, double expected_seconds);
  // The scan `enter` let in has ended.
  void leave(const config::Address& client);

  unsigned running() const;

 private:
  struct Entry {
    double tokens = 0;
    double updated = 0;
    bool scanning = false;
    double expected_end = 0;
  };
  void refill(Entry& e, double now) const;
  void prune(double now);

  const GateConfig config_;
  mutable std::mutex mutex_;
  std::unordered_map<config::Address, Entry> clients_;
  unsigned running_ = 0;
  double last_prune_ = 0;
};

// Leaves the gate when it goes out of scope.
class GatePass {
 public:
  GatePass(ScanGate& gate, const config::Address& client) : gate_(&gate), client_(client) {}
  GatePass(GatePass&& o) noexcept : gate_(o.gate_), client_(o.client_) { o.gate_ = nullptr; }
  GatePass(const GatePass&) = delete;
  GatePass& operator=(const GatePass&) = delete;
  GatePass& operator=(GatePass&&) = delete;
  ~GatePass() {
    if (gate_) gate_->leave(client_);
  }

 private:
  ScanGate* gate_;
  config::Address client_;
};

}  // namespace portauth::web
