// A result writer that keeps every result and the summary in memory, for the commands that
// explain a scan afterwards (`probe`, `shieldsup`) rather than print it as it comes.
#pragma once
#include <vector>

#include "output/report.h"

namespace portauth::output {

class CollectingWriter final : public ResultWriter {
 public:
  void result(const probe::ScanResult& r, const Annotation&) override { results.push_back(r); }
  void flush() override {}
  void finish(const ScanSummary& s) override { summary = s; }

  std::vector<probe::ScanResult> results;
  ScanSummary summary;
};

}  // namespace portauth::output
