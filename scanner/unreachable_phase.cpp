#include "scanner/unreachable_phase.h"

#include <algorithm>
#include <cmath>
#include <queue>

#include "scanner/rate_limiter.h"

namespace portauth::scanner {

namespace {
constexpr uint64_t kMs = 1'000'000;
constexpr double kModelMargin = 1.02;  // send a little after the modelled token, never before
}  // namespace

struct UnreachablePhase::Host {
  enum Stage : uint8_t { kCanary, kCanaryWait, kMeasure, kMeasure2, kFollow, kDone };
  uint64_t index = 0;
  config::Address addr;
  Stage stage = kCanary;
  uint32_t icmp_before = 0;
  uint32_t count_mark = 0;   // the meter's count when the stage (or the pending probe) began
  uint64_t t_ref = 0;        // when the host's bucket was last known empty (an error's arrival)
  uint64_t stage_ns = 0;
  double period_ns = 0;
  double burst = 1;
  double tokens = 0;         // follow: tokens at tokens_ns (the model)
  uint64_t tokens_ns = 0;
  bool pending = false;
  size_t pending_i = 0;
  uint64_t sent_ns = 0;
  std::vector<uint64_t> slots;   // its UDP probes unanswered when the phase began
  std::vector<uint8_t> silent;   // per slot: probes sent with a token to spend and no answer
  size_t cursor = 0;
  uint64_t next_ns = 0;
  uint64_t classified = 0;
  bool is_limited = false;

