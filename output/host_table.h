// Results grouped by host, for the writers that write a report at the end (nmap XML,
// grepable, HTML). Memory: 16 bytes per reported (address, proto, port).
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
};

class HostTable {
 public:
  void add(const probe::ScanResult& r, const Annotation& a);
  // Every host in ascending address order, its ports sorted. Empties the table.
  std::vector<HostRecords> take_sorted();

 private:
  std::unordered_map<config::Address, std::vector<PortRecord>> hosts_;
};

}  // namespace portauth::output
