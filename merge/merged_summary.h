// What `portauth merge` says about the whole scan, from the shards' manifests and the tallies
// of their lines (shard_results.h): the merged ScanSummary, and whether the shards are one
// kind of scan as to -sV.
#pragma once
#include <string>
#include <vector>

#include "merge/shard_results.h"
#include "merge/shard_set.h"
#include "output/report.h"

namespace portauth::merge {

// Whether a shard was scanned with -sV: its manifest says so ("services"), or its lines do
// (a "service" object on any of them).
bool shard_service_scan(const ShardFile& shard, const ShardTally& tally);

// "" when the shards were all scanned with -sV or all without; else which one was and which
// was not, and what to run. The plan's fingerprint does not cover -sV, and a merged output
// that says what answers on some ports only would mislead. A shard that shows neither (no
// "services" in its manifest, no line) goes with either.
std::string service_scan_problem(const ShardSet& set, const std::vector<ShardTally>& tallies);

// `tallies[i]` is the first pass's tally of `set.shards[i]`. Counts, packets and pcap figures
// add up; passes is the most any shard needed; seconds span the first start to the last end
// (the machines ran side by side), pps is over that span. With -sV (any shard) the service
// stage's account too: see merged_summary.cpp for where each count comes from.
output::ScanSummary merged_summary(const ShardSet& set, const std::vector<ShardTally>& tallies);

}  // namespace portauth::merge
