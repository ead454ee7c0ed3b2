#include "sender.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "rate_limiter.h"

namespace portauth::scanner {

Sender::Sender(const probe::ProbeSpace& space, probe::ProbeTable& table, const probe::ProbeModule& module,
               PacketSink& sink, Clock& clock, SenderConfig config)
    : space_(space), table_(table), module_(module), sink_(sink), clock_(clock), config_(config) {
  // Batches of ~1 ms of traffic: small at low rates so packets are not bunched, up to
  // max_batch at high rates so the limiter and the syscall are paid once per batch.
  const size_t cap = std::max<size_t>(config_.max_batch, 1);
  config_.max_batch = std::isfinite(config_.rate_pps)
                          ? std::clamp<size_t>(size_t(std::max(config_.rate_pps, 0.0) / 1000), 1, cap)
                          : cap;
  if (config_.source_port_count == 0) config_.source_port_count = 1;
}

void Sender::run(const std::atomic<bool>& stop) {
  stats_.first_pass_done.store(std::min(config_.first_pass_start, space_.slots()), std::memory_order_relaxed);
  for (unsigned pass = 0; pass <= config_.retries; ++pass) {
    stats_.pass.store(pass, std::memory_order_relaxed);
    const uint64_t pass_start = clock_.now_ns();
    const bool completed = run_pass(pass, stop);
    stats_.busy_ns.fetch_add(clock_.now_ns() - pass_start, std::memory_order_relaxed);
    if (!completed) break;
    if (pass == config_.retries) break;
    // Let replies to this pass arrive before deciding what is still unanswered; once every
    // slot is answered there is nothing left to wait for, nor to retry.
    const uint64_t until = clock_.now_ns() + config_.pass_wait_ns;
    while (!stop.load(std::memory_order_relaxed) && clock_.now_ns() < until && table_.answered() < table_.size())
      clock_.sleep_until_ns(std::min(until, clock_.now_ns() + 10000000));
    if (stop.load(std::memory_order_relaxed)) break;
    bool any_left = false;
    for (uint64_t s = 0; s < table_.size() && !any_left; ++s) any_left = table_.get(s) == 0;
    if (!any_left) break;
  }
  stats_.finished.store(true, std::memory_order_release);
}

bool Sender::run_pass(unsigned pass, const std::atomic<bool>& stop) {
  const size_t batch = config_.max_batch;
  const size_t stride = module_.max_len();
  std::vector<uint8_t> buffer(batch * stride);
  std::vector<OutPacket> packets(batch);
  const bool paced = std::isfinite(config_.rate_pps);
  RateLimiter limiter(paced ? config_.rate_pps : 1.0, clock_.now_ns());
  const uint64_t slots = space_.slots();

  uint64_t slot = pass == 0 ? std::min(config_.first_pass_start, slots) : 0;
  while (slot < slots) {
    if (stop.load(std::memory_order_relaxed)) return false;
    // Fill a batch, skipping slots already answered (always none on the first pass).
    size_t n = 0;
    for (; slot < slots && n < batch; ++slot) {
      if (pass > 0 && table_.get(slot) != 0) continue;
      const probe::ProbeTarget t = space_.at(slot);
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
    if (ok < n) stats_.send_errors.fetch_add(n - ok, std::memory_order_relaxed);
    if (pass == 0) stats_.first_pass_done.store(slot, std::memory_order_release);
  }
  return true;
}

}  // namespace portauth::scanner
