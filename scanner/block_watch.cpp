#include "scanner/block_watch.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace portauth::scanner {
namespace {

constexpr uint64_t kMs = 1'000'000;
constexpr uint64_t kMinAllowance = 4 * kMs;       // an answer may be this late (and the caller's RTT figure)
constexpr uint64_t kMinSilentProbes = 32;          // nor fewer unanswered probes in a row
constexpr uint64_t kMinAnswers = 4;                // nor after fewer answers
constexpr double kHonestOdds = 1e-6;               // (1-p)^N below this: not chance
constexpr uint64_t kStrongAnswers = 32;            // an estimate from fewer answers is weak
constexpr uint64_t kFirstKeepalive = 100 * kMs, kMaxKeepalive = 500 * kMs;
constexpr double kMargin = 0.9;                    // below the estimated rate
// A paced host with at least this share of the probes sets the pace itself: the sender waits for
// its tokens, and the scan's cap is twice its rate, so that after a late wake-up the host's
// bucket (which forgives one) and not the sender's own limiter (which does not) decides. A host
// with less is paced by the cap (its rate over its share) and its probes without a token are
// deferred to a later pass, so that it never holds the others up.
constexpr double kDominant = 0.5;

}  // namespace

void BlockWatch::start_epoch(Track& t, uint64_t now_ns, uint64_t answers) {
  t.single = true;
  t.sent = 0;
  t.epoch_start_ns = t.last_answer_ns = t.snap_ns = now_ns;
  t.epoch_answers = t.seen_answers = answers;
  t.sent_at_answer = t.snap_sent = t.old_sent = 0;
}

BlockWatch::Host* BlockWatch::host_of(const config::Address& addr) {
  for (unsigned i = 0; i < hosts_used_; ++i)
    if (hosts_[i].addr == addr) return &hosts_[i];
  return nullptr;
}

void BlockWatch::on_pass_start(unsigned pass, uint64_t now_ns,
                               const std::array<std::atomic<uint64_t>, kGroups>& answered) {
  find_new_ = pass == 0;
  total_sent_ = 0;
  for (unsigned i = 0; i < active_count_; ++i) tracks_[active_groups_[i]].active = false;
  active_count_ = 0;
  for (unsigned g = 0; g < kGroups; ++g) start_epoch(tracks_[g], now_ns, answered[g].load(std::memory_order_relaxed));
}

bool BlockWatch::admit(const config::Address& addr, uint64_t slot, uint64_t now_ns, uint64_t& wait_until,
                       config::Proto proto) {
  wait_until = 0;
  ++attempts_;
  Host* h = host_of(addr);
  if (!h) return true;
  if (proto != config::Proto::kTcp) {
    if (h->state != State::kSilent) return true;
    ++h->silent_deferred;
    ++deferred_;
    return false;
  }
  ++h->attempts;
  switch (h->state) {
    case State::kSilent:
      if (now_ns >= h->next_keepalive_ns) {  // this probe is the keepalive
        h->next_keepalive_ns = now_ns + h->keepalive_gap_ns;
        h->keepalive_gap_ns = std::min(kMaxKeepalive, h->keepalive_gap_ns * 3 / 2);
        return true;
      }
      h->keepalive_slots[h->keepalive_count++ % Host::kKeepaliveSlots] = slot;
      h->have_keepalive = true;
      ++h->silent_deferred;
      ++deferred_;
      return false;
    case State::kPaced: {
      // A little slack for a sender that woke late, far under any burst a limit allows.
      const double burst = std::max(2.0, h->rate * 0.05);
      if (now_ns > h->bucket_ns) h->tokens = std::min(burst, h->tokens + double(now_ns - h->bucket_ns) * h->rate / 1e9);
      h->bucket_ns = std::max(h->bucket_ns, now_ns);
      if (h->tokens >= 1) {
        h->tokens -= 1;
        return true;
      }
      if (h->share < kDominant) {  // other hosts' probes go on; this one waits for a later pass
        ++deferred_;
        return false;
      }
      --attempts_;  // it will be asked again
      --h->attempts;
      wait_until = h->bucket_ns + uint64_t((1.0 - h->tokens) / h->rate * 1e9) + 1;
      return false;
    }
    case State::kGaveUp: return true;
  }
  return true;
}

bool BlockWatch::keepalive_due(uint64_t now_ns, uint64_t& slot) {
  for (unsigned i = 0; i < hosts_used_; ++i) {
    Host& h = hosts_[i];
    if (h.state != State::kSilent || !h.have_keepalive || now_ns < h.next_keepalive_ns) continue;
    h.next_keepalive_ns = now_ns + h.keepalive_gap_ns;
    h.keepalive_gap_ns = std::min(kMaxKeepalive, h.keepalive_gap_ns * 3 / 2);
    const unsigned n = std::min(h.keepalive_count, Host::kKeepaliveSlots);
    slot = h.keepalive_slots[h.keepalive_next++ % n];
    return true;
  }
  return false;
}

