#include "scanner/icmp_rate_meter.h"

namespace portauth::scanner {

IcmpRateMeter::IcmpRateMeter(const probe::ProbeSpace& space, Clock& clock) : space_(space), clock_(clock) {
  const uint64_t n = space.address_count();
  if (space.udp_ports().empty() || n == 0 || n > kMaxHosts) return;
  host_count_ = n;
  hosts_ = std::make_unique<Host[]>(n);
}

void IcmpRateMeter::on_answer(const config::Address& addr, uint64_t slot, uint16_t, bool paced, config::Proto) noexcept {
  if (paced || !hosts_) return;
  const auto i = space_.targets().index_of(addr);
  if (!i || *i >= host_count_) return;
  Host& h = hosts_[*i];
  // The time first, then the count (release): a reader that sees the count sees its time.
  h.last_ns.store(clock_.now_ns(), std::memory_order_relaxed);
  h.slot.store(slot, std::memory_order_relaxed);
  h.count.fetch_add(1, std::memory_order_release);
}

}  // namespace portauth::scanner
