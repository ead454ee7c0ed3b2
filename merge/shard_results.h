// One shard's results, read back from its JSONL output and checked against the plan.
//
// Every line must be a result this shard can have produced: a known state and reason that
// agree, an (ip, port) of the plan that the permutation gives to this shard (ProbeSpace::
// slot_of with the shard's index), at most once. The file must still be the one the scan
// wrote (its SHA-256 is the manifest's). So shards whose lines pass are disjoint and, with
// every shard present, cover the plan: each (ip, port) appears exactly once in the union.
//
// Facts: a line's -sV service object and UDP reply fields are read back into PortFacts
// (output/port_facts_read.h) and handed to the sink beside the result, so the merged outputs
// say what answered exactly as each shard's did. A shard's lines are all of one scan: a
// "service" object on one line and a name on another (with and without -sV) is refused.
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
#include "output/port_facts_read.h"
#include "probe/scan_result.h"

namespace portauth::merge {

// A line longer than this is refused before it is parsed (a scan's longest, a -sV line with
// a TLS certificate and details, is a few KiB).
inline constexpr size_t kMaxLineBytes = 1 << 20;

struct ShardTally {
  uint64_t lines = 0;
  uint64_t open = 0, closed = 0;
  uint64_t stealth = 0;  // listed plus derived (0 when the shard cannot tell); TCP's
  uint64_t open_filtered = 0;  // the same for UDP ports (no answer: open|filtered)
  uint64_t probes = 0;   // the shard's share of the plan
  // Lines whose "service" is an object (-sV) or a name (without -sV).
  uint64_t service_objects = 0, service_names = 0;
  // -sV's answers on the lines with a service object, counted as the service stage counts
  // them (service/service_stage.cpp; every other answer is unfinished).
  uint64_t services_identified = 0, services_unrecognised = 0, services_silent = 0, services_tcpwrapped = 0,
           services_unfinished = 0;
  // Open TCP ports of a -sV scan with no service object: a host that answers for ports it does
  // not serve, whose ports the stage did not try (ScanSummary::services_not_tried).
  uint64_t services_not_tried = 0;
};

using ResultSink = std::function<void(const probe::ScanResult&, const output::PortFacts&)>;

// Reads the shard's file once: checks every line, then the checksum. Hands each result
// whose state is in `deliver_mask` to `sink` (may be empty: a check only), the derived
// stealth ones last. Throws std::runtime_error "FILE:LINE: what" (or "FILE: what").
ShardTally read_shard_results(const PlanKey& plan, const ShardFile& shard, unsigned deliver_mask,
                              const ResultSink& sink);

struct ResultLine {
  probe::ScanResult result;
  output::LineFacts facts;  // the service's form, and the facts the line carries
};

// Parses one line of portauth's JSONL; returns "" or what is wrong with it.
std::string parse_result_line(std::string_view line, ResultLine& out);

}  // namespace portauth::merge
