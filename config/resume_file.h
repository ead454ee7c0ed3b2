// Resume files: what an interrupted scan leaves behind so `--resume FILE` can finish it.
//
// The file holds the scan's resolved parameters (final target ranges, ports, seed, shard,
// rate, retries, wait, interface, source address, show, outputs) and its progress: the
// first slot never sent, and the slots already answered (as ranges). It never holds the
// cookie key: a resumed run makes a new one. Written atomically (a temporary file in the
// same directory, fsync, rename) with mode 0600.
//
// Guarantee (with the runner): the results of the interrupted run plus those of the
// resumed run are the results of the uninterrupted scan. The interrupted run reports only
// what it found (open and closed); stealth is reported by the run that finishes, after
// its retry passes, so no port is called stealth twice or too early. The file also counts
// what the runs before found (open, closed, SYNs, time), so the run that finishes sums up
// the whole scan: its counts add up to every probe (issue 19.5).
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "config/scan_plan.h"

namespace portauth::config {

using SlotRanges = std::vector<std::pair<uint64_t, uint64_t>>;  // inclusive, ascending

// What the interrupted runs of a scan found and spent, all of them together.
struct EarlierRuns {
  unsigned runs = 0;
  uint64_t open = 0, closed = 0;  // answers reported (they are the answered slots)
  uint64_t packets_sent = 0;
  double seconds = 0;
};

struct ResumeState {
  ScanOptions options;  // rebuilds the identical probe space through build_scan_plan
  uint64_t next_slot = 0;
  SlotRanges answered;
  EarlierRuns earlier;  // absent from files written before it was kept: all zero
};

// Throws SpecError naming the file when it cannot be written.
void write_resume_file(const std::string& path, const ScanPlan& plan, uint64_t next_slot,
                       const SlotRanges& answered, const EarlierRuns& earlier = {});
// The same into `fd`, a descriptor of `path` opened earlier (before a privilege drop, when the
// directory is no longer ours to write): truncated and rewritten in place, then fsync'd.
void write_resume_fd(int fd, const std::string& path, const ScanPlan& plan, uint64_t next_slot,
                     const SlotRanges& answered, const EarlierRuns& earlier);
// Throws SpecError with FILE:LINE:COL for a malformed file.
ResumeState load_resume_file(const std::string& path);
ResumeState parse_resume_text(const std::string& text, const std::string& name);

}  // namespace portauth::config
