// What the three per-host reports (nmap XML, grepable, the HTML grid) share: they need every
// state, collect the results into a HostTable (host_table.h: sorted by address, then port),
// and write hosts only at finish(). A subclass writes its header in begin() (or not at all)
// and its body in finish(); `info_` holds the ScanInfo begin() was given, `table_` the results.
#pragma once
#include <cstdio>

#include "output/host_table.h"
#include "output/report.h"

namespace portauth::output {

class HostReportWriter : public ResultWriter {
 public:
  explicit HostReportWriter(std::FILE* out) : out_(out) {}
  void begin(const ScanInfo& info) override { info_ = info; }
  void result(const probe::ScanResult& r, const Annotation& a, const PortFacts& f) final { table_.add(r, a, f); }
  void flush() override { std::fflush(out_); }

 protected:
  std::FILE* out_;
  ScanInfo info_;
  HostTable table_;
};

}  // namespace portauth::output