bool BlockWatch::waiting(uint64_t now_ns) {
  for (unsigned i = 0; i < hosts_used_; ++i) {
    Host& h = hosts_[i];
    if (h.state != State::kSilent) continue;
    if (now_ns - h.detected_ns > kMaxSilence) {  // it is not coming back: stop waiting for it
      h.state = State::kGaveUp;
      h.silent_ns += now_ns - h.silent_since_ns;
      --active_;
      continue;
    }
    if (h.have_keepalive) return true;
  }
  return false;
}

void BlockWatch::go_silent(unsigned group, Track& t, uint64_t now_ns, uint64_t answers, uint64_t lost) {
  Host* h = host_of(t.addr);
  if (!h) {
    if (hosts_used_ == kMaxHosts) return;
    const unsigned i = hosts_used_++;
    h = &hosts_[i];
    h->addr = t.addr;
    h->group = group;
    h->answers_before = answers - t.epoch_answers;
    t.host = h;
  } else if (h->state == State::kSilent || (h->state == State::kGaveUp && !h->forgotten)) {
    return;  // already silent, or given up on
  }
  const uint64_t got = answers - t.epoch_answers;
  const double seconds = double(t.last_answer_ns - t.epoch_start_ns) / 1e9;
  h->estimate = double(got) / (seconds + 1.0);
  // Its share of the probes so far (the scan's cap is its rate over its share), until the
  // windows measure it.
  h->share = total_sent_ > 0 ? std::max(0.001, double(t.sent) / double(total_sent_)) : 1.0;
  h->previous_rate = h->rate;
  if (h->state == State::kPaced) {  // silent again, at the paced rate
    h->paced_ns += now_ns - h->paced_since_ns;
    if (h->weak) h->rate = h->last_safe > 0 ? kMargin * h->last_safe : 0.5 * h->rate;
    else h->rate = std::min(0.8 * h->rate, kMargin * h->estimate);
    h->weak = false;
  } else {  // a first silence (or the first real one after a false alarm)
    h->rate = kMargin * h->estimate;
    h->weak = got < kStrongAnswers;
    h->forgotten = false;
    ++active_;
  }
  h->rate = std::max(h->rate, 1.0);
  h->last_safe = 0;
  h->state = State::kSilent;
  h->silent_since_ns = t.last_answer_ns;
  h->detected_ns = now_ns;
  h->answers_mark = answers;
  h->keepalive_gap_ns = kFirstKeepalive;
  h->next_keepalive_ns = now_ns + kFirstKeepalive;
  h->have_keepalive = false;
  h->keepalive_count = h->keepalive_next = 0;
  h->keepalives = 0;
  h->lost = lost;
  h->silent_deferred = 0;
  ++h->silences;
}

void BlockWatch::on_window(uint64_t now_ns) {
  // Paced hosts: their share of the sender's attempts, and the weak estimates' next step.
  for (unsigned i = 0; i < hosts_used_; ++i) {
    Host& h = hosts_[i];
    if (h.state != State::kPaced) continue;
    if (attempts_ > 0) h.share = 0.5 * h.share + 0.5 * double(h.attempts) / double(attempts_);
    if (h.weak && now_ns - h.step_start_ns >= h.step_ns) {
      h.last_safe = h.rate;
      h.rate *= 2;
      h.step_start_ns = now_ns;
    }
  }
  for (unsigned i = 0; i < hosts_used_; ++i) hosts_[i].attempts = 0;
  attempts_ = 0;
}

bool BlockWatch::on_tick(uint64_t now_ns, const std::array<std::atomic<uint64_t>, kGroups>& answered,
                         double rtt_ms) {
  const uint64_t allowance = std::max(kMinAllowance, uint64_t(std::max(0.0, rtt_ms) * 1e6));
  bool went = false;
  for (unsigned i = 0; i < active_count_; ++i) {
    const unsigned g = active_groups_[i];
    Track& t = tracks_[g];
    // `old_sent`: what had been sent at least one allowance ago (two snapshots back).
    if (now_ns - t.snap_ns >= allowance) {
      t.old_sent = t.snap_sent;
      t.snap_sent = t.sent;
      t.snap_ns = now_ns;
    }
    const uint64_t a = answered[g].load(std::memory_order_relaxed);
    if (a > t.seen_answers) {
      t.seen_answers = a;
      t.sent_at_answer = t.sent;
      t.last_answer_ns = now_ns;
      continue;
    }
    if (!t.single || t.old_sent <= t.sent_at_answer || now_ns - t.last_answer_ns < allowance) continue;
    const Host* h = t.host;
    if (h && (h->state == State::kSilent || (h->state == State::kGaveUp && !h->forgotten))) continue;
    if (!find_new_ && (!h || h->state != State::kPaced)) continue;  // retry passes: paced hosts only
    const uint64_t n = t.old_sent - t.sent_at_answer;  // unanswered, and old enough to have been
    const uint64_t got = a - t.epoch_answers;
    if (got < kMinAnswers || n < kMinSilentProbes || t.sent_at_answer == 0) continue;
    const double p = std::min(1.0, double(got) / double(t.sent_at_answer));
    if (p >= 1.0 || double(n) * std::log1p(-p) < std::log(kHonestOdds)) {
      go_silent(g, t, now_ns, a, n);
      went = true;
    }
  }
  return went;
}

