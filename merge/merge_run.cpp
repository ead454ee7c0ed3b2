#include "merge/merge_run.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>

#include "config/scan_plan.h"
#include "config/spec_error.h"
#include "db/db_path.h"
#include "db/port_db.h"
#include "merge/shard_results.h"
#include "merge/shard_set.h"
#include "output/formats.h"
#include "output/output_set.h"
#include "report/annotator.h"

namespace portauth::merge {
namespace {

int refuse(const std::vector<std::string>& problems) {
  if (problems.size() == 1) {  // one problem, one line (issue 19.10)
    std::fprintf(stderr, "portauth: merge refused: %s\n", problems.front().c_str());
    return 1;
  }
  std::fprintf(stderr, "portauth: merge refused: %zu problem(s):\n", problems.size());
  for (const auto& p : problems) std::fprintf(stderr, "  %s\n", p.c_str());
  return 1;
}

std::string state_list(unsigned mask) {
  std::string out;
  for (auto [bit, name] : {std::pair{config::kShowOpen, "open"}, {config::kShowClosed, "closed"},
                           {config::kShowStealth, "stealth"}})
    if (mask & bit) out += (out.empty() ? "" : ",") + std::string(name);
  return out.empty() ? "none" : out;
}

// -sV: a shard's manifest says so ("services"), or its lines do (a "service" object).
bool service_scan(const ShardFile& f, const ShardTally& t) { return f.manifest.counts.service_scan || t.service_objects > 0; }

// The shards must all be scans with -sV or all without: the plan's fingerprint does not
// cover -sV, and a merged output that says what answers on some ports only would mislead.
std::string service_scan_problem(const ShardSet& set, const std::vector<ShardTally>& tallies) {
  const ShardFile *with = nullptr, *without = nullptr;
  for (size_t i = 0; i < set.shards.size(); ++i) {
    if (service_scan(set.shards[i], tallies[i])) with = with ? with : &set.shards[i];
    else if (tallies[i].service_names > 0) without = without ? without : &set.shards[i];
  }
  if (!with || !without) return "";
  auto name = [&](const ShardFile* f) {
    return "shard " + std::to_string(f->manifest.shard) + "/" + std::to_string(set.plan.shards) + " (" +
           f->manifest_path + ")";
  };
  return name(with) + " was scanned with -sV and " + name(without) + " without; run " + name(without) +
         " again with -sV (every shard with the same options)";
}

// The service stage's account of one shard, added to the merged summary. Its manifest has it
// since manifests record "services"; one written before only has the lines, which still say
// what answered on each port: the answers are counted there as the stage counts them, but the
// connections and the stage's time are not on the lines (they stay 0), and a shard that did not
// list its open ports (--show without open) has no answers to count.
void add_services(output::ScanSummary& s, const ShardFile& f, const ShardTally& t) {
  const output::ScanSummary& c = f.manifest.counts;
  if (c.service_scan) {
    s.services_identified += c.services_identified;
    s.services_unrecognised += c.services_unrecognised;
    s.services_silent += c.services_silent;
    s.services_tcpwrapped += c.services_tcpwrapped;
    s.services_unfinished += c.services_unfinished;
    s.service_connections += c.service_connections;
    // The shards identified their ports at the same time on their own machines: the
    // slowest one is how long identification added to the whole scan.
    s.service_extra_seconds = std::max(s.service_extra_seconds, c.service_extra_seconds);
  } else {
    s.services_identified += t.services_identified;
    s.services_unrecognised += t.services_unrecognised;
    s.services_silent += t.services_silent;
    s.services_tcpwrapped += t.services_tcpwrapped;
    s.services_unfinished += t.services_unfinished;
  }
}

output::ScanSummary combine(const ShardSet& set) {
  output::ScanSummary s;
  int64_t start = INT64_MAX, end = 0;
  for (const auto& f : set.shards) {
    const auto& c = f.manifest.counts;
    s.packets_sent += c.packets_sent;
    s.send_errors += c.send_errors;
    s.passes = std::max(s.passes, c.passes);
    s.pcap_received += c.pcap_received;
    s.pcap_dropped += c.pcap_dropped;
    start = std::min(start, f.manifest.start);
    end = std::max(end, f.manifest.end);
  }
  s.seconds = double(end - start);
  s.pps = s.seconds > 0 ? double(s.packets_sent) / s.seconds : 0;  // all machines together
  return s;
}

}  // namespace

int run_merge(const MergeRequest& a) {
  std::vector<std::string> problems;
  std::vector<ShardFile> files;
  for (const auto& path : a.manifests) {
    try {
      files.push_back({path, load_manifest(path), "", ""});
    } catch (const std::exception& e) {
      problems.push_back(e.what());
    }
  }
  if (files.empty() && !problems.empty()) return refuse(problems);  // not also "no manifests given"
  ShardSet set = check_shard_set(std::move(files));
  problems.insert(problems.end(), set.problems.begin(), set.problems.end());
  if (!problems.empty()) return refuse(problems);

  std::vector<config::OutputSpec> specs;
  unsigned show = set.available;
  try {
    config::ScanOptions o;  // the same -o/--format/-oX rules as scan (config::resolve_outputs)
    o.format = a.format;
    o.output_path = a.output_path;
    o.extra_outputs = a.extra_outputs;
    specs = config::resolve_outputs(o);
    if (!a.show.empty()) show = config::parse_show(a.show);
  } catch (const config::SpecError& e) {
    std::fprintf(stderr, "portauth: %s\n", e.what());
    return 1;
  }
  const std::string held = state_list(set.available);
  if ((show & set.available) != show)
    problems.push_back("--show " + state_list(show) + " asks for states the shards did not record (they hold: " +
                       held + "); scan them with --show all");
  for (const auto& spec : specs)
    if (output::format_info(spec.format).every_state && set.available != config::kShowAll)
      problems.push_back(std::string(config::output_format_name(spec.format)) +
                         " output reports every port, but the shards recorded only " + held +
                         " ports; scan them with --show all (or --show open,closed)");
  for (const auto& w : set.warnings) std::fprintf(stderr, "portauth: warning: %s\n", w.c_str());

  // First pass: every shard's results checked (and checksummed) before anything is written.
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<ShardTally> tallies;
  for (const auto& f : set.shards) {
    try {
      tallies.push_back(read_shard_results(set.plan, f, 0, {}));
    } catch (const std::exception& e) {
      problems.push_back(e.what());
    }
  }
  if (!problems.empty()) return refuse(problems);
  if (const std::string p = service_scan_problem(set, tallies); !p.empty()) return refuse({p});
  bool services = false;
  for (size_t i = 0; i < set.shards.size(); ++i) services = services || service_scan(set.shards[i], tallies[i]);
  if (a.check) {
    std::fprintf(stderr, "portauth: %zu shards of %u checked: they merge into one complete scan\n", set.shards.size(),
                 set.plan.shards);
    return 0;
  }

  std::unique_ptr<db::PortDb> db;
  try {
    db = std::make_unique<db::PortDb>(db::PortDb::load_file(db::resolve_db_path(a.db)));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "portauth: port database: %s\n", e.what());
    return 1;
  }
  std::unique_ptr<output::OutputSet> outputs;
  try {
    outputs = std::make_unique<output::OutputSet>(specs, show);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "portauth: %s\n", e.what());
    return 1;
  }
  const unsigned deliver = outputs->delivery_mask() & set.available;
  report::PortAnnotator annotator(db.get());
  const auto writers = outputs->writers();

  const Manifest& first = set.shards.front().manifest;
  output::ScanInfo info;
  info.start_unix = first.start;
  for (const auto& f : set.shards) info.start_unix = std::min(info.start_unix, f.manifest.start);
  info.command_line = a.command_line;
  info.ports = set.plan.ports;
  info.udp_ports = set.plan.udp_ports;
  for (const auto& [lo, hi] : set.plan.targets) info.address_count += config::clamp64(config::AddressRange{lo, hi}.size());
  info.probe_count = info.address_count * (info.ports.size() + info.udp_ports.size());
  info.rate = first.rate;
  info.retries = first.retries;
  info.service_scan = services;  // -sV's "service" object on every JSONL line, the VERSION column, ...
  for (auto* w : writers) w->begin(info);

  output::ScanSummary s = combine(set);
  s.udp = !set.plan.udp_ports.empty();
  s.service_scan = services;
  // Each port with what its shard found about it (-sV's service, UDP's reply), as the scan's
  // own stages hand it to the writers.
  const auto sink = [&](const probe::ScanResult& r, const output::PortFacts& facts) {
    const auto& note = annotator(r.port, r.proto);
    for (auto* w : writers) w->result(r, note, facts);
  };
  for (size_t i = 0; i < set.shards.size(); ++i) {
    try {
      read_shard_results(set.plan, set.shards[i], deliver, sink);
    } catch (const std::exception& e) {  // changed between the passes
      std::fprintf(stderr, "portauth: %s; the merged outputs are incomplete\n", e.what());
      return 1;
    }
    for (auto* w : writers) w->flush();
    s.open += tallies[i].open;
    s.closed += tallies[i].closed;
    s.stealth += tallies[i].stealth;
    s.open_filtered += tallies[i].open_filtered;
    s.probed += tallies[i].probes;
    if (services) add_services(s, set.shards[i], tallies[i]);
  }
  for (auto* w : writers) w->finish(s);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::fprintf(stderr, "portauth: merged %zu shards (%s) in %.2f s: %s\n", set.shards.size(),
               set.shards.front().manifest.fingerprint.substr(0, 12).c_str(), took, output::summary_line(s).c_str());
  if (services) std::fprintf(stderr, "portauth: %s\n", output::service_summary_line(s).c_str());
  return 0;
}


}  // namespace portauth::merge
