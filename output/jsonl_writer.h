// JSON Lines: one object per reported port, written as results arrive (every 200 ms, whole
// lines only: line_buffer.h), so a killed scan still leaves a file that parses line by line.
//   {"ip":"198.18.0.2","port":22,"proto":"tcp","state":"open","reason":"syn-ack","ttl":64,
//    "service":"ssh","purpose":"Secure Shell","risk":"medium"}
// ttl is null for stealth ports; service/purpose/risk are null when the database has none.
// UDP ports say "proto":"udp" with nmap's UDP states (open, closed, filtered, open|filtered;
// ttl null for open|filtered), and an open one adds what its service answered:
//   ..., "reply":"NTP answered: server mode, stratum 8, version 4","reply_bytes":48,
//   "probe_bytes":48,"amplification":1.0,"reply_risk":null}
#pragma once
#include <cstdio>

#include "output/line_buffer.h"
#include "output/report.h"

namespace portauth::output {

class JsonlWriter final : public ResultWriter {
 public:
  explicit JsonlWriter(std::FILE* out) : lines_(out) {}
  void result(const probe::ScanResult& r, const Annotation& a) override;
  void result_with_reply(const probe::ScanResult& r, const Annotation& a, const probe::ReplyFacts& f) override;
  void flush() override;
  void finish(const ScanSummary& summary) override;

 private:
  LineBuffer lines_;
};

std::string jsonl_line(const probe::ScanResult& r, const Annotation& a, const probe::ReplyFacts* facts = nullptr);

}  // namespace portauth::output