bool BlockWatch::poll(uint64_t now_ns, const std::array<std::atomic<uint64_t>, kGroups>& answered) {
  bool back = false;
  for (unsigned i = 0; i < hosts_used_; ++i) {
    Host& h = hosts_[i];
    if (h.state != State::kSilent) continue;
    const uint64_t a = answered[h.group].load(std::memory_order_relaxed);
    if (a <= h.answers_mark) continue;
    // More answers than keepalives (any answer before the first keepalive went out): answers
    // to probes from before the "silence" came late (the capture fell behind, not the host).
    // Not a silence: forget it.
    if (a - h.answers_mark > h.keepalives) {
      false_alarms_++;
      h.rate = h.previous_rate;
      h.state = h.silences > 1 ? State::kPaced : State::kGaveUp;
      --h.silences;
      if (h.state == State::kGaveUp) {
        --active_;
        h.forgotten = true;
      }
      h.paced_since_ns = now_ns;
      // The late answers are answers: the watch goes on from them (a silence that really began
      // meanwhile is still caught, with the epoch's answers to estimate from).
      h.lost = h.silent_deferred = 0;
      Track& t = tracks_[h.group];
      t.seen_answers = a;
      t.sent_at_answer = t.sent;
      t.last_answer_ns = now_ns;
      continue;
    }
    h.fell += h.lost;
    h.deferred += h.silent_deferred;
    h.lost = h.silent_deferred = 0;
    if (!h.published) {
      h.published = true;
      const unsigned n = published_.load(std::memory_order_relaxed);
      pub_hi_[n].store(h.addr.hi(), std::memory_order_relaxed);
      pub_lo_[n].store(h.addr.lo(), std::memory_order_relaxed);
      published_.store(n + 1, std::memory_order_release);
    }
    h.silent_ns += now_ns - h.silent_since_ns;
    h.state = State::kPaced;
    h.answered_again = true;
    h.paced_since_ns = h.step_start_ns = h.bucket_ns = now_ns;
    h.step_ns = std::max<uint64_t>(500 * kMs, (now_ns - h.silent_since_ns) / 8);
    h.tokens = 1;
    start_epoch(tracks_[h.group], now_ns, a);
    back = true;
  }
  return back;
}

double BlockWatch::cap(config::Address& who) const {
  double cap = INFINITY;
  for (unsigned i = 0; i < hosts_used_; ++i) {
    const Host& h = hosts_[i];
    if (h.state != State::kPaced) continue;
    const double share = std::clamp(h.share, 0.001, 1.0);
    const double c = (share >= kDominant ? 2.0 : 1.0) * h.rate / share;
    if (c < cap) {
      cap = c;
      who = h.addr;
    }
  }
  return cap;
}

bool BlockWatch::ignored(unsigned group) const {
  for (unsigned i = 0; i < hosts_used_; ++i)
    if (hosts_[i].group == group && hosts_[i].state != State::kGaveUp) return true;
  return false;
}

bool BlockWatch::silent_now() const {
  for (unsigned i = 0; i < hosts_used_; ++i)
    if (hosts_[i].state == State::kSilent) return true;
  return false;
}

config::Address BlockWatch::silent_host() const {
  for (unsigned i = 0; i < hosts_used_; ++i)
    if (hosts_[i].state == State::kSilent) return hosts_[i].addr;
  return {};
}

std::vector<BlockWatch::Record> BlockWatch::records(uint64_t now_ns) const {
  std::vector<Record> out;
  for (unsigned i = 0; i < hosts_used_; ++i) {
    const Host& h = hosts_[i];
    if (h.forgotten) continue;
    Record r;
    r.addr = h.addr;
    r.silences = h.silences;
    const uint64_t silent = h.silent_ns + (h.state == State::kSilent ? now_ns - h.silent_since_ns : 0);
    const uint64_t paced = h.paced_ns + (h.state == State::kPaced ? now_ns - h.paced_since_ns : 0);
    r.silent_seconds = double(silent) / 1e9;
    r.answered_again = h.answered_again;
    r.tolerated_pps = h.rate;
    r.answers_before = h.answers_before;
    r.fell_into_silence = h.fell;
    r.deferred = h.deferred;
    r.cost_seconds = double(silent + paced) / 1e9;
    out.push_back(r);
  }
  return out;
}

}  // namespace portauth::scanner
