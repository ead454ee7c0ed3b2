#include "scanner/unreachable_phase.h"

#include <algorithm>
#include <cmath>
#include <queue>

#include "scanner/rate_limiter.h"

namespace portauth::scanner {

namespace {
constexpr uint64_t kMs = 1'000'000;
constexpr double kModelMargin = 1.03;  // send a little after the modelled token, never before
constexpr unsigned kNotLimitedSteps = 20;
constexpr unsigned kMaxFailedProofs = 5;
}  // namespace

struct UnreachablePhase::Host {
  enum Stage : uint8_t { kSeek, kCanary, kCanaryWait, kDrain, kMeasure, kMeasure2, kFollow, kDone };
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
  uint64_t first_empty_ns = 0, refill_hint_ns = 0;
  uint32_t step_count = 0;    // the meter's count at the last step (kMeasure, kMeasure2)
  bool saw_empty = false;     // kMeasure: a probe drew no error (the bucket was empty)
  bool probed = false;        // kMeasure: the last step sent a probe to the known port
  bool fallback = false;      // kMeasure2: probing the known port (the unanswered ones may all be silent)
  bool verifying = false;     // kFollow: the pending probes are the suspects' and the known port's
  std::vector<size_t> burst_members;  // kFollow: the suspects of that burst
  unsigned failed_proofs = 0;
  unsigned answered_steps = 0;
  uint64_t next_ns = 0;
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
  // The next unanswered port, round robin (none: nothing sent).
  auto next_unanswered = [&] {
    for (size_t tries = 0; tries < h.slots.size(); ++tries) {
      const size_t i = h.cursor++ % h.slots.size();
      if (table_.get(h.slots[i])) continue;
      send(h.slots[i], out);
      return true;
    }
    return false;
  };
  const uint64_t known = meter_.known_slot(h.index);
  switch (h.stage) {
    case Host::kSeek: {
      // --wait-unreachable, a host that answered before (an earlier run of a resumed scan) but
      // sent no ICMP error in this one: its unanswered ports, round robin, until one comes.
      if (count > 0) {
        h.is_limited = true;
        h.stage = Host::kDrain;
        h.next_ns = now;
        return;
      }
      if (now - h.stage_ns >= config_.wait_window_ns) {
        h.stage = Host::kDone;
        return;
      }
      next_unanswered();
      h.next_ns = now + config_.measure_gap_ns;
      return;
    }
    case Host::kCanary: {
      // Default: probes to a port it already called closed; a host that does not limit
      // answers them all.
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
    case Host::kDrain: {
      // --wait-unreachable: whatever tokens the bucket holds are spent on unanswered ports
      // (each closed one is classified by it), `canary` at once.
      h.is_limited = true;
      h.burst = std::max(1.0, double(h.icmp_before));
      for (unsigned i = 0; i < config_.canary && next_unanswered();) ++i;
      h.count_mark = h.step_count = count;
      h.stage = Host::kMeasure;
      h.stage_ns = now;
      h.t_ref = now;
      h.next_ns = now + config_.answer_wait_ns;
      return;
    }
    case Host::kMeasure: {
      if (!config_.wait_all) {
        // Default: one error after the canary spent the bucket, the port known closed probed
        // every gap: the wait since its last error is the period (exact when the burst or the
        // canary left the bucket empty, which a first scan of a host does; an estimate else).
        if (count > h.count_mark) {
          const uint64_t t1 = meter_.last_ns(h.index);
          h.period_ns = std::max(1.0, double(t1 - std::min(t1, h.t_ref)) / double(count - h.count_mark));
          h.stage = Host::kDone;
          return;
        }
        if (now - std::min(now, h.t_ref) >= config_.measure_window_ns) {
          h.stage = Host::kDone;  // no error within the window: only a bound is known
          return;
        }
        if (known != UINT64_MAX) send(known, out);
        h.next_ns = now + config_.measure_gap_ns;
        return;
      }
      // --wait-unreachable: the port known closed, every gap, until an error comes after a
      // probe that drew none: the bucket was empty then, so this error came the moment a token
      // refilled, and left it empty (t1). A host that answers every probe does not limit us.
      h.count_mark = count;
      if (count > h.step_count) {
        if (h.saw_empty && h.probed) {
          h.t_ref = meter_.last_ns(h.index);
          h.count_mark = count;
          // How long the bucket took to refill at least (from the first probe that drew
          // nothing): measuring 2 waits three times that before it suspects every unanswered
          // port is silent.
          h.refill_hint_ns = std::max<uint64_t>(h.t_ref - std::min(h.t_ref, h.first_empty_ns), 100'000'000);
          h.stage = Host::kMeasure2;
          h.step_count = count;
          h.next_ns = now;
          return;
        }
        // Errors to every probe for longer than any bucket lasts (Linux's holds 6): it does not
        // limit us at this pace. Fewer could be a full bucket being spent: not proof.
        if (++h.answered_steps >= kNotLimitedSteps) {
          h.period_ns = double(config_.measure_gap_ns);
          h.stage = Host::kFollow;
          h.tokens = 1;
          h.tokens_ns = now;
          h.next_ns = now;
          return;
        }
      } else if (h.probed) {  // the last step's probe drew nothing: the bucket was empty
        if (!h.saw_empty) h.first_empty_ns = now;
        h.saw_empty = true;
        h.answered_steps = 0;
      }
      h.step_count = count;
      if (now - h.stage_ns >= config_.wait_window_ns) {
        h.stage = Host::kDone;
        return;
      }
      h.probed = known != UINT64_MAX;
      if (h.probed) send(known, out);
      h.next_ns = now + config_.measure_gap_ns;
      return;
    }
    case Host::kMeasure2: {
      // The next error, probing the unanswered ports so that it classifies one: the period
      // is the time since t1 (a silent port may hold the token back a gap or two: the period
      // comes out long, never short). When that takes three times as long as the bucket took
      // to refill in measuring 1, every unanswered port may be silent: back to the known
      // port, until a probe that drew nothing is followed by one that draws an error (the
      // moment of a refill); each error since t1 spent one refill, so the period is the time
      // since t1 over their number.
      const bool fresh = count > h.step_count;
      if (fresh && (!h.fallback || (h.saw_empty && h.probed))) {
        const uint64_t t2 = meter_.last_ns(h.index);
        h.period_ns = std::max(1.0, double(t2 - std::min(t2, h.t_ref)) / double(count - h.count_mark));
        h.count_mark = count;
        h.stage = Host::kFollow;
        h.tokens = 0;  // the error that just came spent the token that had refilled
        h.tokens_ns = t2;
        h.next_ns = now;
        return;
      }
      if (h.fallback && h.probed && !fresh) h.saw_empty = true;
      h.step_count = count;
      if (now - h.stage_ns >= config_.wait_window_ns) {
        h.stage = Host::kDone;
        return;
      }
      if (!h.fallback && (now - h.t_ref > 3 * h.refill_hint_ns || !next_unanswered())) {
        h.fallback = true;
        h.saw_empty = false;
      }
      h.probed = h.fallback && known != UINT64_MAX;
      if (h.probed) send(known, out);
      h.next_ns = now + config_.measure_gap_ns;
      return;
    }
    case Host::kFollow: {
      if (h.pending) {
        const bool waited = now >= h.sent_ns + config_.answer_wait_ns;
        if (h.verifying) {
          // The burst of suspects and then the port known closed: if the known port answered,
          // a token was left after every suspect had passed, so a suspect that drew nothing
          // had a token to spend and kept it: silent, proven. If it did not, the model ran
          // fast and nothing is proven.
          if (!waited) {
            h.next_ns = h.sent_ns + config_.answer_wait_ns;
            return;
          }
          size_t answered = 0;
          for (size_t i : h.burst_members) answered += table_.get(h.slots[i]);
          const uint32_t drawn = count - h.count_mark;
          if (drawn >= answered + 1) {
            for (size_t i : h.burst_members)
              if (!table_.get(h.slots[i])) h.silent[i] = 2;
          } else if (++h.failed_proofs >= kMaxFailedProofs) {
            h.stage = Host::kDone;  // the host stopped answering even the known port: give up
            return;
          } else {
            h.period_ns *= 1.1;
          }
          const uint64_t spent = std::max(h.sent_ns, meter_.last_ns(h.index));
          h.tokens = std::max(0.0, h.tokens_at(spent) - double(drawn));
          h.tokens_ns = spent;
          h.pending = h.verifying = false;
        } else if (count > h.count_mark) {
          // An error came: a token was spent when the probe arrived, at the latest when the
          // error reached us (its arrival: a late send under load cannot make the model early).
          const uint64_t spent = std::max(h.sent_ns, meter_.last_ns(h.index));
          h.tokens = std::max(0.0, h.tokens_at(spent) - double(count - h.count_mark));
          h.tokens_ns = spent;
          h.pending = false;
        } else if (waited) {
          h.silent[h.pending_i] = 1;  // a suspect: silent while the model had a token for it
          h.pending = false;
        } else {
          h.next_ns = h.sent_ns + config_.answer_wait_ns;
          return;
        }
      }
      // The next port never probed here, else the suspects' proof; nothing left: done.
      size_t pick = h.slots.size();
      for (size_t k = 0; k < h.slots.size() && pick == h.slots.size(); ++k) {
        const size_t i = (h.cursor + k) % h.slots.size();
        if (h.silent[i] == 0 && !table_.get(h.slots[i])) pick = i;
      }
      h.burst_members.clear();
      if (pick == h.slots.size())
        for (size_t i = 0; i < h.slots.size(); ++i)
          if (h.silent[i] == 1 && !table_.get(h.slots[i])) h.burst_members.push_back(i);
      if (pick == h.slots.size() && (h.burst_members.empty() || known == UINT64_MAX)) {
        h.stage = Host::kDone;
        return;
      }
      const double have = h.tokens_at(now);
      if (have < 1.0) {
        h.next_ns = now + uint64_t(std::ceil((1.0 - have) * h.period_ns * kModelMargin)) + kMs;
        return;
      }
      h.pending = true;
      h.sent_ns = now;
      h.count_mark = count;
      h.next_ns = now + config_.answer_wait_ns;
      if (pick < h.slots.size()) {
        h.cursor = pick + 1;
        h.pending_i = pick;
        send(h.slots[pick], out);
        return;
      }
      // Every suspect at once, then the port known closed: one token proves them all.
      h.verifying = true;
      for (size_t i : h.burst_members) send(h.slots[i], out);
      send(known, out);
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
  // The hosts that sent ICMP errors and still have unanswered UDP ports; with
  // --wait-unreachable also those that sent none in this run but answered a UDP probe before
  // (a resumed scan: the errors of the interrupted run are not counted here).
  std::vector<Host> hosts;
  const auto& udp_ports = space_.udp_ports();
  for (uint64_t i = 0; i < meter_.hosts(); ++i) {
    const uint32_t n = meter_.count(i);
    if (n == 0 && !config_.wait_all) continue;
    Host h;
    h.index = i;
    h.addr = space_.targets().at(i);
    h.icmp_before = n;
    bool answered = false;
    for (uint16_t port : udp_ports) {
      const auto slot = space_.slot_of(h.addr, port, config::Proto::kUdp);
      if (!slot) continue;
      if (!table_.get(*slot)) h.slots.push_back(*slot);
      else answered = true;
    }
    if (h.slots.empty() || (n == 0 && !answered)) continue;
    if (n == 0) h.stage = Host::kSeek;
    else if (config_.wait_all) h.stage = Host::kDrain;
    h.silent.assign(h.slots.size(), 0);
    h.next_ns = h.stage_ns = start_ns_;
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
    for (uint64_t slot : h.slots) (table_.get(slot) ? l.classified : l.unclassified) += 1;
    limited_.push_back(l);
  }
  std::sort(limited_.begin(), limited_.end(), [](const auto& a, const auto& b) { return a.addr < b.addr; });
  return !stopped;
}

}  // namespace portauth::scanner
