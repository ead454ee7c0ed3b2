// nmap's grepable format (-oG), as `nmap -sS -Pn -n -oG` writes it for the same scan:
//   # portauth 0.1.0 scan initiated Sun Nov 29 04:00:32 2026 as: portauth scan ...
//   Host: 198.18.0.2 ()	Status: Up
//   Host: 198.18.0.2 ()	Ports: 22/open/tcp//ssh///, 111/filtered/tcp//rpcbind///	Ignored State: closed (56)
//   # portauth done at Sun Nov 29 04:00:34 2026 -- 1 IP address (1 host up) scanned in 1.53 seconds
// Port fields: port/state/protocol/owner/service/rpc info/version/ with nmap's states
// (closed by ICMP and stealth are "filtered", see nmap_view.h) and the port database's name
// as the service ('/' written as '|', as nmap does). The purpose has no field in this
// format and is left out rather than passed off as version information. Which ports are
// listed follows nmap (a non-open state with more than 25 ports is not); "Ignored State"
// appears only when exactly one state was left out, as in nmap. Needs every state.
#pragma once
#include <cstdio>

#include "output/host_report_writer.h"

namespace portauth::output {

class GrepableWriter final : public HostReportWriter {
 public:
  explicit GrepableWriter(std::FILE* out) : HostReportWriter(out) {}
  void begin(const ScanInfo& info) override;
  void finish(const ScanSummary& summary) override;

 private:
  bool begun_ = false;
};

}  // namespace portauth::output
