// JSON Lines: one object per reported port, written as results arrive (every 200 ms, whole
// lines only: line_buffer.h), so a killed scan still leaves a file that parses line by line.
//   {"ip":"198.18.0.2","port":22,"proto":"tcp","state":"open","reason":"syn-ack","ttl":64,
//    "service":"ssh","purpose":"Secure Shell","risk":"medium"}
// ttl is null for stealth ports; service/purpose/risk are null when the database has none.
// A line of a host with a verdict (verdict/host_verdict.h) ends with "host_verdict": KIND
// (the scan holds such a host's results back until its verdict is known: run_scan.h); with
// --show canaries, the canary ports the scan added come as lines with "canary": true.
#pragma once
#include <cstdio>

#include <unordered_map>

#include "output/line_buffer.h"
#include "output/report.h"

namespace portauth::output {

class JsonlWriter final : public ResultWriter {
 public:
  explicit JsonlWriter(std::FILE* out) : lines_(out) {}
  void result(const probe::ScanResult& r, const Annotation& a) override;
  void flush() override;
  void finish(const ScanSummary& summary) override;
  void host_verdict(const verdict::HostVerdict& v) override { flagged_[v.addr] = v.kind; }
  void canary_result(const probe::ScanResult& r, const Annotation& a) override;

 private:
  LineBuffer lines_;
  std::unordered_map<config::Address, verdict::VerdictKind> flagged_;
};

// `verdict`: the host's, or null; `canary`: a canary port the scan added.
std::string jsonl_line(const probe::ScanResult& r, const Annotation& a, const verdict::VerdictKind* verdict = nullptr,
                       bool canary = false);

}  // namespace portauth::output
