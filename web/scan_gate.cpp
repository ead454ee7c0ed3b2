#include "web/scan_gate.h"

#include <algorithm>
#include <cmath>

namespace portauth::web {
namespace {

unsigned whole_seconds(double s) { return unsigned(std::clamp(std::ceil(s), 1.0, 86400.0)); }

}  // namespace

std::optional<GateConfig> parse_client_rate(const std::string& text, GateConfig base) {
  const size_t slash = text.find('/');
  if (slash == std::string::npos || slash == 0 || slash > 6) return std::nullopt;
  unsigned n = 0;
  for (size_t i = 0; i < slash; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    n = n * 10 + unsigned(text[i] - '0');
  }
  const std::string unit = text.substr(slash + 1);
  double period = 0;
  if (unit == "s") period = 1;
  else if (unit == "min") period = 60;
  else if (unit == "h") period = 3600;
  if (n == 0 || period == 0) return std::nullopt;
  base.burst = n;
  base.period = period;
  return base;
}

void ScanGate::refill(Entry& e, double now) const {
  const double rate = config_.burst / config_.period;  // tokens a second
  e.tokens = std::min<double>(config_.burst, e.tokens + std::max(0.0, now - e.updated) * rate);
  e.updated = now;
}

void ScanGate::prune(double now) {
  // At most once a period: drop clients that are back to a full bucket and run nothing.
  if (now - last_prune_ < config_.period) return;
  last_prune_ = now;
  for (auto it = clients_.begin(); it != clients_.end();) {
    refill(it->second, now);
    if (!it->second.scanning && it->second.tokens >= config_.burst) it = clients_.erase(it);
    else ++it;
  }
}

std::optional<ScanGate::Refused> ScanGate::enter(const config::Address& client, double now, double expected) {
  std::lock_guard lock(mutex_);
  prune(now);
  auto [it, fresh] = clients_.try_emplace(client);
  Entry& e = it->second;
  if (fresh) {
    e.tokens = config_.burst;
    e.updated = now;
  }
  refill(e, now);
  if (e.scanning)
    return Refused{whole_seconds(e.expected_end - now), "a scan of your address is already running"};
  if (running_ >= config_.max_scans) {
    // When the first running scan should be over.
    double soonest = now + expected;
    for (const auto& [address, other] : clients_)
      if (other.scanning) soonest = std::min(soonest, other.expected_end);
    return Refused{whole_seconds(soonest - now), "the server is running " + std::to_string(running_) +
                                                     " scans, its limit; try again shortly"};
  }
  if (e.tokens < 1) {
    const double rate = config_.burst / config_.period;
    return Refused{whole_seconds((1 - e.tokens) / rate),
                   "too many scans from your address (the limit is " + std::to_string(config_.burst) + " per " +
                       std::to_string(int(config_.period)) + " s)"};
  }
  e.tokens -= 1;
  e.scanning = true;
  e.expected_end = now + expected;
  ++running_;
  return std::nullopt;
}

void ScanGate::leave(const config::Address& client) {
  std::lock_guard lock(mutex_);
  auto it = clients_.find(client);
  if (it == clients_.end() || !it->second.scanning) return;
  it->second.scanning = false;
  --running_;
}

unsigned ScanGate::running() const {
  std::lock_guard lock(mutex_);
  return running_;
}

}  // namespace portauth::web
