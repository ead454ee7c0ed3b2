// JSON Lines: one object per reported port, written as results arrive (every 200 ms, whole
// lines only: line_buffer.h), so a killed scan still leaves a file that parses line by line.
//   {"ip":"198.18.0.2","port":22,"proto":"tcp","state":"open","reason":"syn-ack","ttl":64,
//    "service":"ssh","purpose":"Secure Shell","risk":"medium"}
// ttl is null for stealth ports; service/purpose/risk are null when the database has none.
#pragma once
#include <cstdio>

#include "output/line_buffer.h"
#include "output/report.h"

namespace portauth::output {

class JsonlWriter final : public ResultWriter {
 public:
  explicit JsonlWriter(std::FILE* out) : lines_(out) {}
  void result(const probe::ScanResult& r, const Annotation& a) override;
  void flush() override;
  void finish(const ScanSummary& summary) override;

 private:
  LineBuffer lines_;
};

std::string jsonl_line(const probe::ScanResult& r, const Annotation& a);

}  // namespace portauth::output
