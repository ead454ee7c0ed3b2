// Results grouped by host, for the writers that write a report at the end (nmap XML,
// grepable, HTML). Memory: 16 bytes per reported (address, proto, port), plus the facts of the
// few ports that have any (the services -sV found on TCP ports), kept beside them by port.
#pragma once
#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

#include "output/report.h"

namespace portauth::output {

struct PortRecord {
  uint16_t port = 0;
  probe::Reason reason = probe::Reason::kNone;
  uint8_t ttl = 0;
  const Annotation* annotation = nullptr;  // owned by the Annotator; valid for the scan
  config::Proto proto = config::Proto::kTcp;
};

struct HostRecords {
  config::Address addr;
  std::vector<PortRecord> ports;  // TCP then UDP (nmap's order), ascending port, one record per port
  std::unordered_map<uint16_t, std::shared_ptr<const service::ServiceInfo>> services;  // -sV, by TCP port

  // The service found on `port`, or null.
  const service::ServiceInfo* service(uint16_t port) const {
    const auto it = services.find(port);
    return it == services.end() ? nullptr : it->second.get();
  }
};

class HostTable {
 public:
  void add(const probe::ScanResult& r, const Annotation& a, const PortFacts& f = {});
  // Every host in ascending address order, its ports sorted. Empties the table.
  std::vector<HostRecords> take_sorted();

 private:
  std::unordered_map<config::Address, std::vector<PortRecord>> hosts_;
  std::unordered_map<config::Address, std::unordered_map<uint16_t, std::shared_ptr<const service::ServiceInfo>>> services_;
};

}  // namespace portauth::output
