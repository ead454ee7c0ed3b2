#include "merge/merged_summary.h"

#include <algorithm>
#include <cstdint>

namespace portauth::merge {
namespace {

// The service stage's account of one shard. Its manifest has it since manifests record
// "services". A manifest written before that has only the lines, which still say what answered
// on each port: the answers are counted there as the stage counts them (service_stage.cpp), but
// the connections and the stage's time are not on the lines (they stay 0), and a shard that
// did not list its open ports (--show without open) has no answers to count.
void add_services(output::ScanSummary& s, const ShardFile& f, const ShardTally& t) {
  const output::ScanSummary& c = f.manifest.counts;
  if (c.service_scan) {
    s.services_identified += c.services_identified;
    s.services_unrecognised += c.services_unrecognised;
    s.services_silent += c.services_silent;
    s.services_tcpwrapped += c.services_tcpwrapped;
    s.services_unfinished += c.services_unfinished;
    s.services_not_tried += c.services_not_tried;
    s.service_connections += c.service_connections;
    // The shards identified their ports at the same time on their own machines: the slowest
    // one is how long identification added to the whole scan.
    s.service_extra_seconds = std::max(s.service_extra_seconds, c.service_extra_seconds);
  } else {
    s.services_identified += t.services_identified;
    s.services_unrecognised += t.services_unrecognised;
    s.services_silent += t.services_silent;
    s.services_tcpwrapped += t.services_tcpwrapped;
    s.services_unfinished += t.services_unfinished;
    s.services_not_tried += t.services_not_tried;
  }
}

}  // namespace

bool shard_service_scan(const ShardFile& shard, const ShardTally& tally) {
  return shard.manifest.counts.service_scan || tally.service_objects > 0;
}

std::string service_scan_problem(const ShardSet& set, const std::vector<ShardTally>& tallies) {
  const ShardFile *with = nullptr, *without = nullptr;
  for (size_t i = 0; i < set.shards.size() && i < tallies.size(); ++i) {
    if (shard_service_scan(set.shards[i], tallies[i])) with = with ? with : &set.shards[i];
    else if (tallies[i].service_names > 0) without = without ? without : &set.shards[i];
  }
  if (!with || !without) return "";
  auto name = [&](const ShardFile* f) {
    return "shard " + std::to_string(f->manifest.shard) + "/" + std::to_string(set.plan.shards) + " (" +
           f->manifest_path + ")";
  };
  return name(with) + " was scanned with -sV and " + name(without) + " without; run " + name(without) +
         " again with -sV (every shard of a scan with the same options)";
}

output::ScanSummary merged_summary(const ShardSet& set, const std::vector<ShardTally>& tallies) {
  output::ScanSummary s;
  s.udp = !set.plan.udp_ports.empty();
  for (size_t i = 0; i < set.shards.size() && i < tallies.size(); ++i)
    s.service_scan = s.service_scan || shard_service_scan(set.shards[i], tallies[i]);
  int64_t start = INT64_MAX, end = 0;
  for (size_t i = 0; i < set.shards.size(); ++i) {
    const auto& c = set.shards[i].manifest.counts;
    s.packets_sent += c.packets_sent;
    s.send_errors += c.send_errors;
    s.passes = std::max(s.passes, c.passes);
    s.pcap_received += c.pcap_received;
    s.pcap_dropped += c.pcap_dropped;
    start = std::min(start, set.shards[i].manifest.start);
    end = std::max(end, set.shards[i].manifest.end);
    if (i >= tallies.size()) continue;
    const ShardTally& t = tallies[i];
    s.open += t.open;
    s.closed += t.closed;
    s.stealth += t.stealth;
    s.open_filtered += t.open_filtered;
    s.probed += t.probes;
    if (s.service_scan) add_services(s, set.shards[i], t);
  }
  if (set.shards.empty()) start = end = 0;
  s.seconds = double(end - start);
  s.pps = s.seconds > 0 ? double(s.packets_sent) / s.seconds : 0;  // all machines together
  return s;
}

}  // namespace portauth::merge
