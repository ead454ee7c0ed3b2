// The scan's outputs: opens every destination the plan names (before any packet is sent,
// and before privileges are dropped) and builds one writer for each.
#pragma once
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "report.h"
#include "scan_plan.h"

namespace portauth::app {

// nmap XML, grepable and HTML report every probed port (nmap lists or sums up each one; the
// HTML grid has a cell per port), whatever --show says.
bool reports_every_state(config::OutputFormat format);

class OutputSet {
 public:
  // Throws std::runtime_error naming the file that cannot be written, or the format that
  // this build cannot produce. `show` is the --show mask (config::ShowMask bits).
  explicit OutputSet(const std::vector<config::OutputSpec>& specs, unsigned show = config::kShowAll);
  ~OutputSet();
  OutputSet(const OutputSet&) = delete;
  OutputSet& operator=(const OutputSet&) = delete;

  std::vector<output::ResultWriter*> writers() const;
  // True when a text report goes to standard output (it prints its own summary there).
  bool text_on_stdout() const { return text_on_stdout_; }
  // The states the scan must deliver to writers(): every state when one of the outputs
  // reports every state (the text, JSONL and CSV writers then apply `show` themselves),
  // otherwise just `show`. Give it to run_scan as the plan's show mask.
  unsigned delivery_mask() const { return delivery_mask_; }

 private:
  std::vector<std::FILE*> files_;
  std::vector<std::unique_ptr<output::ResultWriter>> writers_;
  bool text_on_stdout_ = false;
  unsigned delivery_mask_ = config::kShowAll;
};

}  // namespace portauth::app
