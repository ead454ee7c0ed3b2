#include "output/host_table.h"

#include <algorithm>

namespace portauth::output {

void HostTable::add(const probe::ScanResult& r, const Annotation& a, const PortFacts& f) {
  hosts_[r.addr].push_back({r.port, r.reason, r.ttl, &a, r.proto});
  if (f.service && r.proto == config::Proto::kTcp) services_[r.addr][r.port] = f.service;
}

std::vector<HostRecords> HostTable::take_sorted() {
  std::vector<HostRecords> out;
  out.reserve(hosts_.size());
  for (auto& [addr, ports] : hosts_) {
    // Open and closed arrive in reply order, stealth at the end: sort once here.
    std::sort(ports.begin(), ports.end(), [](const PortRecord& a, const PortRecord& b) {
      return a.proto != b.proto ? a.proto < b.proto : a.port < b.port;
    });
    out.push_back({addr, std::move(ports), {}});
    if (const auto it = services_.find(addr); it != services_.end()) out.back().services = std::move(it->second);
  }
  hosts_.clear();
  services_.clear();
  std::sort(out.begin(), out.end(), [](const HostRecords& a, const HostRecords& b) { return a.addr < b.addr; });
  return out;
}

}  // namespace portauth::output
