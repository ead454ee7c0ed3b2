// The human report: per host, a table of the reported ports sorted by port with state,
// reason, TTL and what the database knows; then the summary line
//   "N open, N closed, N stealth of N probed in S s (P pps)".
#pragma once
#include <cstdio>
#include <vector>

#include "output/report.h"

namespace portauth::output {

class TextWriter final : public ResultWriter {
 public:
  explicit TextWriter(std::FILE* out) : out_(out) {}
  void result(const probe::ScanResult& r, const Annotation& a) override;
  // An open UDP port: its row, and under it what the service answered (and the amplification).
  void result_with_reply(const probe::ScanResult& r, const Annotation& a, const probe::ReplyFacts& f) override;
  void flush() override {}
  void finish(const ScanSummary& summary) override;

 private:
  struct Row {
    probe::ScanResult r;
    const Annotation* a;
    std::string reply, risk;  // an open UDP port's answer, explained ("" for the rest)
  };
  std::FILE* out_;
  std::vector<Row> rows_;
};

}  // namespace portauth::output
