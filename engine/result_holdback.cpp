#include "engine/result_holdback.h"

namespace portauth::engine {

verdict::Suspicion ResultHoldback::judge(const config::Address& addr) const {
  const verdict::HostEvidence* e = evidence_.find(addr);
  if (!e) return verdict::Suspicion::kClear;
  const verdict::Suspicion s = verdict::suspicion(*e, expected_);
  return s == verdict::Suspicion::kPending && deadline_passed_ ? verdict::Suspicion::kClear : s;
}

bool ResultHoldback::hold(const probe::ScanResult& r, const Reply& reply) {
  if (overflowed_) return false;
  auto it = held_.find(r.addr);
  if (it == held_.end()) {
    const verdict::Suspicion s = judge(r.addr);
    if (s == verdict::Suspicion::kClear) return false;
    if (s == verdict::Suspicion::kPending && r.state() != probe::PortState::kOpen) return false;
    it = held_.try_emplace(r.addr).first;
  }
  if (count_ >= cap_) {
    overflowed_ = true;
    return false;
  }
  if (reply) it->second.replies.emplace_back(it->second.results.size(), reply);
  it->second.results.push_back(r);
  ++count_;
  return true;
}

}  // namespace portauth::engine
