// Closed-loop sending: the rate the sender may use, driven by what comes back.
//
// What it measures (per window of max(10 ms, 4 x the median RTT) and >= 256 probes of sending):
//   - per destination group (addresses hashed into kGroups; one host is one group): probes
//     sent and answers received, hence the answered fraction phi = answers / probes;
//   - round-trip times of a sample of probes (one per batch), for the waits;
//   - capture drops and send errors (congestion of our own machine).
// How it reacts:
//   - slow start: from `initial` the rate doubles every window while nothing says stop;
//   - a window is judged on the answered fraction smoothed over windows, and only two low
//     windows in a row count (replies arrive in capture blocks: one window alone is lumpy);
//   - a group whose phi falls under kCongested x its reference (the phi it had while the rate
//     was lower) is not keeping up: its answers are limited (a host rate-limiting RSTs and
//     ICMP errors, a policer dropping SYNs). The rate drops to what that group answered,
//     scaled by its share of the probes, and then grows by kGrowth a window;
//   - silence is not loss: a group's reference is its own phi, so hosts that never answer,
//     or drop most ports, keep a low phi that does not move with the rate and trigger nothing;
//   - random loss is not congestion: 1% loss moves phi by ~2%, far from kCongested;
//   - capture drops halve the rate, send errors cut it by 30%;
//   - the ceiling of --rate max follows the send path: when a window's probes left at less than
//     1/kPathHeadroom of the rate granted (the sink, not the limiter, was the brake: a raw socket
//     tops out sooner than the TX ring), the rate is brought down to kPathHeadroom x what the path
//     delivered, so the number shown is real and a later backoff acts on it (not a backoff itself);
//   - between passes: a retry pass whose probes are answered proves that earlier ones were
//     lost. A retry pass never goes faster than the pass before it ended. Random loss is
//     recovered by the first retry; when a retry finds at least a quarter as many answers as
//     the pass before it, our speed is losing them, and the next pass goes at half the rate
//     (or twice the rate the answers came at, if lower), never under 1/kMaxRetrySlowdown of
//     the rate pass 0 ended at. More passes follow while a retry pass finds any answer at all;
//     kMaxExtraPasses beyond --retries is only a bound for links that lose most packets
//     whatever the pace, and a scan that reaches it says so (ScanSummary::last_retry_answers).
//   - a host that goes silent after a burst (every answer stops) is a host that blocks us:
//     scanner/block_watch.h waits for it, then paces the scan to the rate it tolerates; its
//     group is not judged meanwhile, and the rate never exceeds what the watch allows. The
//     watch judges TCP probes and their answers only (most UDP probes are never answered);
//     UDP probes to a silent host wait with its TCP ones.
// The waits: after a pass and at the end, max(kMinWait, kRttFactor x the 99th-percentile RTT
// seen), capped by --wait, which is also the wait while nothing has answered yet.
//
// Threads: rate(), on_batch(), on_pass_*() on the sender thread; on_answer() on the capture
// thread (relaxed atomics, no lock, no allocation); note_capture_drops() and the readers of
// stats() on the main thread. Time comes from the injected clock.
#pragma once
#include <array>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <string>

#include "config/address.h"
#include "probe/answer_observer.h"
#include "scanner/block_watch.h"
#include "scanner/clock.h"

