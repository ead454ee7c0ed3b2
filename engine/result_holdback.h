// Results of hosts that may lie, held back until their verdict is known, so that every line a
// streaming writer (JSONL, CSV) writes for a flagged host says so (output/report.h:
// PortFacts::host_verdict; ResultWriter::host_verdict comes first). What is held, per host, by its evidence so far
// (verdict::suspicion):
//   suspect  a SYN-ACK with window 0 or a tiny bare one, or canaries answering SYN-ACK: every
//            result, until the verdicts are made after the scan loop;
//   pending  its canaries have not all answered yet: its open results only, until they have
//            (then it is suspect or clear), or until the canary deadline (the canaries sent and
//            waited for: run_scan decides), after which a host whose canaries never answered
//            is clear;
//   clear    nothing: results stream as they come.
// A host that has results held keeps every later result behind them, in order. At most `cap`
// results are held in all; past that, holding stops (the summary says verdicts may then come
// after some of the host's lines). An open UDP port's explained reply (PortFacts::reply) is held
// with its result; the few results that have one keep it beside the others, so a held result
// costs what a ScanResult costs. Main thread only.
#pragma once
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

#include "probe/scan_result.h"
#include "probe/udp_reply_facts.h"
#include "verdict/classify.h"
#include "verdict/host_evidence.h"

namespace portauth::engine {

class ResultHoldback {
 public:
  static constexpr uint64_t kDefaultCap = uint64_t{1} << 22;  // ~4 M results, 32 bytes each

  // `canaries_expected`: canary answers that settle a host (0: no canaries, nothing pending).
  ResultHoldback(const verdict::EvidenceTable& evidence, unsigned canaries_expected, uint64_t cap = kDefaultCap)
      : evidence_(evidence), expected_(canaries_expected), cap_(cap) {}

  using Reply = std::shared_ptr<const probe::ReplyFacts>;
  // What one host has held, in order.
  struct HostHeld {
    std::vector<probe::ScanResult> results;
    std::vector<std::pair<size_t, Reply>> replies;  // (index in results, its reply): open UDP ports
    // f(result, reply) for each result in order; reply null for most.
    template <class F>
    void each(F&& f) const {
      size_t k = 0;
      for (size_t i = 0; i < results.size(); ++i) {
        const bool has = k < replies.size() && replies[k].first == i;
        f(results[i], has ? replies[k++].second : Reply{});
      }
    }
  };

  // True: `r` (with its reply, if any) is held here; false: deliver it now.
  bool hold(const probe::ScanResult& r, const Reply& reply = {});
  // The canaries have been sent and waited for: pending hosts are judged on what came.
  void canary_deadline_passed() { deadline_passed_ = true; }
  bool deadline_passed() const { return deadline_passed_; }
  // Hosts whose evidence clears them now: their held results, in order, to deliver(r, reply).
  template <class Deliver>
  void release_cleared(Deliver&& deliver);
  // Every host still held (after the verdicts), one host at a time: per_host(addr, HostHeld).
  template <class PerHost>
  void release_all(PerHost&& per_host);
  // The hosts held as suspects (their results, for the follow-ups' open ports).
  const std::unordered_map<config::Address, HostHeld>& held() const { return held_; }
  uint64_t held_count() const { return count_; }
  bool overflowed() const { return overflowed_; }

 private:
  verdict::Suspicion judge(const config::Address& addr) const;

  const verdict::EvidenceTable& evidence_;
  unsigned expected_;
  uint64_t cap_;
  bool deadline_passed_ = false;
  bool overflowed_ = false;
  uint64_t count_ = 0;
  std::unordered_map<config::Address, HostHeld> held_;
};

template <class Deliver>
void ResultHoldback::release_cleared(Deliver&& deliver) {
  for (auto it = held_.begin(); it != held_.end();) {
    if (judge(it->first) != verdict::Suspicion::kClear) {
      ++it;
      continue;
    }
    it->second.each(deliver);
    count_ -= it->second.results.size();
    it = held_.erase(it);
  }
}

template <class PerHost>
void ResultHoldback::release_all(PerHost&& per_host) {
  for (auto& [addr, host] : held_) per_host(addr, host);
  held_.clear();
  count_ = 0;
}

}  // namespace portauth::engine
