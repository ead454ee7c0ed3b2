// nmap XML (-oX): what `nmap -sS -Pn -n --reason -oX` writes for the same scan, so that tools
// that read nmap XML (ndiff, parsers, importers) take it unchanged. It validates against
// nmap's DTD (/usr/share/nmap/nmap.dtd), which is why nmaprun says scanner="nmap": the DTD
// admits no other value. portauth is named in the header comment, in `args` (the command
// line as typed) and in `version` (portauth's version).
//
// Every state is needed (nmap lists or sums up every port), so the scan must deliver all
// of them to this writer whatever --show says. Mapping (see nmap_view.h):
//   open (syn-ack)            -> open     syn-ack
//   closed (rst)              -> closed   reset
//   closed (icmp-X)           -> filtered X          (port-unreach, admin-prohibited, ...)
//   stealth (no-response)     -> filtered no-response
// Hosts are "up", reason "user-set" (portauth never pings: nmap's -Pn). Each port carries
// <service name=... method="table" conf="3"/> with the port database's name ("unknown" when
// it has none). The header is written by begin() (a killed run leaves a started file, as
// nmap's does); hosts, sorted by address, and runstats by finish().
#pragma once
#include <cstdio>

#include "output/host_report_writer.h"

namespace portauth::output {

class XmlWriter final : public HostReportWriter {
 public:
  explicit XmlWriter(std::FILE* out) : HostReportWriter(out) {}
  void begin(const ScanInfo& info) override;
  void finish(const ScanSummary& summary) override;

 private:
  bool begun_ = false;
};

}  // namespace portauth::output