namespace portauth::scanner {

struct ControllerConfig {
  double ceiling = 1e7;   // --rate (infinite: kMaxRate)
  double floor = 0;       // --min-rate
  double initial = 50000;
  uint64_t max_wait_ns = 1'000'000'000;  // --wait
};

// An address other threads read while one thread writes it: two relaxed words. A reader may
// see the halves of two different addresses for a moment; it only names a host in the
// progress line.
struct AtomicAddress {
  std::atomic<uint64_t> hi{0}, lo{0};
  void store(const config::Address& a, std::memory_order o = std::memory_order_relaxed) {
    hi.store(a.hi(), o);
    lo.store(a.lo(), o);
  }
  config::Address load(std::memory_order o = std::memory_order_relaxed) const {
    return config::Address::v6(hi.load(o), lo.load(o));
  }
};

struct ControllerStats {
  std::atomic<double> rate{0}, rate_min{0}, rate_max{0};
  std::atomic<uint64_t> backoffs{0};
  AtomicAddress held_by;              // an address of the group that last held the rate (zero: none)
  std::atomic<uint8_t> held_why{0};   // HeldBy
  std::atomic<uint64_t> rtt_samples{0};
  std::atomic<unsigned> extra_passes{0};
};

enum class HeldBy : uint8_t {
  kNothing, kAnswers, kCaptureDrops, kSendErrors, kCeiling, kRetries, kSendPath, kBlocked, kSilentHost
};

class RateController final : public probe::AnswerObserver {
 public:
  static constexpr unsigned kGroups = 256;
  static constexpr double kCongested = 0.75;
  static constexpr double kGrowth = 1.10;
  static constexpr unsigned kMaxExtraPasses = 24;
  static constexpr double kMaxRetrySlowdown = 256;
  static constexpr uint64_t kMinWait = 50'000'000;
  static constexpr double kRttFactor = 3;
  static constexpr double kMaxRate = 1e7;
  static constexpr double kPathHeadroom = 1.5;

  RateController(Clock& clock, ControllerConfig config);

  // Sender thread.
  double rate() const { return rate_; }
  // Per probe handed to the sink. The block watch counts TCP probes only: a UDP probe is
  // usually not answered at all, which says nothing about a host that blocks us.
  void on_probe(const config::Address& addr, config::Proto proto = config::Proto::kTcp) {
    const unsigned gi = group_of(addr);
    Group& g = groups_[gi];
    if (proto == config::Proto::kTcp) block_.on_probe(gi, addr);
    ++g.sent;
    g.addr = addr;
    ++window_sent_;
    ++pass_sent_;
  }
  // One probe per batch: its slot, source port and send time, for RTTs. Only an answer to that
  // very probe (same slot, same source port: not an earlier or later copy) is timed.
  void sample(uint64_t slot, uint16_t source_port, uint64_t sent_ns);
  // The probe of `slot` is sent again from the same source port (a UDP probe's is fixed): an
  // answer can no longer tell the copies apart, so its sample is not timed.
  void forget(uint64_t slot);
  void on_batch(uint64_t now_ns, uint64_t send_errors_total);
  void on_pass_start(unsigned pass);
  void on_pass_end();  // its last probe handed to the sink
  // After a pass's wait: whether another pass is worth sending (retries found answers).
  bool want_extra_pass(unsigned pass, unsigned base_passes);
  uint64_t wait_ns() const;
  // Hosts that block us (scanner/block_watch.h), for the sender: whether probes must be
  // admitted one by one, whether one is (deferred: sent in a later pass), a keepalive due
  // while waiting between passes, and whether to wait for a silent host before the next pass.
  bool gating() const { return block_.gating(); }
  bool admit(const config::Address& addr, uint64_t slot, uint64_t now_ns, uint64_t& wait_until,
             config::Proto proto = config::Proto::kTcp) {
    return block_.admit(addr, slot, now_ns, wait_until, proto);
  }
  bool keepalive_due(uint64_t now_ns, uint64_t& slot) { return block_.keepalive_due(now_ns, slot); }
  bool waiting_for_silent_host(uint64_t now_ns);
  uint64_t take_deferred() {
    const uint64_t d = block_.take_deferred();
    next_carries_deferred_ = d > 0;  // the next pass sends them for the first time
    return d;
  }
  const BlockWatch& block_watch() const { return block_; }

  // Capture thread: an accepted answer to `slot` from `addr`.
  // Answers to TCP probes are also counted apart, for the block watch.
  void on_answer(const config::Address& addr, uint64_t slot, uint16_t our_port, bool paced,
                 config::Proto proto) noexcept override;
  // Main thread: the capture source's cumulative drop count.
  void note_capture_drops(uint64_t total) noexcept { drops_seen_.store(total, std::memory_order_relaxed); }

