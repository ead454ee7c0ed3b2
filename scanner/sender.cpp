#include "scanner/sender.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "scanner/rate_limiter.h"

namespace portauth::scanner {

Sender::Sender(const probe::ProbeSpace& space, probe::ProbeTable& table, const probe::ProbeModule& module,
               PacketSink& sink, Clock& clock, SenderConfig config)
    : space_(space), table_(table), module_(module), sink_(sink), clock_(clock), config_(config) {
  // Batches of ~1 ms of traffic: small at low rates so packets are not bunched, up to
  // max_batch at high rates so the limiter and the syscall are paid once per batch.
  const size_t cap = std::max<size_t>(config_.max_batch, 1);
  config_.max_batch = std::isfinite(config_.rate_pps) && !config_.controller
                          ? std::clamp<size_t>(size_t(std::max(config_.rate_pps, 0.0) / 1000), 1, cap)
                          : cap;
  if (config_.source_port_count == 0) config_.source_port_count = 1;
}

void Sender::run(const std::atomic<bool>& stop) {
  stats_.first_pass_done.store(std::min(config_.first_pass_start, space_.slots()), std::memory_order_relaxed);
  RateController* rc = config_.controller;
  // Passes in which probes to a host that blocks us were deferred do not count as retries
  // (scanner/block_watch.h): each adds one.
  unsigned base_passes = config_.retries + 1;
  for (unsigned pass = 0;; ++pass) {
    stats_.pass.store(pass, std::memory_order_relaxed);
    stats_.answered_at_pass_start.store(table_.answered(), std::memory_order_relaxed);
    if (rc) rc->on_pass_start(pass);
    const uint64_t pass_start = clock_.now_ns();
    const bool completed = run_pass(pass, stop);
    stats_.busy_ns.fetch_add(clock_.now_ns() - pass_start, std::memory_order_relaxed);
    if (rc) rc->on_pass_end();
    if (!completed) break;
    if (rc && rc->take_deferred() > 0) ++base_passes;
    if (!rc && pass + 1 >= base_passes) break;
    if (rc && pass + 1 >= base_passes + RateController::kMaxExtraPasses) break;
    // Let replies to this pass arrive before deciding what is still unanswered; once every
    // slot is answered there is nothing left to wait for, nor to retry.
    // A scan with UDP ports asks the controller's wait again as the first answers' round trips
    // come in: at the pass's end nothing may have answered yet, and its wait is then --wait (a
    // hundred UDP probes are one batch, and few of them are answered). A TCP scan keeps the wait
    // it had at the pass's end.
    const uint64_t pass_end = clock_.now_ns();
    const uint64_t first_wait = rc ? rc->wait_ns() : config_.pass_wait_ns;
    auto until = [&] { return pass_end + (rc && config_.udp_phase ? rc->wait_ns() : first_wait); };
    while (!stop.load(std::memory_order_relaxed) && clock_.now_ns() < until() && table_.answered() < table_.size())
      clock_.sleep_until_ns(std::min(until(), clock_.now_ns() + 10000000));
    if (rc) wait_for_silent_hosts(pass, stop);
    if (stop.load(std::memory_order_relaxed)) break;
    if (rc && !rc->want_extra_pass(pass, base_passes)) break;
    bool any_left = false;
    for (uint64_t s = 0; s < table_.size() && !any_left; ++s) any_left = table_.get(s) == 0;
    if (!any_left) break;
  }
  if (config_.udp_phase && !stop.load(std::memory_order_relaxed) && table_.answered() < table_.size())
    config_.udp_phase->run(stop, stats_.sent, rc ? rc->wait_ns() : config_.pass_wait_ns, rc ? rc->rate() : 0, rc);
  stats_.finished.store(true, std::memory_order_release);
}

void Sender::wait_for_silent_hosts(unsigned pass, const std::atomic<bool>& stop) {
  RateController* rc = config_.controller;
  std::vector<uint8_t> buffer(module_.max_len());
  while (!stop.load(std::memory_order_relaxed) && rc->waiting_for_silent_host(clock_.now_ns())) {
    uint64_t slot = 0;
    if (rc->keepalive_due(clock_.now_ns(), slot) && slot < space_.slots() && !table_.get(slot)) {
      const probe::ProbeTarget t = space_.at(slot);
      const size_t len = module_.write(buffer.data(), t, probe_source_port(config_, slot, pass));
      const OutPacket packet{buffer.data(), uint16_t(len), t.addr};
      const size_t ok = sink_.send(&packet, 1);
      stats_.sent.fetch_add(ok, std::memory_order_relaxed);
      if (ok) rc->on_probe(t.addr, t.proto);
    }
    clock_.sleep_until_ns(clock_.now_ns() + 10000000);
  }
}

bool Sender::run_pass(unsigned pass, const std::atomic<bool>& stop) {
  const size_t cap = config_.max_batch;
  RateController* rc = config_.controller;
  const size_t stride = module_.max_len();
  std::vector<uint8_t> buffer(cap * stride);
  std::vector<OutPacket> packets(cap);
  std::vector<config::Proto> protos(cap);  // each packet's, for the controller's block watch
  const bool paced = rc || std::isfinite(config_.rate_pps);
  double rate = rc ? rc->rate() : config_.rate_pps;
  RateLimiter limiter(paced ? rate : 1.0, clock_.now_ns());
  // Batches of ~1 ms of traffic at the rate of the moment.
  auto batch_for = [&](double r) { return std::isfinite(r) ? std::clamp<size_t>(size_t(r / 1000), 1, cap) : cap; };
  size_t batch = batch_for(rate);
  const uint64_t slots = space_.slots();

  uint64_t slot = pass == 0 ? std::min(config_.first_pass_start, slots) : 0;
  while (slot < slots) {
    if (stop.load(std::memory_order_relaxed)) return false;
    // Fill a batch, skipping slots already answered (always none on the first pass), and
    // deferring those to a host that blocks us (they stay unanswered for a later pass).
    size_t n = 0;
    uint64_t first_slot = 0, prefix_in_batch = 0;
    probe::ProbeTarget first_target{};
    // UDP probes are timed more often: few of them are answered (silence is their usual
    // answer), and a scan of a hundred ports is two batches.
    std::array<std::pair<uint64_t, probe::ProbeTarget>, 32> udp_samples;
    size_t udp_sampled = 0;
    const bool gate = rc && rc->gating();
    uint64_t gate_now = gate ? clock_.now_ns() : 0;
    for (; slot < slots && n < batch; ++slot) {
      if (pass > 0 && table_.get(slot) != 0) continue;
      const probe::ProbeTarget t = space_.at(slot);
      if (gate) {
        uint64_t wait_until = 0;
        if (!rc->admit(t.addr, slot, gate_now, wait_until, t.proto)) {
          if (wait_until == 0) continue;  // deferred: a host that blocks us is silent
          if (n > 0) break;               // a paced host's token: send what we have first
          if (stop.load(std::memory_order_relaxed)) return false;
          clock_.sleep_until_ns(wait_until);
          gate_now = clock_.now_ns();
          --slot;  // ask again for the same slot
          continue;
        }
      }
      if (t.proto == config::Proto::kUdp && rc && pass > 0) rc->forget(slot);  // the same 4-tuple again
      if (n == 0) first_slot = slot, first_target = t;
      else if (t.proto == config::Proto::kUdp && rc && pass == 0 && udp_sampled < udp_samples.size())
        udp_samples[udp_sampled++] = {slot, t};
      if (slot < space_.prefix_slots()) ++prefix_in_batch;
      protos[n] = t.proto;
      uint8_t* out = &buffer[n * stride];
      const size_t len = module_.write(out, t, probe_source_port(config_, slot, pass));
      packets[n] = {out, uint16_t(len), t.addr};
      ++n;
    }
    if (n == 0) break;
    // The limiter is asked per batch, not per packet; unpaced (--rate max) it is not asked
    // at all, so no clock is read on the way to the sink.
    size_t granted = paced ? 0 : n;
    while (granted < n) {
      const uint64_t now = clock_.now_ns();
      const uint64_t g = limiter.grant(now, n - granted);
      if (g == 0) {
        clock_.sleep_until_ns(limiter.next_ns(now));
        continue;
      }
      granted += g;
    }
    const size_t ok = sink_.send(packets.data(), n);
    stats_.sent.fetch_add(ok, std::memory_order_relaxed);
    if (prefix_in_batch) stats_.prefix_sent.fetch_add(prefix_in_batch, std::memory_order_relaxed);
    if (ok < n) stats_.send_errors.fetch_add(n - ok, std::memory_order_relaxed);
    if (rc) {
      const uint64_t now = clock_.now_ns();
      for (size_t i = 0; i < n; ++i) rc->on_probe(packets[i].dst, protos[i]);
      // The port the sampled probe really left from (a UDP probe picks its own).
      rc->sample(first_slot, module_.source_port(first_target, probe_source_port(config_, first_slot, pass)), now);
      for (size_t i = 0; i < udp_sampled; ++i)
        rc->sample(udp_samples[i].first, module_.source_port(udp_samples[i].second, 0), now);
      rc->on_batch(now, stats_.send_errors.load(std::memory_order_relaxed));
      if (rc->rate() != rate) {
        rate = rc->rate();
        limiter.set_rate(rate);
        batch = batch_for(rate);
      }
    }
    if (pass == 0) stats_.first_pass_done.store(slot, std::memory_order_release);
  }
  return true;
}

}  // namespace portauth::scanner
