// The scan's outputs: opens every destination the plan names (before any packet is sent,
// and before privileges are dropped) and builds one writer for each, from the format
// registry (formats.h). Results are filtered by state in this one place: the scan delivers
// delivery_mask(), and each writer that wants fewer states gets a ShowFilter in front.
#pragma once
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "output/formats.h"
#include "output/report.h"

namespace portauth::output {

inline constexpr unsigned kEveryState = 7;  // open | closed | stealth (config::kShowAll)
inline constexpr unsigned kCanaries = 8;    // config::kShowCanaries: the canary ports the scan added

// Builds the writer of `format` on `out` (which it does not close).
std::unique_ptr<ResultWriter> make_writer(Format format, std::FILE* out);

class OutputSet {
 public:
  // Throws std::runtime_error naming the file that cannot be written. `show` is the
  // --show mask (config::ShowMask bits) that the streaming formats apply.
  explicit OutputSet(const std::vector<OutputSpec>& specs, unsigned show = kEveryState);
  ~OutputSet();
  OutputSet(const OutputSet&) = delete;
  OutputSet& operator=(const OutputSet&) = delete;

  // Adds a writer owned by the caller that wants the states in `mask` (the ShieldsUP
  // report and probe's explanation want every state). It must outlive the scan.
  void add(ResultWriter& writer, unsigned mask);

  // Every writer, each behind a filter when it wants fewer states than delivery_mask().
  // Valid until the next call or the set's destruction.
  std::vector<ResultWriter*> writers();
  // True when a text report goes to standard output (it prints its own summary there).
  bool text_on_stdout() const { return text_on_stdout_; }
  // The states the scan must deliver: the union of what every writer wants. Give it to
  // run_scan as the plan's show mask.
  unsigned delivery_mask() const;

 private:
  struct Entry {
    ResultWriter* writer;
    unsigned mask;
  };
  std::vector<std::FILE*> files_;
  std::vector<std::unique_ptr<ResultWriter>> owned_;
  std::vector<Entry> entries_;
  std::vector<std::unique_ptr<ResultWriter>> filters_;
  bool text_on_stdout_ = false;
};

}  // namespace portauth::output
