#include "verdict/host_evidence.h"

#include <bit>

namespace portauth::verdict {
namespace {

uint64_t mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Two SYN-ACKs have the same shape when a stack built them the same way.
bool same_shape(const probe::SynAckFacts& a, const probe::SynAckFacts& b) {
  return a.window == b.window && a.mss == b.mss && a.wscale == b.wscale && a.option_order == b.option_order &&
         a.option_count == b.option_count;
}

template <class T>
void bump(std::atomic<T>& x) {
  // One writer: a load and a store, not a locked read-modify-write.
  x.store(x.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

}  // namespace

EvidenceTable::EvidenceTable(uint64_t addresses) {
  const uint64_t want = addresses >= kMaxCapacity / 2 ? kMaxCapacity : std::bit_ceil(std::max<uint64_t>(2 * addresses, 2));
  capacity_ = want;
  limit_ = capacity_ - capacity_ / 4;
  entries_.reset(new HostEvidence[capacity_]);
}

void EvidenceTable::set_canary_ports(const std::vector<uint16_t>& ports, const std::vector<uint16_t>& added) {
  canary_.reset();
  added_.reset();
  for (uint16_t p : ports) canary_.set(p);
  for (uint16_t p : added) added_.set(p);
  canary_count_ = canary_.count();
}

uint64_t EvidenceTable::slot_hint(const config::Address& addr) const noexcept {
  return mix(addr.hi() * 0x9e3779b97f4a7c15ULL ^ addr.lo()) & (capacity_ - 1);
}

const HostEvidence* EvidenceTable::find(const config::Address& addr) const noexcept {
  uint64_t i = slot_hint(addr);
  for (unsigned step = 0; step < kMaxProbe; ++step, i = (i + 1) & (capacity_ - 1)) {
    const HostEvidence& e = entries_[i];
    if (!e.used.load(std::memory_order_acquire)) return nullptr;
    if (e.addr == addr) return &e;
  }
  return nullptr;
}

HostEvidence* EvidenceTable::insert(const config::Address& addr) noexcept {
  uint64_t i = slot_hint(addr);
  for (unsigned step = 0; step < kMaxProbe; ++step, i = (i + 1) & (capacity_ - 1)) {
    HostEvidence& e = entries_[i];
    if (e.used.load(std::memory_order_relaxed)) {
      if (e.addr == addr) return &e;
      continue;
    }
    if (size_ >= limit_) break;
    e.addr = addr;
    e.used.store(1, std::memory_order_release);
    ++size_;
    return &e;
  }
  untracked_.fetch_add(1, std::memory_order_relaxed);
  return nullptr;
}

void EvidenceTable::record(const probe::Reply& r, probe::Reason reason, const probe::SynAckFacts* facts) noexcept {
  HostEvidence* e = insert(r.target_ip);
  if (!e) return;
  bump(e->answers);
  const bool canary = canary_[r.target_port];
  if (reason != probe::Reason::kSynAck) {
    if (canary) bump(e->canary_others);
    (r.kind == probe::ReplyKind::kRst ? e->rsts : e->icmps)++;
    return;
  }
  if (canary) bump(e->canary_syn_acks);
  if (added_[r.target_port]) ++e->added_syn_acks;
  if (!facts) {
    bump(e->syn_acks);
    return;
  }
  const probe::SynAckFacts& f = *facts;
  if (e->syn_acks.load(std::memory_order_relaxed) == 0) {
    e->first = f;
    e->first_port = r.target_port;
  } else if (!same_shape(e->first, f)) {
    ++e->shape_changes;
  }
  bump(e->syn_acks);
  if (f.window == 0) bump(e->zero_window);
  if (f.no_options()) {
    ++e->bare;
    if (f.window > 0 && f.window < kTinyWindow) bump(e->tiny_bare);
  }
  if (f.payload > 0) ++e->with_payload;
  e->window_min = std::min(e->window_min, f.window);
  e->window_max = std::max(e->window_max, f.window);
  e->ttl_min = std::min(e->ttl_min, f.ttl);
  e->ttl_max = std::max(e->ttl_max, f.ttl);
}

}  // namespace portauth::verdict