  // The time slow start takes to send `probes` when nothing holds it back: from `initial`,
  // doubling every shortest window (10 ms, at least 256 probes), up to `ceiling`.
  static double ramp_seconds(uint64_t probes, double initial, double ceiling);

  const ControllerStats& stats() const { return stats_; }
  double ceiling() const { return config_.ceiling; }  // --rate, or kMaxRate for --rate max
  double rtt_percentile_ms(double q) const;

 private:
  struct Group {
    uint64_t sent = 0;          // in the current window (sender thread)
    uint64_t answered_mark = 0; // answers counted at the window's start
    double phi_ref = -1;        // reference answered fraction (-1: none yet)
    double phi_avg = -1;        // the answered fraction, smoothed over windows
    bool low_before = false;    // the last window was already under the line
    config::Address addr;       // an address of the group, for the progress line
  };
  // IPv4: Knuth's multiplicative hash of the address; IPv6: of its 128 bits folded to 32.
  static unsigned group_of(const config::Address& addr) {
    const uint64_t x = addr.is_v4() ? addr.v4() : addr.hi() ^ addr.lo();
    return (uint32_t(x ^ (addr.is_v4() ? 0 : x >> 32)) * 2654435761u) >> 24;
  }
  void close_window(uint64_t now_ns, uint64_t send_errors_total);
  void set_rate(double r, HeldBy why, const config::Address& addr);
  void apply_block_cap(bool answered_again);

  Clock& clock_;
  ControllerConfig config_;
  bool max_follows_path_ = false;  // --rate max: the ceiling is what the send path delivers
  double rate_;
  bool slow_start_ = true;
  uint64_t window_start_ = 0, window_sent_ = 0;
  uint64_t pass_start_ns_ = 0, pass_end_ns_ = 0, pass_answers_mark_ = 0, pass_sent_ = 0, pass_end_answers_ = 0;
  uint64_t prev_pass_answers_ = 0;   // answers of the pass before the one that just ended
  double pass_ceiling_ = INFINITY;   // a retry pass never rises above the rate it started at
  bool pass_carries_deferred_ = false, next_carries_deferred_ = false;  // the block watch's deferrals
  double retry_floor_ = 0;           // retries are paced no slower: where pass 0 ended / kMaxRetrySlowdown
  uint64_t all_mark_ = 0;
  double all_ref_ = -1, all_avg_ = -1;
  bool all_low_before_ = false;
  uint64_t errors_mark_ = 0, drops_mark_ = 0;
  std::array<Group, kGroups> groups_{};
  std::array<std::atomic<uint64_t>, kGroups> answered_{};  // capture thread
  // The same, answers to TCP probes only: the block watch's (UDP's silences are its nature, and
  // its ICMP limits the UDP phase's business: scanner/unreachable_phase.h).
  std::array<std::atomic<uint64_t>, kGroups> tcp_answered_{};
  BlockWatch block_;
  std::atomic<uint64_t> answers_total_{0};
  std::atomic<uint64_t> drops_seen_{0};
  // RTT sampling: one probe per batch, direct-mapped by slot.
  static constexpr unsigned kSamples = 1024;
  struct Sample {
    std::atomic<uint64_t> slot{UINT64_MAX};  // slot << 16 | source port, UINT64_MAX: none
    std::atomic<uint64_t> sent_ns{0};
  };
  std::array<Sample, kSamples> samples_{};
  // log2 histogram of RTTs in microseconds (bucket i: [2^i, 2^(i+1)) us)
  std::array<std::atomic<uint64_t>, 32> rtt_hist_{};
  ControllerStats stats_;
};

// Why the rate is what it is, for people: "held by 198.18.0.4's answers", "ramping up", ...
std::string rate_note(const ControllerStats& stats);

}  // namespace portauth::scanner
