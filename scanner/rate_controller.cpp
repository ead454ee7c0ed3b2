#include "scanner/rate_controller.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include "config/ipv4.h"

namespace portauth::scanner {
namespace {

constexpr uint64_t kMinWindow = 10'000'000;
constexpr uint64_t kMaxWindow = 200'000'000;
// A group's phi is judged only on windows with this many probes to it: fewer make phi noise.
constexpr uint64_t kMinGroupProbes = 64;
constexpr double kCongestedLine = RateController::kCongested;

// One window's verdict on an answered fraction: true when the answers are not keeping up.
// Windows are a few round trips long, so a window's count is lumpy (replies come in capture
// blocks, bursts straddle its edges): the fraction is smoothed over windows, the reference is
// the smoothed fraction while it kept up, and only two low windows in a row make a verdict.
bool judge(double phi, uint64_t answers, double& avg, double& ref, bool& low_before) {
  avg = avg < 0 ? phi : 0.5 * avg + 0.5 * phi;
  if (ref < 0) {
    if (answers >= 16) ref = avg;
    return false;
  }
  if (avg >= kCongestedLine * ref) {
    ref = std::max(avg, ref * 0.98);  // keeps up: the reference may rise again
    low_before = false;
    return false;
  }
  const bool verdict = low_before;
  low_before = true;
  return verdict;
}

}  // namespace

RateController::RateController(Clock& clock, ControllerConfig config)
    : clock_(clock), config_(config), max_follows_path_(!std::isfinite(config.ceiling)) {
  if (!std::isfinite(config_.ceiling) || config_.ceiling > kMaxRate) config_.ceiling = kMaxRate;
  config_.floor = std::min(config_.floor, config_.ceiling);
  rate_ = std::clamp(config_.initial, std::max(config_.floor, 1.0), config_.ceiling);
  stats_.rate = stats_.rate_min = stats_.rate_max = rate_;
  window_start_ = clock_.now_ns();
}

void RateController::set_rate(double r, HeldBy why, const config::Address& addr) {
  r = std::clamp(std::min(r, pass_ceiling_), std::max(config_.floor, 1.0), config_.ceiling);
  if (r < rate_ && why != HeldBy::kSendPath) stats_.backoffs.fetch_add(1, std::memory_order_relaxed);
  if (r >= config_.ceiling && why == HeldBy::kNothing) why = HeldBy::kCeiling;
  rate_ = r;
  stats_.rate.store(r, std::memory_order_relaxed);
  stats_.rate_min.store(std::min(stats_.rate_min.load(), r), std::memory_order_relaxed);
  stats_.rate_max.store(std::max(stats_.rate_max.load(), r), std::memory_order_relaxed);
  stats_.held_why.store(uint8_t(why), std::memory_order_relaxed);
  stats_.held_by.store(addr, std::memory_order_relaxed);
}

void RateController::sample(uint64_t slot, uint16_t source_port, uint64_t sent_ns) {
  Sample& s = samples_[slot % kSamples];
  s.slot.store(UINT64_MAX, std::memory_order_relaxed);
  s.sent_ns.store(sent_ns, std::memory_order_relaxed);
  s.slot.store(slot << 16 | source_port, std::memory_order_release);
}

void RateController::forget(uint64_t slot) {
  Sample& s = samples_[slot % kSamples];
  if ((s.slot.load(std::memory_order_relaxed) >> 16) == slot) s.slot.store(UINT64_MAX, std::memory_order_release);
}

void RateController::on_answer(const config::Address& addr, uint64_t slot, uint16_t our_port, bool paced,
                               config::Proto proto) noexcept {
  if (paced) {
    const unsigned g = group_of(addr);
    answered_[g].fetch_add(1, std::memory_order_relaxed);
    if (proto == config::Proto::kTcp) tcp_answered_[g].fetch_add(1, std::memory_order_relaxed);
    answers_total_.fetch_add(1, std::memory_order_relaxed);
  }
  Sample& s = samples_[slot % kSamples];
  const uint64_t tag = slot << 16 | our_port;
  if (s.slot.load(std::memory_order_acquire) != tag) return;
  const uint64_t sent = s.sent_ns.load(std::memory_order_relaxed);
  if (s.slot.load(std::memory_order_acquire) != tag) return;  // rewritten meanwhile
  const uint64_t now = clock_.now_ns();
  if (now < sent) return;
  const uint64_t us = std::max<uint64_t>((now - sent) / 1000, 1);
  rtt_hist_[std::min<unsigned>(unsigned(std::bit_width(us) - 1), 31)].fetch_add(1, std::memory_order_relaxed);
  stats_.rtt_samples.fetch_add(1, std::memory_order_relaxed);
}

double RateController::rtt_percentile_ms(double q) const {
  uint64_t total = 0;
  for (const auto& b : rtt_hist_) total += b.load(std::memory_order_relaxed);
  if (total == 0) return -1;
  const uint64_t want = uint64_t(std::ceil(q * double(total)));
  uint64_t seen = 0;
  for (unsigned i = 0; i < rtt_hist_.size(); ++i) {
    seen += rtt_hist_[i].load(std::memory_order_relaxed);
    if (seen >= want) return double(uint64_t{2} << i) / 1000.0;  // the bucket's upper edge
  }
  return double(uint64_t{1} << 31) / 1000.0;
}

double RateController::ramp_seconds(uint64_t probes, double initial, double ceiling) {
  double seconds = 0, sent = 0, rate = std::max(1.0, std::min(initial, ceiling));
  const double total = double(probes);
  while (sent < total) {
    if (rate >= ceiling) return seconds + (total - sent) / rate;
    const double window = std::max(rate * double(kMinWindow) / 1e9, double(4 * kMinGroupProbes));
    if (sent + window >= total) return seconds + (total - sent) / rate;
    sent += window;
    seconds += window / rate;
    rate = std::min(2 * rate, ceiling);
  }
  return seconds;
}

uint64_t RateController::wait_ns() const {
  const double p99 = rtt_percentile_ms(0.99);
  if (p99 < 0) return config_.max_wait_ns;  // nothing answered yet: the cap
  const auto w = uint64_t(kRttFactor * p99 * 1e6);
  return std::min(config_.max_wait_ns, std::max(kMinWait, w));
}

void RateController::apply_block_cap(bool answered_again) {
  config::Address who;
  const double cap = block_.cap(who);
  if (!std::isfinite(cap)) return;
  // A host that answers again: the scan resumes at its pace (the rate may have fallen while it
  // was silent); while the paced host holds the rate, the rate follows the cap (up too, as a
  // weak estimate steps up); otherwise the rate only ever comes down to it.
  const bool held = HeldBy(stats_.held_why.load(std::memory_order_relaxed)) == HeldBy::kBlocked;
  if (answered_again || held || rate_ > cap) {
    slow_start_ = false;
    // The watch's pace is its measure of the host (and its steps up are probes of the limit that
    // the watch itself catches), not a retry's guess: a retry pass's ceiling does not hold it
    // down, or a weak estimate could never step up to what the host bears.
    if (answered_again || held) pass_ceiling_ = std::max(pass_ceiling_, cap);
    set_rate(answered_again || held ? cap : std::min(rate_, cap), HeldBy::kBlocked, who);
  }
}

bool RateController::waiting_for_silent_host(uint64_t now_ns) {
  if (block_.poll(now_ns, tcp_answered_)) apply_block_cap(true);
  return block_.waiting(now_ns);
}

void RateController::on_batch(uint64_t now_ns, uint64_t send_errors_total) {
  if (block_.gating() && block_.poll(now_ns, tcp_answered_)) apply_block_cap(true);
  // Silences are looked for at every batch: each probe sent into one costs a re-send later,
  // at the slow rate the host tolerates.
  // How late an answer may be: the RTT p99, but no more than twice the median (the histogram's
  // p99 is coarse, and each millisecond of waiting is probes sent into a silence); a capture
  // that runs later than that is caught as a false alarm (block_watch.h).
  const double p50 = rtt_percentile_ms(0.5), p99 = rtt_percentile_ms(0.99);
  if (block_.on_tick(now_ns, tcp_answered_, p50 > 0 ? std::min(p99, 2 * p50) : p99)) {
    stats_.held_why.store(uint8_t(HeldBy::kSilentHost), std::memory_order_relaxed);
    stats_.held_by.store(block_.silent_host(), std::memory_order_relaxed);
  }
  // Never over kMaxWindow: a window longer than that reacts too late to hold a limited host.
  const uint64_t window =
      std::clamp<uint64_t>(p50 > 0 ? uint64_t(4 * p50 * 1e6) : 0, kMinWindow, kMaxWindow);
  // A window needs enough probes for a fraction to mean something; at a slow rate it is
  // longer (never over a second).
  const uint64_t elapsed = now_ns - window_start_;
  if (elapsed < window || (window_sent_ < 4 * kMinGroupProbes && elapsed < 1'000'000'000)) return;
  close_window(now_ns, send_errors_total);
}

void RateController::close_window(uint64_t now_ns, uint64_t send_errors_total) {
  const double seconds = double(now_ns - window_start_) / 1e9;
  // The tightest group: the probe rate the whole scan can have so that this group's answers
  // keep up, given its share of the probes.
  double limit = INFINITY;
  config::Address limit_addr;
  // A host that went silent is waited for, not judged (scanner/block_watch.h).
  block_.on_window(now_ns);
  const bool went_silent = block_.silent_now();
  for (unsigned i = 0; i < kGroups; ++i) {
    Group& g = groups_[i];
    const uint64_t answered = answered_[i].load(std::memory_order_relaxed);
    const uint64_t a = answered - g.answered_mark;
    g.answered_mark = answered;
    const uint64_t sent = g.sent;
    g.sent = 0;
    if (sent < kMinGroupProbes || block_.ignored(i)) continue;
    const double phi = std::min(1.0, double(a) / double(sent));
    if (!judge(phi, a, g.phi_avg, g.phi_ref, g.low_before)) continue;
    // Not keeping up: the answers came at a/seconds, which at phi_ref would have needed
    // a/seconds/phi_ref probes a second to this group; its share of all probes scales that up.
    const double share = double(sent) / double(std::max<uint64_t>(window_sent_, 1));
    const double group_rate = double(a) / seconds / g.phi_ref;
    const double total = group_rate / share;
    if (total < limit) {
      limit = total;
      limit_addr = g.addr;
    }
  }
  // All groups together: a bottleneck in front of many hosts, each too small to judge alone.
  const uint64_t all = answers_total_.load(std::memory_order_relaxed);
  const uint64_t all_a = all - all_mark_;
  all_mark_ = all;
  if (window_sent_ >= kMinGroupProbes && !went_silent && !block_.silent_now()) {
    const double phi = std::min(1.0, double(all_a) / double(window_sent_));
    if (judge(phi, all_a, all_avg_, all_ref_, all_low_before_) && all_ref_ > 0 &&
        double(all_a) / seconds / all_ref_ < limit) {
      limit = double(all_a) / seconds / all_ref_;
      limit_addr = {};
    }
  }
  const double delivered = double(window_sent_) / seconds;  // what the send path took this window
  window_start_ = now_ns;
  window_sent_ = 0;
  const uint64_t drops = drops_seen_.load(std::memory_order_relaxed);
  const bool dropped = drops > drops_mark_;
  drops_mark_ = drops;
  const bool errors = send_errors_total > errors_mark_;
  errors_mark_ = send_errors_total;

  if (std::isfinite(limit)) {
    slow_start_ = false;
    set_rate(std::max(limit, rate_ * 0.25), HeldBy::kAnswers, limit_addr);
  } else if (dropped) {
    slow_start_ = false;
    // Not below the starting rate: drops there come from a capture buffer too small for any
    // burst, which a slower scan would not cure (the summary reports them).
    set_rate(std::max(rate_ * 0.5, std::min(config_.initial, config_.ceiling)), HeldBy::kCaptureDrops, {});
  } else if (errors) {
    slow_start_ = false;
    set_rate(rate_ * 0.7, HeldBy::kSendErrors, {});
  } else if (max_follows_path_ && !block_.gating() && delivered * kPathHeadroom < rate_) {
    // The sink was the brake, not the limiter: --rate max means what this path delivers. (Not
    // while the block watch gates probes: the sender then waits for a paced host's tokens, a
    // brake of our own.)
    set_rate(std::max(delivered * kPathHeadroom, std::min(config_.initial, config_.ceiling)), HeldBy::kSendPath, {});
  } else {
    const auto why = HeldBy(stats_.held_why.load(std::memory_order_relaxed));
    set_rate(rate_ * (slow_start_ ? 2.0 : kGrowth),
             why == HeldBy::kCeiling || why == HeldBy::kSendPath ? HeldBy::kNothing : why,
             stats_.held_by.load(std::memory_order_relaxed));
  }
  apply_block_cap(false);
}

void RateController::on_pass_start(unsigned pass) {
  const uint64_t now = clock_.now_ns();
  const uint64_t answers = answers_total_.load(std::memory_order_relaxed);
  if (pass > 0) {
    // The pass that just ended. A retry pass that found answers proves probes were lost.
    // Random loss is recovered by one retry, so the next finds only a small share of what
    // that one found (1% loss: ~2%). When a retry finds at least a quarter as many answers
    // as the pass before it (pass 0 included), the losses come from our speed: a policer
    // dropping SYNs, a host rate-limiting its RSTs. Then the next pass goes at half the rate,
    // or at twice the rate the answers came at over the whole last pass (its wait included,
    // as a limited host's answers stop soon after our probes do) if that is lower, but never
    // under an eighth of it: most probes of a late retry pass go to silent ports, so the
    // answers' rate says little about the probes' rate, and one pass must not collapse it.
    // Nor may the passes together: under a limit the cuts end once the rate is under it (the
    // next pass finds nothing); loss that no pace cures (a link losing most packets) would
    // halve it pass after pass, so it stops at kMaxRetrySlowdown below where pass 0 ended.
    // A pass that carried probes the block watch had deferred (never sent before: not retries)
    // finds their answers as a first pass does; they prove no loss.
    const uint64_t answered = answers - pass_answers_mark_;
    const double seconds = std::max(1e-3, double(now - pass_start_ns_) / 1e9);
    const double answer_rate = double(answered) / seconds;
    const bool ended_carried_deferred = pass_carries_deferred_;
    pass_carries_deferred_ = next_carries_deferred_;
    next_carries_deferred_ = false;
    if (pass == 1) retry_floor_ = rate_ / kMaxRetrySlowdown;
    if (pass >= 2 && !ended_carried_deferred && answered > 0 && 4 * answered >= prev_pass_answers_ &&
        rate_ > retry_floor_)
      set_rate(std::max(retry_floor_, std::min(rate_ * 0.5, std::max(2 * answer_rate, rate_ * 0.125))),
               HeldBy::kRetries, stats_.held_by.load());
    prev_pass_answers_ = answered;
  }
  block_.on_pass_start(pass, now, tcp_answered_);
  // A retry pass re-probes what went unanswered: going faster than the pass before it ended
  // would lose the same probes again, so within it the rate may fall but not rise above
  // where it starts.
  pass_ceiling_ = pass > 0 ? rate_ : INFINITY;
  pass_start_ns_ = now;
  pass_answers_mark_ = answers;
  pass_sent_ = 0;
  window_start_ = now;
  window_sent_ = 0;
  // A retry pass probes what did not answer before: its fractions are its own, so every
  // reference is measured afresh.
  all_mark_ = answers;
  all_ref_ = all_avg_ = -1;
  all_low_before_ = false;
  for (unsigned i = 0; i < kGroups; ++i) {
    groups_[i].phi_ref = groups_[i].phi_avg = -1;
    groups_[i].low_before = false;
    groups_[i].sent = 0;
    groups_[i].answered_mark = answered_[i].load(std::memory_order_relaxed);
  }
}

void RateController::on_pass_end() {
  pass_end_ns_ = clock_.now_ns();
  pass_end_answers_ = answers_total_.load(std::memory_order_relaxed);
}

bool RateController::want_extra_pass(unsigned pass, unsigned base_passes) {
  if (pass + 1 < base_passes) return true;
  // With no retry at all (--retries 0) there is no evidence either way.
  if (pass == 0) return false;
  // Any answer to a retry is a port that the passes before it would have called stealth:
  // there may be more, so retry again, until a pass finds nothing (or the bound is reached,
  // which the summary reports: ScanSummary::last_retry_answers).
  const uint64_t answers = answers_total_.load(std::memory_order_relaxed) - pass_answers_mark_;
  if (answers == 0 || pass + 1 >= base_passes + kMaxExtraPasses) return false;
  stats_.extra_passes.fetch_add(1, std::memory_order_relaxed);
  return true;
}

std::string rate_note(const ControllerStats& stats) {
  const config::Address held = stats.held_by.load(std::memory_order_relaxed);
  const bool addr = !held.is_zero();
  switch (HeldBy(stats.held_why.load(std::memory_order_relaxed))) {
    case HeldBy::kNothing: return "ramping up";
    case HeldBy::kCeiling: return "at the --rate ceiling";
    case HeldBy::kAnswers:
      return addr ? "held by " + config::format_address(held) + "'s answers" : "held by the answers";
    case HeldBy::kRetries:
      return addr ? "retries paced to " + config::format_address(held) + "'s answers" : "retries paced to the answers";
    case HeldBy::kBlocked:
      return addr ? "paced to " + config::format_address(held) + ", which blocked a faster rate" : "paced to a host that blocks";
    case HeldBy::kSilentHost:
      return addr ? "waiting: " + config::format_address(held) + " went silent after a burst" : "waiting for a silent host";
    case HeldBy::kCaptureDrops: return "held by capture drops";
    case HeldBy::kSendErrors: return "held by send errors";
    case HeldBy::kSendPath: return "at the send path's limit";
  }
  return "";
}

}  // namespace portauth::scanner
