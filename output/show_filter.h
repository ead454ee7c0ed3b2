// Passes on to a writer only the results whose state is in a --show mask (config::ShowMask
// bits: 1 open, 2 closed, 4 stealth). OutputSet (output_set.h) puts one in front of each
// writer that wants fewer states than the scan delivers: the scan delivers every state when
// some output needs them all (nmap XML, grepable, HTML, the ShieldsUP report), and the
// streaming outputs (text, JSONL, CSV) still show exactly what the user asked for.
#pragma once
#include <memory>

#include "output/report.h"

namespace portauth::output {

class ShowFilter final : public ResultWriter {
 public:
  // Owns `inner`.
  ShowFilter(std::unique_ptr<ResultWriter> inner, unsigned show_mask)
      : owned_(std::move(inner)), inner_(owned_.get()), mask_(show_mask) {}
  // `inner` must outlive the filter.
  ShowFilter(ResultWriter& inner, unsigned show_mask) : inner_(&inner), mask_(show_mask) {}
  void begin(const ScanInfo& info) override { inner_->begin(info); }
  void result(const probe::ScanResult& r, const Annotation& a, const PortFacts& f) override {
    if (mask_ & state_bit(r.state())) inner_->result(r, a, f);
  }
  // The --show bit of a state: UDP's filtered (an ICMP refusal) goes with closed, its
  // open|filtered (no answer) with stealth.
  static unsigned state_bit(probe::PortState s) {
    switch (s) {
      case probe::PortState::kOpen: return 1;
      case probe::PortState::kClosed:
      case probe::PortState::kFiltered: return 2;
      case probe::PortState::kStealth:
      case probe::PortState::kOpenFiltered: return 4;
    }
    return 0;
  }
  void flush() override { inner_->flush(); }
  void host_verdict(const verdict::HostVerdict& v) override { inner_->host_verdict(v); }
  void canary_result(const probe::ScanResult& r, const Annotation& a, const PortFacts& f) override {
    if (mask_ & kCanaryBit) inner_->canary_result(r, a, f);
  }
  static constexpr unsigned kCanaryBit = 8;  // config::kShowCanaries
  void finish(const ScanSummary& summary) override { inner_->finish(summary); }

 private:
  std::unique_ptr<ResultWriter> owned_;
  ResultWriter* inner_;
  unsigned mask_;
};

}  // namespace portauth::output
