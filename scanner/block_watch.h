// Hosts that block us: a defence that answers normally, then drops everything from a source
// that sent more than some number of SYNs a second, for some seconds (nftables meters, fail2ban,
// psad, cloud DDoS rules). To a scanner that keeps sending, every port of that host would come
// back stealth; a scanner that only backs off in proportion waits out block after block.
//
// What this watch does, per host (owned by the rate controller, scanner/rate_controller.h):
//   detect   per destination group with one address (the controller's groups), at every batch:
//            the probes sent after its last answer and at least max(4 ms, min(RTT p99, 2 x RTT
//            p50)) ago. When the host had answered a fraction p of its probes and then N of
//            those went unanswered with (1-p)^N < 1e-6 and N >= 32 (and at least 4 answers
//            before), it went silent (RSTs, ICMP and SYN-ACKs alike: every answer counts). Only
//            the first pass finds new silent hosts: a retry pass probes what did not answer,
//            mostly ports that never will, and its answer fractions say nothing about a host; a
//            host already paced is watched in every pass (a second silence). A silence that
//            ends with more answers than keepalives sent (answers to probes from before it) was
//            the capture running late, not the host: it is forgotten, the host is not flagged;
//   wait     its probes are deferred (the sender skips them; they stay unanswered and go in a
//            later pass, which does not count as a retry), and one keepalive probe goes out
//            now and then (100 ms, growing to 500 ms; each to another of the last 8 deferred
//            ports, as one of them may be a port that never answers) until it answers again, or
//            kMaxSilence has passed (then its probes go out as usual and fail as stealth);
//   pace     then its probes are paced by a token bucket (the sender waits for its tokens)
//            at the rate it tolerates, estimated
//            from the silence: the answers A it gave in the T seconds before it went silent
//            were let through by its limit, so it tolerates about A / (T + 1 s) (a limit that
//            allows a burst of one second's worth, "N SYNs a second"), less 10%. An estimate
//            from fewer than 32 answers is weak (a limit with a small burst): the rate doubles
//            every max(0.5 s, silence / 8) until the host goes silent again. After a second
//            silence the rate is 90% of the last rate it bore for a whole step, and stays.
//            The controller's rate never exceeds that rate divided by the host's share of
//            the probes, so with one host the scan itself goes at the host's pace;
//   record   each host's silences, their length, the rate it tolerates, and the probes that
//            fell into a silence, for the rate-block verdict (verdict/classify.h).
// Groups with more than one address in the pass are not watched (a silence there cannot be
// pinned on one host): sweeps of many hosts send each one few probes a second anyway.
// UDP: the watch counts and judges TCP probes and their answers only (on_probe and the
// answer counts it is given are TCP's): most UDP probes are never answered, and a host's ICMP
// limit is the UDP phase's business (scanner/unreachable_phase.h). A UDP probe to a host that is
// silent now is deferred with its TCP probes (a block of our source drops it too, and it would
// come back open|filtered), but is never a keepalive (its answer would not be counted) and
// takes no token of a paced host (the rate measured is of SYNs).
//
// Threads: everything on the sender thread except published(), which any thread may read.
// Time comes from the caller (the controller's injected clock).
#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <vector>

#include "config/address.h"
#include "config/proto.h"

namespace portauth::scanner {

class BlockWatch {
 public:
  static constexpr unsigned kGroups = 256;  // the rate controller's
  static constexpr unsigned kMaxHosts = 16;
  static constexpr uint64_t kMaxSilence = 60'000'000'000;  // ns: then give up waiting

  struct Record {
    config::Address addr;
    unsigned silences = 0;
    double silent_seconds = 0;
    bool answered_again = false;
    double tolerated_pps = 0;
    uint64_t answers_before = 0;
    uint64_t fell_into_silence = 0;  // probes sent into a silence before it was seen (re-sent later)
    uint64_t deferred = 0;           // probes held back while it was silent
    double cost_seconds = 0;         // silences plus the time spent paced to the host
  };

  // Sender thread, per probe handed to the sink: counts it for the group's address.
  void on_probe(unsigned group, const config::Address& addr) {
    Track& t = tracks_[group];
    if (!t.active) {
      t.active = true;
      t.addr = addr;
      active_groups_[active_count_++] = uint8_t(group);
    } else if (t.addr != addr) {
      t.single = false;
    }
    ++t.sent;
    ++total_sent_;
    if (Host* h = t.host; h && h->state == State::kSilent) ++h->keepalives;
  }
  // Sender thread: whether probes need admit() (a host is silent or paced).
  bool gating() const { return active_ > 0; }
  // Sender thread, per probe while gating(): true to send it (a keepalive to a silent host, or a
  // token of a paced one); false with `wait_until` 0 to defer it to a later pass (a silent
  // host); false with `wait_until` set: a paced host's next token comes then (the sender waits
  // for it rather than skip the rest of the pass).
  // `proto` kUdp: deferred while the host is silent, else sent (above).
  bool admit(const config::Address& addr, uint64_t slot, uint64_t now_ns, uint64_t& wait_until,
             config::Proto proto = config::Proto::kTcp);
  // Sender thread, while waiting between passes: a silent host's keepalive slot, if one is due.
  bool keepalive_due(uint64_t now_ns, uint64_t& slot);
  // Whether a host is silent and still waited for (the sender waits before its next pass).
  bool waiting(uint64_t now_ns);
  // Probes deferred since the last call (the sender adds a pass that does not count as a retry).
  uint64_t take_deferred() {
    const uint64_t d = deferred_;
    deferred_ = 0;
    return d;
  }

