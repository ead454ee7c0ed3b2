// Evidence per host, kept where the capture already sees the SYN-ACK bytes: how each host
// answered (SYN-ACK, RST, ICMP), what its SYN-ACKs look like (probe/syn_ack_facts.h), and how
// it answered on the canary ports (verdict/canaries.h). The classifier (verdict/classify.h)
// turns a host's record into a verdict; reports read the verdict, never this.
//
// Contract:
//   - fixed capacity, set at construction (never grows): open addressing on the address, at
//     most kMaxProbe steps; a host that finds no room is not tracked and counted (untracked());
//   - record() is called by ONE thread (the capture thread), per fresh answer: no allocation,
//     no lock, no exception, no clock;
//   - the fields marked "live" are relaxed atomics: any thread may read them while the
//     capture runs (a count may be a moment late, never torn); the rest may be read only once
//     the capture thread has stopped (after the scan loop joined it);
//   - find() may be called from any thread: an entry's address is written before its `used`
//     flag is released, and never changes after.
// Memory: capacity x sizeof(HostEvidence) (~112 bytes), capacity = the next power of two at or
// above twice the scan's addresses, at most kMaxCapacity.
#pragma once
#include <atomic>
#include <bitset>
#include <cstdint>
#include <memory>
#include <vector>

#include "config/address.h"
#include "probe/reason.h"
#include "probe/reply.h"
#include "probe/syn_ack_facts.h"

namespace portauth::verdict {

// A SYN-ACK window this small with no option at all is no TCP stack's own: LaBrea answers
// with 10 (its default), xt_TARPIT with 5; the smallest a real stack offers is several MSS.
inline constexpr uint16_t kTinyWindow = 64;

struct HostEvidence {
  std::atomic<uint8_t> used{0};
  config::Address addr;
  // live
  std::atomic<uint32_t> answers{0};          // fresh answers of every kind
  std::atomic<uint32_t> syn_acks{0};
  std::atomic<uint32_t> canary_syn_acks{0};  // on canary ports: SYN-ACKs ...
  std::atomic<uint32_t> canary_others{0};    // ... and RSTs or ICMP errors
  std::atomic<uint32_t> zero_window{0};      // SYN-ACKs offering window 0
  std::atomic<uint32_t> tiny_bare{0};        // SYN-ACKs with 0 < window < kTinyWindow and no option
  // once the capture has stopped
  uint32_t rsts = 0, icmps = 0;
  uint32_t bare = 0;             // SYN-ACKs with no TCP option at all
  uint32_t added_syn_acks = 0;   // SYN-ACKs on canary ports the scan added (not ports of the scan)
  uint32_t shape_changes = 0;    // SYN-ACKs whose window, options, MSS or window scale differ from the first's
  uint32_t with_payload = 0;     // SYN-ACKs carrying data
  uint16_t first_port = 0;       // the port of the first SYN-ACK
  uint16_t window_min = 0xffff, window_max = 0;
  uint8_t ttl_min = 255, ttl_max = 0;
  probe::SynAckFacts first{};    // the first SYN-ACK's facts
};

class EvidenceTable {
 public:
  static constexpr uint64_t kMaxCapacity = uint64_t{1} << 17;
  static constexpr unsigned kMaxProbe = 32;

  explicit EvidenceTable(uint64_t addresses);
  EvidenceTable(const EvidenceTable&) = delete;
  EvidenceTable& operator=(const EvidenceTable&) = delete;

  // Before the scan: answers on these ports are canary evidence; `added` those of them that
  // are not ports of the scan (verdict/canaries.h: CanaryPlan::extra).
  void set_canary_ports(const std::vector<uint16_t>& ports, const std::vector<uint16_t>& added = {});
  bool is_canary(uint16_t port) const noexcept { return canary_[port]; }
  uint64_t canary_port_count() const { return canary_count_; }

  // Capture thread: a fresh answer from r.target_ip (the validator accepted it, the table's CAS
  // said it is the first for its probe); `facts` for a SYN-ACK, else null.
  void record(const probe::Reply& r, probe::Reason reason, const probe::SynAckFacts* facts) noexcept;

  const HostEvidence* find(const config::Address& addr) const noexcept;
  uint64_t untracked() const noexcept { return untracked_.load(std::memory_order_relaxed); }
  uint64_t capacity() const { return capacity_; }
  // Every tracked host, in table order (once the capture has stopped).
  template <class F>
  void for_each(F&& f) const {
    for (uint64_t i = 0; i < capacity_; ++i)
      if (entries_[i].used.load(std::memory_order_acquire)) f(entries_[i]);
  }

 private:
  HostEvidence* insert(const config::Address& addr) noexcept;
  uint64_t slot_hint(const config::Address& addr) const noexcept;

  std::unique_ptr<HostEvidence[]> entries_;
  uint64_t capacity_;
  uint64_t limit_;  // at most this many hosts (3/4 of the capacity): probing stays short
  uint64_t size_ = 0;  // capture thread
  std::atomic<uint64_t> untracked_{0};
  std::bitset<65536> canary_, added_;
  uint64_t canary_count_ = 0;
};

}  // namespace portauth::verdict
