// A result writer that keeps every result and the summary in memory, for the commands that
// explain a scan afterwards (`probe`, `shieldsup`) rather than print it as it comes.
#pragma once
#include <vector>

#include "output/report.h"

namespace portauth::output {

class CollectingWriter final : public ResultWriter {
 public:
  void result(const probe::ScanResult& r, const Annotation&, const PortFacts& f) override {
    results.push_back(r);
    facts.push_back(f);
  }
  void flush() override {}
  void finish(const ScanSummary& s) override { summary = s; }

  std::vector<probe::ScanResult> results;
  std::vector<PortFacts> facts;  // beside results, index for index
  ScanSummary summary;
};

}  // namespace portauth::output