  double tokens_at(uint64_t t) const {
    return std::min(burst, tokens + double(t - std::min(t, tokens_ns)) / period_ns);
  }
};

UnreachablePhase::UnreachablePhase(const probe::ProbeSpace& space, const probe::ProbeTable& table,
                                   const probe::ProbeModule& module, PacketSink& sink, Clock& clock,
                                   const IcmpRateMeter& meter, UdpPhaseConfig config)
    : space_(space), table_(table), module_(module), sink_(sink), clock_(clock), meter_(meter), config_(config) {}

void UnreachablePhase::send(uint64_t slot, std::vector<probe::ProbeTarget>& out) { out.push_back(space_.at(slot)); }

void UnreachablePhase::step(Host& h, uint64_t now, std::vector<probe::ProbeTarget>& out) {
  const uint32_t count = meter_.count(h.index);
  switch (h.stage) {
    case Host::kCanary: {
      // Probes to a port it already called closed: a host that does not limit answers them all.
      const uint64_t known = meter_.known_slot(h.index);
      h.count_mark = count;
      for (unsigned i = 0; i < config_.canary && known != UINT64_MAX; ++i) send(known, out);
      h.stage = Host::kCanaryWait;
      h.next_ns = now + config_.answer_wait_ns;
      return;
    }
    case Host::kCanaryWait: {
      const uint32_t got = count - h.count_mark;
      if (got >= config_.canary) {  // not limited: its unanswered ports are silent
        h.stage = Host::kDone;
        return;
      }
      h.is_limited = true;
      h.burst = std::max<double>({1.0, double(h.icmp_before), double(got)});
      h.t_ref = meter_.last_ns(h.index);  // the bucket is empty since its last error
      h.count_mark = count;
      h.stage = Host::kMeasure;
      h.stage_ns = now;
      h.next_ns = now;
      return;
    }
    case Host::kMeasure:
    case Host::kMeasure2: {
      if (count > h.count_mark) {
        // Errors while we keep probing every measure_gap_ns: each came as soon as a token had
        // refilled. The first one's wait from t_ref is exact when the bucket was empty then
        // (its burst spent); the wait between the first and the second always is.
        const uint64_t t1 = meter_.last_ns(h.index);
        h.period_ns = std::max(1.0, double(t1 - std::min(t1, h.t_ref)) / double(count - h.count_mark));
        h.classified += count - h.count_mark;
        h.t_ref = t1;
        h.count_mark = count;
        if (!config_.wait_all) {
          h.stage = Host::kDone;
          return;
        }
        if (h.stage == Host::kMeasure) {
          h.stage = Host::kMeasure2;
        } else {
          h.stage = Host::kFollow;
          h.tokens = 0;  // the error that just came spent the token that had refilled
          h.tokens_ns = t1;
          h.next_ns = now;
          return;
        }
      }
      const uint64_t window = config_.wait_all ? config_.wait_window_ns : config_.measure_window_ns;
      if (now - std::min(now, h.t_ref) >= window) {
        h.stage = Host::kDone;  // no error within the window: only a bound is known
        return;
      }
      // The next unanswered port, round robin: each probe is a chance to catch the token the
      // moment it refills.
      for (size_t tries = 0; tries < h.slots.size(); ++tries) {
        const size_t i = h.cursor++ % h.slots.size();
        if (table_.get(h.slots[i])) continue;
        send(h.slots[i], out);
        break;
      }
      h.next_ns = now + config_.measure_gap_ns;
      return;
    }
    case Host::kFollow: {
      if (h.pending) {
        if (count > h.count_mark) {  // an error came: a token was spent when the probe arrived
          h.tokens = std::max(0.0, h.tokens_at(h.sent_ns) - double(count - h.count_mark));
          h.tokens_ns = h.sent_ns;
          h.classified += count - h.count_mark;
          // It answered on the second try although the model had a token the first time:
          // the model runs fast; slow it down.
          if (h.silent[h.pending_i] > 0) h.period_ns *= 1.05;
          h.pending = false;
        } else if (now >= h.sent_ns + config_.answer_wait_ns) {
          ++h.silent[h.pending_i];  // silent with a token to spend
          h.pending = false;
        } else {
          h.next_ns = h.sent_ns + config_.answer_wait_ns;
          return;
        }
      }
      // The next port: unanswered, and silent fewer than twice; the never-silent ones first.
      size_t pick = h.slots.size();
      for (uint8_t round = 0; round < 2 && pick == h.slots.size(); ++round)
        for (size_t k = 0; k < h.slots.size(); ++k) {
          const size_t i = (h.cursor + k) % h.slots.size();
          if (h.silent[i] == round && !table_.get(h.slots[i])) {
            pick = i;
            break;
          }
        }
      if (pick == h.slots.size()) {
        h.stage = Host::kDone;
        return;
      }
      const double have = h.tokens_at(now);
      if (have < 1.0) {
        h.next_ns = now + uint64_t(std::ceil((1.0 - have) * h.period_ns * kModelMargin)) + kMs;
        return;
      }
      h.cursor = pick + 1;
      h.pending = true;
      h.pending_i = pick;
      h.sent_ns = now;
      h.count_mark = count;
      send(h.slots[pick], out);
      h.next_ns = now + config_.answer_wait_ns;
      return;
    }
    case Host::kDone:
      return;
  }
}

bool UnreachablePhase::run(const std::atomic<bool>& stop, std::atomic<uint64_t>& sent, uint64_t answer_wait_ns,
                           double rate_pps, RateController* rc) {
  if (answer_wait_ns) config_.answer_wait_ns = answer_wait_ns;
  if (rate_pps > 0) config_.rate_pps = rate_pps;
  start_ns_ = end_ns_ = clock_.now_ns();
  if (!meter_.enabled()) return true;
  // The hosts that sent ICMP errors and still have unanswered UDP ports.
  std::vector<Host> hosts;
  const auto& udp_ports = space_.udp_ports();
  for (uint64_t i = 0; i < meter_.hosts(); ++i) {
    const uint32_t n = meter_.count(i);
    if (n == 0) continue;
    Host h;
    h.index = i;
    h.addr = space_.targets().at(i);
    h.icmp_before = n;
    for (uint16_t port : udp_ports) {
      const auto slot = space_.slot_of(h.addr, port, config::Proto::kUdp);
      if (slot && !table_.get(*slot)) h.slots.push_back(*slot);
    }
    if (h.slots.empty()) continue;
    h.silent.assign(h.slots.size(), 0);
    h.next_ns = start_ns_;
    hosts.push_back(std::move(h));
  }
  using Due = std::pair<uint64_t, size_t>;  // (next_ns, host)
  std::priority_queue<Due, std::vector<Due>, std::greater<>> due;
  for (size_t i = 0; i < hosts.size(); ++i) due.push({hosts[i].next_ns, i});

  const size_t stride = module_.max_len();
  constexpr size_t kBatch = 64;
  std::vector<uint8_t> buffer(kBatch * stride);
  std::vector<OutPacket> packets(kBatch);
  std::vector<probe::ProbeTarget> out;
  const bool paced = config_.rate_pps > 0 && std::isfinite(config_.rate_pps);
  RateLimiter limiter(paced ? config_.rate_pps : 1.0, start_ns_);
  bool stopped = false;
  while (!due.empty()) {
    if (stop.load(std::memory_order_relaxed)) {
      stopped = true;
      break;
    }
    const uint64_t now = clock_.now_ns();
    if (due.top().first > now) {
      clock_.sleep_until_ns(std::min(due.top().first, now + 10 * kMs));
      continue;
    }
    out.clear();
    while (!due.empty() && due.top().first <= now && out.size() + config_.canary < kBatch) {
      const size_t i = due.top().second;
      due.pop();
      step(hosts[i], now, out);
      if (hosts[i].stage != Host::kDone) due.push({std::max(hosts[i].next_ns, now + 1), i});
    }
    for (size_t done = 0; done < out.size();) {
      const size_t n = std::min(kBatch, out.size() - done);
      for (size_t k = 0; k < n; ++k) {
        const probe::ProbeTarget& t = out[done + k];
        if (rc) rc->forget(space_.slot_of(t.addr, t.port, t.proto).value_or(0));  // its earlier copy is not timed
        uint8_t* p = &buffer[k * stride];
        packets[k] = {p, uint16_t(module_.write(p, t, 0)), t.addr};
      }
      for (size_t granted = paced ? 0 : n; granted < n;) {
        const uint64_t t = clock_.now_ns();
        const uint64_t g = limiter.grant(t, n - granted);
        if (g == 0) clock_.sleep_until_ns(limiter.next_ns(t));
        granted += g;
      }
      sent.fetch_add(sink_.send(packets.data(), n), std::memory_order_relaxed);
      done += n;
    }
  }
  end_ns_ = clock_.now_ns();
  for (const Host& h : hosts) {
    if (!h.is_limited) continue;
    HostIcmpLimit l;
    l.addr = h.addr;
    l.icmp_before = h.icmp_before;
    l.period_s = h.period_ns > 1 ? h.period_ns / 1e9 : 0;
    if (l.period_s == 0) l.bound_s = double(end_ns_ - std::min(end_ns_, h.t_ref)) / 1e9;
    l.waited = config_.wait_all;
    l.classified = h.classified;
    for (uint64_t slot : h.slots) l.unclassified += !table_.get(slot);
    limited_.push_back(l);
  }
  std::sort(limited_.begin(), limited_.end(), [](const auto& a, const auto& b) { return a.addr < b.addr; });
  return !stopped;
}

}  // namespace portauth::scanner
