// One shard's results, read back from its JSONL output and checked against the plan.
//
// Every line must be a result this shard can have produced: a known state and reason that
// agree, an (ip, port) of the plan that the permutation gives to this shard (ProbeSpace::
// slot_of with the shard's index), at most once. The file must still be the one the scan
// wrote (its SHA-256 is the manifest's). So shards whose lines pass are disjoint and, with
// every shard present, cover the plan: each (ip, port) appears exactly once in the union.
//
// Stealth: a shard that listed open and closed ports but not stealth ones (--show
// open,closed) still tells them: every probe of the shard not listed. A shard that listed
// every state must list every probe. Memory: one bit per probe of the shard (the scan's own
// ProbeTable), whatever the file's size.
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "merge/shard_set.h"
#include "probe/scan_result.h"

namespace portauth::merge {

struct ShardTally {
  uint64_t lines = 0;
  uint64_t open = 0, closed = 0;
  uint64_t stealth = 0;  // listed plus derived (0 when the shard cannot tell); TCP's
  uint64_t open_filtered = 0;  // the same for UDP ports (no answer: open|filtered)
  uint64_t probes = 0;   // the shard's share of the plan
};

using ResultSink = std::function<void(const probe::ScanResult&)>;

// Reads the shard's file once: checks every line, then the checksum. Hands each result
// whose state is in `deliver_mask` to `sink` (may be empty: a check only), the derived
// stealth ones last. Throws std::runtime_error "FILE:LINE: what" (or "FILE: what").
ShardTally read_shard_results(const PlanKey& plan, const ShardFile& shard, unsigned deliver_mask,
                              const ResultSink& sink);

// Parses one line of portauth's JSONL; returns "" or what is wrong with it.
std::string parse_result_line(std::string_view line, probe::ScanResult& out);

}  // namespace portauth::merge
