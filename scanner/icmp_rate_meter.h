// What each host's ICMP errors to our UDP probes look like over time: how many came, when the
// last one came, and one slot they answered (a port known closed). The capture thread writes it
// for every accepted ICMP error quoting one of our UDP probes, a repeat of an answered probe's
// included (each one is a token the host spent on us); the sender's UDP phase
// (unreachable_phase.h) reads it to tell a host that limits its ICMP errors from one that does
// not, and to measure the rate it grants.
//
// Why it matters: Linux sends at most one ICMP error a second to a peer after a burst of 6
// (net.ipv4.icmp_ratelimit 1000 ms, XRLIM_BURST_FACTOR 6; IPv6: net.ipv6.icmp.ratelimit), so a
// closed UDP port looks silent once the burst is spent.
//
// Memory: one 24-byte record per target address, for scans of at most kMaxHosts addresses
// (beyond that the meter holds nothing and the UDP phase measures nothing). Threads: record()
// on the capture thread, the readers on the sender thread; relaxed atomics, no lock, no
// allocation after construction.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>

#include "config/address.h"
#include "probe/answer_observer.h"
#include "probe/probe_space.h"
#include "scanner/clock.h"

namespace portauth::scanner {

class IcmpRateMeter final : public probe::AnswerObserver {
 public:
  static constexpr uint64_t kMaxHosts = uint64_t{1} << 20;

  IcmpRateMeter(const probe::ProbeSpace& space, Clock& clock);

  bool enabled() const { return hosts_ != nullptr; }
  // Capture thread: an accepted reply. Only the ones that are not `paced` (ICMP errors to UDP
  // probes) are counted.
  void on_answer(const config::Address& addr, uint64_t slot, uint16_t our_port, bool paced,
                 config::Proto proto) noexcept override;

  // Sender thread, by address index (ProbeSpace::targets().index_of).
  uint32_t count(uint64_t host) const { return hosts_[host].count.load(std::memory_order_acquire); }
  uint64_t last_ns(uint64_t host) const { return hosts_[host].last_ns.load(std::memory_order_relaxed); }
  // A slot an ICMP error answered (UINT64_MAX: none yet).
  uint64_t known_slot(uint64_t host) const { return hosts_[host].slot.load(std::memory_order_relaxed); }
  uint64_t hosts() const { return enabled() ? host_count_ : 0; }

 private:
  struct Host {
    std::atomic<uint32_t> count{0};
    std::atomic<uint64_t> last_ns{0};
    std::atomic<uint64_t> slot{UINT64_MAX};
  };
  const probe::ProbeSpace& space_;
  Clock& clock_;
  uint64_t host_count_ = 0;
  std::unique_ptr<Host[]> hosts_;
};

}  // namespace portauth::scanner
