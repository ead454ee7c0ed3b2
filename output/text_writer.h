// The human report: per host, a table of the reported ports sorted by port with state,
// reason, TTL and what the database knows (with -sV: the service identified and its VERSION
// as nmap words it, instead of the database's purpose); then the summary lines (output/report.h):
//   "N open, N closed, N stealth of N ports probed in S s (P ports/s)", -sV's account, what was
//   sent, what the rate controller did, and the warning when the last retry pass still found
//   answers.
// A host with a verdict (verdict/host_verdict.h) leads with it; a host that answers for ports
// it does not serve (every kind but rate-block) is collapsed: its open TCP ports that reach no
// service are counted in one line, not listed one by one.
#pragma once
#include <cstdio>
#include <vector>

#include "output/report.h"

namespace portauth::output {

class TextWriter final : public ResultWriter {
 public:
  explicit TextWriter(std::FILE* out) : out_(out) {}
  void begin(const ScanInfo& info) override { service_scan_ = info.service_scan; }
  // An open UDP port's row is followed by what its service answered (and the amplification).
  void result(const probe::ScanResult& r, const Annotation& a, const PortFacts& f) override;
  void flush() override {}
  void finish(const ScanSummary& summary) override;

 private:
  struct Row {
    probe::ScanResult r;
    const Annotation* a;
    std::shared_ptr<const service::ServiceInfo> s;
    std::shared_ptr<const probe::ReplyFacts> reply;  // an open UDP port's answer, explained
  };
  std::FILE* out_;
  bool service_scan_ = false;
  std::vector<Row> rows_;
};

}  // namespace portauth::output
