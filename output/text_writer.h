// The human report: per host, a table of the reported ports sorted by port with state,
// reason, TTL and what the database knows; then the summary line
//   "N open, N closed, N stealth of N probed in S s (P pps)".
// A host with a verdict (verdict/host_verdict.h) leads with it; a host that answers for ports
// it does not serve (every kind but rate-block) is collapsed: its open ports that reach no
// service are counted in one line, not listed one by one.
#pragma once
#include <cstdio>
#include <vector>

#include "output/report.h"

namespace portauth::output {

class TextWriter final : public ResultWriter {
 public:
  explicit TextWriter(std::FILE* out) : out_(out) {}
  void result(const probe::ScanResult& r, const Annotation& a) override;
  void flush() override {}
  void finish(const ScanSummary& summary) override;

 private:
  struct Row {
    probe::ScanResult r;
    const Annotation* a;
  };
  std::FILE* out_;
  std::vector<Row> rows_;
};

}  // namespace portauth::output