  // Controller, at every batch: `answered[g]` the cumulative answers per group, `rtt_ms` how
  // late an answer may come (at least 4 ms is allowed). Returns true when a host went silent.
  bool on_tick(uint64_t now_ns, const std::array<std::atomic<uint64_t>, kGroups>& answered, double rtt_ms);
  // Controller, at each window's close: the paced hosts' shares and steps.
  void on_window(uint64_t now_ns);
  // Controller, whenever it looks (on_batch, between passes): hosts that answered again.
  // Returns true when one did.
  bool poll(uint64_t now_ns, const std::array<std::atomic<uint64_t>, kGroups>& answered);
  void on_pass_start(unsigned pass, uint64_t now_ns, const std::array<std::atomic<uint64_t>, kGroups>& answered);
  // The most the scan may send per second so that every paced host gets at most its rate
  // (infinite when none is paced); the address of the host that sets it.
  double cap(config::Address& who) const;
  // A group whose answers the controller must not judge (it is silent or paced).
  bool ignored(unsigned group) const;
  bool silent_now() const;
  // A host that is silent now (zero: none).
  config::Address silent_host() const;

  // Any thread: how many hosts have gone silent so far, and their addresses (published in order).
  unsigned published() const { return published_.load(std::memory_order_acquire); }
  config::Address published_addr(unsigned i) const {
    return config::Address::v6(pub_hi_[i].load(std::memory_order_relaxed), pub_lo_[i].load(std::memory_order_relaxed));
  }
  // After the sender thread has stopped.
  std::vector<Record> records(uint64_t now_ns) const;
  uint64_t false_alarms() const { return false_alarms_; }

 private:
  enum class State : uint8_t { kSilent, kPaced, kGaveUp };
  struct Host;
  struct Track {  // per group, per epoch (a pass, or since the host answered again)
    config::Address addr;
    bool active = false;            // in active_groups_
    bool single = true;             // one address in the epoch
    Host* host = nullptr;           // the host of this group that went silent, if any
    uint64_t sent = 0;              // probes sent to the group in the epoch
    uint64_t epoch_start_ns = 0;
    uint64_t epoch_answers = 0;     // the group's cumulative answers at the epoch's start
    uint64_t seen_answers = 0;      // ... when last looked at
    uint64_t sent_at_answer = 0;    // `sent` when an answer was last seen
    uint64_t last_answer_ns = 0;
    uint64_t snap_ns = 0, snap_sent = 0;  // `sent` now and then ...
    uint64_t old_sent = 0;          // ... and at least one allowance ago
  };
  struct Host {
    config::Address addr;
    unsigned group = 0;
    State state = State::kSilent;
    uint64_t silent_since_ns = 0, detected_ns = 0, answers_mark = 0;
    uint64_t keepalives = 0;        // probes sent to it while silent
    uint64_t lost = 0;              // probes sent into the current silence before it was seen
    uint64_t silent_deferred = 0;   // probes deferred while it is silent
    double estimate = 0;            // probes/s the last silence suggests
    double rate = 0;                // the paced rate
    double last_safe = 0;           // the last rate borne for a whole step
    bool weak = false;
    uint64_t step_start_ns = 0, step_ns = 0;
    static constexpr unsigned kKeepaliveSlots = 8;
    std::array<uint64_t, kKeepaliveSlots> keepalive_slots{};  // the last deferred slots (a ring)
    unsigned keepalive_count = 0, keepalive_next = 0;
    bool have_keepalive = false;
    uint64_t next_keepalive_ns = 0, keepalive_gap_ns = 0;
    double tokens = 0;
    uint64_t bucket_ns = 0;
    uint64_t attempts = 0;          // in the current window
    double share = 1;               // of the sender's attempts, smoothed
    // record
    unsigned silences = 0;
    uint64_t silent_ns = 0, paced_since_ns = 0, paced_ns = 0;
    uint64_t answers_before = 0, fell = 0, deferred = 0;
    bool answered_again = false;
    bool published = false;
    bool forgotten = false;         // its only silence was a false alarm
    double previous_rate = 0;       // before the latest silence
  };
  void start_epoch(Track& t, uint64_t now_ns, uint64_t answers);
  void go_silent(unsigned group, Track& t, uint64_t now_ns, uint64_t answers, uint64_t lost);
  Host* host_of(const config::Address& addr);

  std::array<Track, kGroups> tracks_{};
  std::array<uint8_t, kGroups> active_groups_{};
  unsigned active_count_ = 0;
  std::array<Host, kMaxHosts> hosts_{};
  unsigned hosts_used_ = 0;
  unsigned active_ = 0;  // hosts silent or paced
  bool find_new_ = true;  // the first pass: new silent hosts are looked for
  uint64_t total_sent_ = 0;  // probes sent in the pass
  uint64_t deferred_ = 0;
  uint64_t attempts_ = 0;  // sender attempts in the current window while gating
  uint64_t false_alarms_ = 0;
  std::atomic<unsigned> published_{0};
  std::array<std::atomic<uint64_t>, kMaxHosts> pub_hi_{}, pub_lo_{};
};

}  // namespace portauth::scanner
