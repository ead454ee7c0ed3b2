// The finish: what a scan concludes once its loop is over.
//
//   complete      every slot probed on every pass and never answered is stealth, reported to
//                 the writers (if the plan shows stealth) and counted
//   interrupted   stealth needs every retry pass, so nothing is concluded about the silent:
//                 the resume file records where the first pass stopped and which slots
//                 answered, and the resumed run reports the rest (config/resume_file.h)
//   summary       counts from the loop, the sender, the capture loop and the capture source
#pragma once
#include <vector>

#include "output/report.h"
#include "engine/run_scan.h"
#include "engine/scan_loop.h"
#include "engine/scan_setup.h"

namespace portauth::engine {

// Reports each stealth slot through `report` (which may ignore it) and returns how many,
// canary slots (the space's prefix: not ports of the scan) reported but not counted.
template <class Report>
uint64_t sweep_stealth(const ScanSetup& setup, Report&& report) {
  uint64_t n = 0;
  for (uint64_t slot = 0; slot < setup.space.slots(); ++slot) {
    if (setup.table.get(slot) != 0) continue;
    if (slot >= setup.space.prefix_slots()) ++n;
    const auto t = setup.space.at(slot);
    report(probe::ScanResult{t.addr, t.port, probe::Reason::kNoResponse, 0, t.proto});
  }
  return n;
}

// The answered slots as ranges, for the resume file.
config::SlotRanges answered_ranges(const probe::ProbeTable& table);

// Writes the resume file at `path`: atomically where the scan may (a new file, renamed over it),
// else through `fd` (the user's path, opened before the privilege drop), else (the default
// path, fd -1) to /tmp, saying so. Returns the path written, or "" (the reason printed).
// `earlier`: what every run of the scan so far found, this one included.
std::string write_resume(const ScanSetup& setup, const std::string& path, int fd, uint64_t next_slot,
                         const config::EarlierRuns& earlier);

// Fills the summary's counters from the loop's and the wire's.
void fill_counters(output::ScanSummary& s, const ScanSetup& setup, const ScanLoop& loop, const Wire& wire);

}  // namespace portauth::engine
